using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace C3dNet.Models;

/// <summary>
/// The C3D network (Tran et al. 2015) as in the reference PyTorch code. Field names equal the
/// PyTorch state_dict keys (conv1 … conv5b, fc6 … fc8), so checkpoints map one to one.
/// Input (N, 3, T, H, W), channels in the order of <see cref="C3dConfig.ChannelOrder"/>.
/// </summary>
internal sealed class C3D : Module<Tensor, Tensor>, IClipNetwork, IBackboneSplit
{
    private readonly Conv3d conv1, conv2, conv3a, conv3b, conv4a, conv4b, conv5a, conv5b;
    private readonly MaxPool3d pool1, pool2, pool3, pool4, pool5;
    private readonly Linear fc6, fc7, fc8;
    private readonly Dropout dropout;

    public C3dConfig Config { get; }
    nn.Module<Tensor, Tensor> IClipNetwork.Module => this;
    /// <summary>fc6 (the paper's features, the default) and fc7, after ReLU.</summary>
    public IReadOnlyList<string> FeatureLayers => ["fc6", "fc7"];
    public Tensor Logits(Tensor x) => forward(x);

    /// <summary>Layer names in forward order; the state_dict keys are these plus ".weight"/".bias".</summary>
    public static readonly string[] LayerNames =
        ["conv1", "conv2", "conv3a", "conv3b", "conv4a", "conv4b", "conv5a", "conv5b", "fc6", "fc7", "fc8"];

    /// <summary>The state_dict shapes of a C3D with <paramref name="config"/>, without building it (a full-width C3D is 300 MB).</summary>
    public static IReadOnlyDictionary<string, long[]> ParameterShapes(C3dConfig config)
    {
        int[] c = config.Channels;
        var convs = new (string Name, int In, int Out)[]
        {
            ("conv1", 3, c[0]), ("conv2", c[0], c[1]), ("conv3a", c[1], c[2]), ("conv3b", c[2], c[2]),
            ("conv4a", c[2], c[3]), ("conv4b", c[3], c[3]), ("conv5a", c[3], c[4]), ("conv5b", c[4], c[4]),
        };
        var fcs = new (string Name, int In, int Out)[]
        {
            ("fc6", config.FlattenSize, config.FcWidth), ("fc7", config.FcWidth, config.FcWidth), ("fc8", config.FcWidth, config.NumClasses),
        };
        var shapes = new Dictionary<string, long[]>();
        foreach (var (name, inC, outC) in convs) { shapes[name + ".weight"] = [outC, inC, 3, 3, 3]; shapes[name + ".bias"] = [outC]; }
        foreach (var (name, inF, outF) in fcs) { shapes[name + ".weight"] = [outF, inF]; shapes[name + ".bias"] = [outF]; }
        return shapes;
    }

    public C3D(C3dConfig config) : base("C3D")
    {
        Config = config.Validated();
        int[] c = config.Channels;
        conv1 = Conv(3, c[0]);
        pool1 = MaxPool3d([1, 2, 2], [1, 2, 2]);
        conv2 = Conv(c[0], c[1]);
        pool2 = MaxPool3d([2, 2, 2], [2, 2, 2]);
        conv3a = Conv(c[1], c[2]);
        conv3b = Conv(c[2], c[2]);
        pool3 = MaxPool3d([2, 2, 2], [2, 2, 2]);
        conv4a = Conv(c[2], c[3]);
        conv4b = Conv(c[3], c[3]);
        pool4 = MaxPool3d([2, 2, 2], [2, 2, 2]);
        conv5a = Conv(c[3], c[4]);
        conv5b = Conv(c[4], c[4]);
        pool5 = MaxPool3d([2, 2, 2], [2, 2, 2], [0, 1, 1]);
        fc6 = Linear(config.FlattenSize, config.FcWidth);
        fc7 = Linear(config.FcWidth, config.FcWidth);
        fc8 = Linear(config.FcWidth, config.NumClasses);
        dropout = Dropout(0.5);
        RegisterComponents();
        InitWeights();
    }

    private static Conv3d Conv(int inChannels, int outChannels) =>
        Conv3d(inChannels, outChannels, kernel_size: 3, padding: 1);

