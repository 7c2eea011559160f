using System.Collections;
using C3dNet.Checkpoints;
using C3dNet.Models;
using C3dNet.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace C3dNet.Tests.Models;

/// <summary>r3d_18, mc3_18 and r2plus1d_18 against torchvision 0.14 (Fixtures/make_resnet_fixtures.py).</summary>
public class VideoResNetTests
{
    public static TheoryData<string> Archs => new() { "r3d_18", "mc3_18", "r2plus1d_18" };

    private static string Dtype(Tensor t) => t.dtype switch
    {
        ScalarType.Float32 => "float32",
        ScalarType.Int64 => "int64",
        var d => d.ToString(),
    };

    private static void AssertClose(Tensor expected, Tensor actual, string what, double tolerance = 1e-4)
    {
        Assert.Equal(expected.shape, actual.shape);
        using var scope = NewDisposeScope();
        double scale = expected.abs().max().to(ScalarType.Float64).item<double>(), diff = (actual - expected).abs().max().to(ScalarType.Float64).item<double>();
        Assert.True(scale > 1e-6, $"{what}: the fixture's values are all near zero");
        Assert.True(diff <= tolerance * scale, $"{what}: max |diff| {diff} vs max |value| {scale}");
    }

    [Theory, MemberData(nameof(Archs))]
    public void Fresh_model_has_torchvisions_keys_shapes_dtypes_and_initialisation(string arch)
    {
        random.manual_seed(0);
        using var model = new VideoResNet(ResNetFixtures.Architecture(arch));
        var sd = model.state_dict();
        var expected = ResNetFixtures.Arch(arch).GetProperty("keys").EnumerateArray()
            .Select(e => $"{e.GetProperty("key").GetString()} ({string.Join(", ", e.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()))}) {e.GetProperty("dtype").GetString()}")
            .ToList();
        var ours = sd.Select(kv => $"{kv.Key} ({string.Join(", ", kv.Value.shape)}) {Dtype(kv.Value)}").ToList();
        Assert.Equal(expected.Order(StringComparer.Ordinal), ours.Order(StringComparer.Ordinal));
        Assert.Equal(ResNetFixtures.Arch(arch).GetProperty("num_params").GetInt64(), model.ParameterCount());

        // torchvision's init: kaiming_normal_(fan_out, relu) convs, BN weight 1 bias 0, fc normal(0, 0.01) bias 0;
        // fresh running statistics 0 and 1. Our std per weight within 5% of torchvision's (the smallest has 6615 values).
        foreach (var stat in ResNetFixtures.Arch(arch).GetProperty("init").EnumerateObject())
        {
            var t = sd[stat.Name];
            double theirMean = stat.Value.GetProperty("mean").GetDouble(), theirStd = stat.Value.GetProperty("std").GetDouble();
            bool isConv = t.dim() == 5;
            if (isConv || stat.Name == "fc.weight")
            {
                double std = t.std().item<float>();
                double expectedStd = isConv ? Math.Sqrt(2.0 / (t.shape[0] * t.shape[2] * t.shape[3] * t.shape[4])) : 0.01;
                Assert.True(Math.Abs(std / theirStd - 1) < 0.05, $"{stat.Name}: std {std} vs torchvision's {theirStd}");
                Assert.True(Math.Abs(std / expectedStd - 1) < 0.05, $"{stat.Name}: std {std} vs {expectedStd}");
                Assert.True(Math.Abs(t.mean().item<float>()) < 0.1 * expectedStd, $"{stat.Name}: mean {t.mean().item<float>()}");
            }
            else
            {
                // BN weight / running_var (all 1), BN bias / running_mean / fc.bias (all 0): torchvision's exactly.
                Assert.Equal(0, theirStd);
                Assert.True(t.eq(theirMean).all().item<bool>(), $"{stat.Name} is not all {theirMean}");
            }
        }
    }

