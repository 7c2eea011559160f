using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace C3dNet.Models;

/// <summary>
/// What distinguishes one 18-layer video ResNet from another: its name (torchvision's function name), its stem and
/// the convolution of each of its four layers. The three torchvision offers are <see cref="R3d18"/>,
/// <see cref="Mc3_18"/> and <see cref="R2Plus1d18"/>.
/// </summary>
/// <param name="Name">torchvision's function name.</param>
/// <param name="Stem">The stem.</param>
/// <param name="LayerConvs">The convolution of each of layer1-4.</param>
/// <param name="TrainsChannelsLast">Whether training also runs in channels-last layout (<see cref="ChannelsLast3d"/>); eval
/// always does. Chosen by measurement (bench/compare, 2-core AVX2 EPYC): r2plus1d_18's train step fell to 0.79x torchvision's
/// in channels-last, the others gained or held (mc3_18 0.95x to 1.03x, r3d_18 1.08x).</param>
internal sealed record VideoResNetArchitecture(string Name, VideoStem Stem, IReadOnlyList<VideoConv> LayerConvs, bool TrainsChannelsLast = true)
{
    /// <summary>The three torchvision offers, in its order.</summary>
    public static IReadOnlyList<VideoResNetArchitecture> All => [R3d18.Architecture, Mc3_18.Architecture, R2Plus1d18.Architecture];

    /// <summary>The architecture with torchvision's function name <paramref name="name"/>, or null.</summary>
    public static VideoResNetArchitecture? Find(string name) => All.FirstOrDefault(a => a.Name == name);
}

/// <summary>
/// torchvision's <c>VideoResNet</c> with BasicBlocks, two per layer: stem, layer1 … layer4 (64, 128, 256, 512
/// channels; layers 2-4 halve time and space), adaptive average pool to 1x1x1, <c>fc</c>. Field and child names are
/// torchvision's, so the state_dict keys (<c>stem.0.weight</c>, <c>layer1.0.conv1.1.running_mean</c>,
/// <c>layer2.0.downsample.0.weight</c>, <c>fc.weight</c>, … with <c>num_batches_tracked</c>) and shapes are its own
/// and a torchvision state_dict loads strictly. BatchNorm3d is PyTorch's (eps 1e-5, momentum 0.1, running statistics).
/// Input (N, 3, T, H, W) as <see cref="ModelInput"/> describes; torchvision's Kinetics-400 weights want
/// <see cref="ModelInput.Kinetics400"/>.
/// </summary>
internal sealed class VideoResNet : Module<Tensor, Tensor>, IClipNetwork, IBackboneSplit
{
    /// <summary>The one feature layer: the pooled vector before fc.</summary>
    public const string PoolLayer = "pool";
    /// <summary>torchvision's feature width before fc (512 x BasicBlock's expansion 1).</summary>
    public const int FeatureSize = 512;
    /// <summary>torchvision's default class count (Kinetics-400).</summary>
    public const int DefaultClasses = 400;

    private readonly Module<Tensor, Tensor> stem, layer1, layer2, layer3, layer4;
    private readonly AdaptiveAvgPool3d avgpool;
    private readonly Linear fc;

    public VideoResNetArchitecture Architecture { get; }
    public int NumClasses { get; }
    /// <summary>Architecture, classes and input (torchvision's Kinetics-400 input unless built from a config).</summary>
    public C3dConfig Config { get; }
    nn.Module<Tensor, Tensor> IClipNetwork.Module => this;
    public IReadOnlyList<string> FeatureLayers => [PoolLayer];

    /// <summary>The network <paramref name="config"/> describes (its architecture must be a video ResNet's).</summary>
    public VideoResNet(C3dConfig config)
        : this(VideoResNetArchitecture.Find(config.Validated().Architecture) ?? throw new ArgumentException($"{config.Architecture} is not a video ResNet"),
               config.NumClasses, config) { }

    public VideoResNet(VideoResNetArchitecture architecture, int numClasses = DefaultClasses) : this(architecture, numClasses, null) { }

    private VideoResNet(VideoResNetArchitecture architecture, int numClasses, C3dConfig? config) : base(architecture.Name)
    {
        Config = config ?? C3dConfig.ForVideoResNet(architecture.Name, numClasses, ModelInput.Kinetics400);
        if (numClasses < 1) throw new ArgumentException($"number of classes must be at least 1, got {numClasses}");
        if (architecture.LayerConvs.Count != 4) throw new ArgumentException($"{architecture.Name}: a video ResNet has 4 layers, got {architecture.LayerConvs.Count} convolutions");
        Architecture = architecture;
        NumClasses = numClasses;
        long inPlanes = 64;
        Module<Tensor, Tensor> Layer(VideoConv kind, long planes, long stride)
        {
            // torchvision's _make_layer: a 1x1x1 conv + BN shortcut where the first block changes stride or width.
            Module<Tensor, Tensor>? downsample = stride != 1 || inPlanes != planes
                ? Sequential(Conv3d(inPlanes, planes, kernel_size: (1, 1, 1), stride: VideoResNetBlocks.DownsampleStride(kind, stride), bias: false), BatchNorm3d(planes))
                : null;
            var first = new BasicBlock(kind, inPlanes, planes, stride, downsample);
            inPlanes = planes;
            return Sequential(first, new BasicBlock(kind, planes, planes, 1, null));
        }
        stem = VideoResNetBlocks.Stem(architecture.Stem);
        layer1 = Layer(architecture.LayerConvs[0], 64, 1);
        layer2 = Layer(architecture.LayerConvs[1], 128, 2);
        layer3 = Layer(architecture.LayerConvs[2], 256, 2);
        layer4 = Layer(architecture.LayerConvs[3], 512, 2);
        avgpool = AdaptiveAvgPool3d((1, 1, 1));
        fc = Linear(FeatureSize, numClasses);
        RegisterComponents();
        InitWeights();
        ChannelsLast3d.Apply(this, ChannelsLast);
    }