    /// <summary>Kaiming-normal conv weights (fan_in, as torch.nn.init.kaiming_normal_ defaults); biases and fc layers keep PyTorch's default init.</summary>
    private void InitWeights()
    {
        using var _ = no_grad();
        foreach (var conv in new[] { conv1, conv2, conv3a, conv3b, conv4a, conv4b, conv5a, conv5b })
            init.kaiming_normal_(conv.weight!);
    }

    // Submodules are invoked with call() (not forward()) so that forward hooks run: `c3d bench` times layers with them.
    public override Tensor forward(Tensor x)
    {
        using var scope = NewDisposeScope();
        return Head(ConvFeatures(x)).MoveToOuterDisposeScope();
    }

    // The backbone/head split (a frozen-backbone run trains the head on cached pool5 features).
    public IReadOnlyList<string> BackboneLayers => LayerNames[..8];
    public IReadOnlyList<string> HeadLayers => LayerNames[8..];
    public long BackboneWidth => Config.FlattenSize;

    /// <summary>pool5, flattened: (N, <see cref="C3dConfig.FlattenSize"/>).</summary>
    public Tensor BackboneFeatures(Tensor clips)
    {
        using var scope = NewDisposeScope();
        return ConvFeatures(clips).MoveToOuterDisposeScope();
    }

    public Tensor HeadLogits(Tensor features)
    {
        using var scope = NewDisposeScope();
        return Head(features).MoveToOuterDisposeScope();
    }

    public void BackboneEval()
    {
        foreach (var m in new Module[] { conv1, conv2, conv3a, conv3b, conv4a, conv4b, conv5a, conv5b, pool1, pool2, pool3, pool4, pool5 }) m.eval();
    }

    private Tensor Head(Tensor pool5) => fc8.call(Fc7(pool5));

    /// <summary>Activations of fc6 or fc7 after ReLU (dropout as in the current mode), as the C3D feature tool stores them.</summary>
    public Tensor Features(Tensor x, string layer)
    {
        using var scope = NewDisposeScope();
        Tensor result = layer switch
        {
            "fc6" => functional.relu(fc6.call(ConvFeatures(x))),
            "fc7" => functional.relu(fc7.call(dropout.call(functional.relu(fc6.call(ConvFeatures(x)))))),
            _ => throw new ArgumentException($"unknown feature layer '{layer}': use fc6 or fc7"),
        };
        return result.MoveToOuterDisposeScope();
    }

    private Tensor Fc7(Tensor pool5)
    {
        var h = dropout.call(functional.relu(fc6.call(pool5)));
        return dropout.call(functional.relu(fc7.call(h)));
    }

    private Tensor ConvFeatures(Tensor x)
    {
        if (x.dim() != 5 || x.shape[1] != 3)
            throw new ArgumentException($"C3D expects input (N, 3, T, H, W); got ({string.Join(", ", x.shape)})");
        x = pool1.call(functional.relu(conv1.call(x)));
        x = pool2.call(functional.relu(conv2.call(x)));
        x = pool3.call(functional.relu(conv3b.call(functional.relu(conv3a.call(x)))));
        x = pool4.call(functional.relu(conv4b.call(functional.relu(conv4a.call(x)))));
        x = pool5.call(functional.relu(conv5b.call(functional.relu(conv5a.call(x)))));
        return x.reshape(x.shape[0], -1);
    }

    /// <summary>
    /// The reference's two parameter groups: conv1–fc7 (learning at lr) and fc8 (10×lr), in the
    /// reference's parameter order, so optimizer state maps one to one with PyTorch's.
    /// </summary>
    public (IReadOnlyList<Parameter> Base, IReadOnlyList<Parameter> Head) ParameterGroups()
    {
        var named = named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var baseParams = LayerNames[..^1].SelectMany(l => new[] { named[l + ".weight"], named[l + ".bias"] }).ToList();
        var head = new List<Parameter> { named["fc8.weight"], named["fc8.bias"] };
        return (baseParams, head);
    }

    public long ParameterCount() => parameters().Sum(p => p.numel());
}