    [Theory, MemberData(nameof(Archs))]
    public void Torchvision_weights_give_its_logits_in_training_and_eval_mode_and_its_running_statistics_and_save_for_torch_load(string arch)
    {
        var io = ResNetFixtures.Io(arch);
        using var model = new VideoResNet(ResNetFixtures.Architecture(arch), numClasses: 5);
        var weights = ResNetFixtures.PatternWeights(arch, model.state_dict());
        var (missing, unexpected) = model.load_state_dict(weights, strict: true);
        Assert.Empty(missing);
        Assert.Empty(unexpected);

        // One training-mode forward: BatchNorm normalises with the batch's statistics and updates the running ones.
        model.train();
        using (var logits = model.forward(io["input"]))
        {
            AssertClose(io["train_logits"], logits, "training-mode logits");
            using var loss = nn.functional.cross_entropy(logits, tensor(new long[] { 1, 3 }));
            Assert.Equal(io["train_loss"].item<float>(), loss.item<float>(), 1e-4 * Math.Abs(io["train_loss"].item<float>()));
        }
        using var _ = no_grad();
        int buffers = 0;
        foreach (var (key, tensor) in model.state_dict())
        {
            if (!key.Contains("running_") && !key.EndsWith("num_batches_tracked")) continue;
            buffers++;
            var expected = io[key];
            if (tensor.dtype == ScalarType.Int64)
            {
                Assert.Equal(4L, tensor.item<long>());
                Assert.Equal(expected.item<long>(), tensor.item<long>());
                continue;
            }
            float diff = ((tensor - expected).abs() / expected.abs().clamp_min(1)).max().item<float>();
            // Float32 rounding: the batch variance is summed in another order in channels-last layout (measured up to 1.1e-5 in layer4).
            Assert.True(diff <= 3e-5f, $"{key} after a training forward differs by {diff} (relative)");
            Assert.False(tensor.equal(weights[key]).all().item<bool>(), $"{key} did not change");
        }
        Assert.Equal(io.Keys.Count(k => k.Contains("running_") || k.EndsWith("num_batches_tracked")), buffers);

        // Eval mode with those running statistics.
        model.eval();
        using (var logits = model.forward(io["input"])) AssertClose(io["eval_logits"], logits, "eval-mode logits");
        using var features = model.Features(io["input"]);
        Assert.Equal(new long[] { 2, VideoResNet.FeatureSize }, features.shape);
        AssertClose(io["eval_features"], features, "pooled features");

        AssertStateDictRoundTrips(model, arch);
    }

    /// <summary>
    /// The training-mode forward and its gradients in float64, against torchvision's in float64: the same function
    /// to ~1e-10. (In float32 BatchNorm's batch statistics over the 8 values per channel of layer4 here make early
    /// gradients of r2plus1d_18 inexact by up to ~1e-3 of their largest value in torch itself, and libtorch 2.10's
    /// float32 kernels round differently, so float32 gradients cannot show that.)
    /// </summary>
    [Theory, MemberData(nameof(Archs))]
    public void Training_forward_and_gradients_equal_torchvisions_in_float64(string arch)
    {
        var io = ResNetFixtures.Io(arch);
        using var model = new VideoResNet(ResNetFixtures.Architecture(arch), numClasses: 5);
        model.load_state_dict(ResNetFixtures.PatternWeights(arch, model.state_dict()), strict: true);
        model.to(ScalarType.Float64);
        model.train();
        using var input = io["input"].to(ScalarType.Float64);
        using var logits = model.forward(input);
        AssertClose(io["train_logits64"], logits, "float64 training-mode logits", tolerance: 1e-10);
        using var loss = nn.functional.cross_entropy(logits, tensor(new long[] { 1, 3 }));
        loss.backward();
        var parameters = model.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        var gradKeys = io.Keys.Where(k => k.StartsWith("grad64.")).ToList();
        Assert.True(gradKeys.Count >= 4);
        foreach (var key in gradKeys)
            AssertClose(io[key], parameters[key["grad64.".Length..]].grad!, key, tolerance: 1e-10);
    }

    /// <summary>
    /// Our state_dict as PyBridge writes it reads back with the same keys, dtypes and values. With
    /// C3D_RESNET_INTEROP_DIR set the file stays there for tests/interop/check_torchvision_load.py, which loads it into
    /// torchvision's model with strict=True and compares its eval logits with the fixture's.
    /// </summary>
    private static void AssertStateDictRoundTrips(VideoResNet model, string arch)
    {
        using var dir = new TempDir();
        string folder = Environment.GetEnvironmentVariable("C3D_RESNET_INTEROP_DIR") is { Length: > 0 } keep ? keep : dir.Path;
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, $"{arch}_state_dict.pth");
        var sd = model.state_dict();
        PyTorchFile.WriteDict(path, sd);
        Hashtable back = PyTorchFile.ReadDict(path);
        try
        {
            Assert.Equal(sd.Keys.Order(StringComparer.Ordinal), back.Keys.Cast<string>().Order(StringComparer.Ordinal));
            foreach (var (key, tensor) in sd)
            {
                var read = (Tensor)back[key]!;
                Assert.Equal(tensor.dtype, read.dtype);
                Assert.True(tensor.equal(read).all().item<bool>(), $"{key} differs after the round trip");
            }
        }
        finally
        {
            foreach (var t in back.Values.Cast<Tensor>()) t.Dispose();
        }
    }

    [Fact]
    public void Midplanes_and_shortcut_strides_follow_torchvision()
    {
        // (inplanes * planes * 27) // (inplanes * 9 + 3 * planes)
        Assert.Equal(144, VideoResNetBlocks.MidPlanes(64, 64));
        Assert.Equal(230, VideoResNetBlocks.MidPlanes(64, 128));
        Assert.Equal(288, VideoResNetBlocks.MidPlanes(128, 128));
        Assert.Equal((1L, 2L, 2L), VideoResNetBlocks.DownsampleStride(VideoConv.NoTemporal, 2));
        Assert.Equal((2L, 2L, 2L), VideoResNetBlocks.DownsampleStride(VideoConv.Simple3d, 2));
        Assert.Equal(["r3d_18", "mc3_18", "r2plus1d_18"], VideoResNetArchitecture.All.Select(a => a.Name));
        Assert.Null(VideoResNetArchitecture.Find("c3d"));
    }
}