    public override void train(bool on = true)
    {
        base.train(on);
        ChannelsLast3d.Apply(this, ChannelsLast);
    }

    /// <summary>The layout of this mode: channels-last in eval, and in training where the architecture trains faster so.</summary>
    private bool ChannelsLast => !training || Architecture.TrainsChannelsLast;

    /// <summary>VideoResNet.__init__'s initialisation: kaiming_normal_ (fan_out, relu) convs, BN 1 and 0, fc normal(0, 0.01) and 0.</summary>
    private void InitWeights()
    {
        using var _ = no_grad();
        foreach (var module in modules())
        {
            switch (module)
            {
                case Conv3d conv:
                    init.kaiming_normal_(conv.weight!, mode: init.FanInOut.FanOut, nonlinearity: init.NonlinearityType.ReLU);
                    if (conv.bias is not null) init.zeros_(conv.bias);
                    break;
                case BatchNorm3d bn:
                    init.ones_(bn.weight!);
                    init.zeros_(bn.bias!);
                    break;
                case Linear linear:
                    init.normal_(linear.weight!, 0, 0.01);
                    init.zeros_(linear.bias!);
                    break;
            }
        }
    }

    // Submodules are invoked with call() (not forward()) so that forward hooks run, as in C3D.
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return fc.call(Pooled(x)).MoveToOuterDisposeScope();
    }

    public Tensor Logits(Tensor x) => forward(x);

    /// <summary>The pooled 512-d vector before fc for <see cref="PoolLayer"/>; any other name is refused.</summary>
    public Tensor Features(Tensor x, string layer) => layer == PoolLayer ? Features(x)
        : throw new ArgumentException($"unknown feature layer '{layer}' for {Architecture.Name}: use {PoolLayer} (the 512-d vector before fc)");

    /// <summary>The pooled 512-d vector per clip before fc, (N, 512).</summary>
    public Tensor Features(Tensor x)
    {
        using var scope = NewDisposeScope();
        return Pooled(x).MoveToOuterDisposeScope();
    }

    private Tensor Pooled(Tensor x)
    {
        if (x.dim() != 5 || x.shape[1] != 3)
            throw new ArgumentException($"{Architecture.Name} expects input (N, 3, T, H, W); got ({string.Join(", ", x.shape)})");
        x = stem.call(ChannelsLast ? ChannelsLast3d.Of(x) : x.contiguous());
        x = layer4.call(layer3.call(layer2.call(layer1.call(x))));
        return avgpool.call(x).flatten(1);
    }

    // The backbone/head split: stem–layer4 with the pooled vector, head fc.
    public IReadOnlyList<string> BackboneLayers => ["stem", "layer1", "layer2", "layer3", "layer4"];
    public IReadOnlyList<string> HeadLayers => ["fc"];
    public long BackboneWidth => FeatureSize;
    public Tensor BackboneFeatures(Tensor clips) => Features(clips);
    public Tensor HeadLogits(Tensor features) => fc.call(features);

    public void BackboneEval()
    {
        foreach (var m in new Module[] { stem, layer1, layer2, layer3, layer4, avgpool }) m.eval();
    }

    /// <summary>Everything before fc (stem, layer1–4, in torchvision's parameter order) and fc.</summary>
    public (IReadOnlyList<Parameter> Base, IReadOnlyList<Parameter> Head) ParameterGroups()
    {
        var named = named_parameters().ToList();
        bool IsHead(string name) => name.StartsWith("fc.", StringComparison.Ordinal);
        return (named.Where(p => !IsHead(p.name)).Select(p => p.parameter).ToList(), named.Where(p => IsHead(p.name)).Select(p => p.parameter).ToList());
    }

    public long ParameterCount() => parameters().Sum(p => p.numel());

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, IReadOnlyDictionary<string, long[]>> shapesByArchitecture = new();

    /// <summary>The state_dict shapes (with buffers) of <paramref name="architecture"/> with <paramref name="numClasses"/> outputs.</summary>
    public static IReadOnlyDictionary<string, long[]> StateShapes(string architecture, int numClasses)
    {
        var arch = VideoResNetArchitecture.Find(architecture) ?? throw new ArgumentException($"{architecture} is not a video ResNet");
        var shapes = shapesByArchitecture.GetOrAdd(arch.Name, _ =>
        {
            using var model = new VideoResNet(arch, 1);
            return model.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        });
        var result = new Dictionary<string, long[]>(shapes)
        {
            ["fc.weight"] = [numClasses, FeatureSize],
            ["fc.bias"] = [numClasses],
        };
        return result;
    }
}
