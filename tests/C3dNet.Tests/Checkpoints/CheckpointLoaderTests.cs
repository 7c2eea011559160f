using C3dNet.Checkpoints;
using C3dNet.Models;
using C3dNet.Tests.Support;
using static TorchSharp.torch;

namespace C3dNet.Tests.Checkpoints;

/// <summary>The one loader every verb uses refuses what cannot be used, naming the file and the first problem.</summary>
public class CheckpointLoaderTests
{
    /// <summary>The reference fixture with NaN and Inf written into conv3a.weight and fc7.bias, saved as a new file.</summary>
    private static string WithNonFiniteWeights(TempDir dir)
    {
        string path = dir.File("nan.pth.tar");
        using var ckpt = C3dCheckpoint.Load(Fixtures.ReferenceCheckpoint);
        using (no_grad())
        {
            var conv = ckpt.StateDict["conv3a.weight"].view(-1);
            conv[0] = float.NaN;
            conv[5] = float.PositiveInfinity;
            conv[7] = float.NegativeInfinity;
            ckpt.StateDict["fc7.bias"][1] = float.NaN;
        }
        ckpt.Save(path);
        return path;
    }

    [Theory]
    [InlineData(nameof(CheckpointUse.Classifier))]
    [InlineData(nameof(CheckpointUse.Resume))]
    [InlineData(nameof(CheckpointUse.Backbone))]
    public void Non_finite_weights_are_refused_naming_the_first_tensor_and_the_count(string useName) // CheckpointUse is internal
    {
        var use = Enum.Parse<CheckpointUse>(useName);
        using var dir = new TempDir();
        string path = WithNonFiniteWeights(dir);
        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(path, use));
        // conv3a comes before fc7 in the network; its weight at width 0.125 is (32, 16, 3, 3, 3).
        Assert.StartsWith($"{path}: conv3a.weight holds 3 NaN/Inf values (of 13824)", e.Message);
    }

    [Fact]
    public void Class_names_that_disagree_with_the_classifier_are_refused_for_every_use()
    {
        using var dir = new TempDir();
        string path = dir.File("3-vs-5.pth.tar");
        using (var model = new C3D(new C3dConfig { NumClasses = 3, WidthMultiplier = 0.125 }))
        using (var ckpt = C3dCheckpoint.FromModel(model, 0, ["a", "b", "c", "d", "e"]))
            ckpt.Save(path);
        foreach (var use in Enum.GetValues<CheckpointUse>())
        {
            var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(path, use));
            Assert.Equal($"{path}: stores 5 class names but its classifier (fc8) has 3 outputs: the file is inconsistent", e.Message);
        }
    }

    [Fact]
    public void A_crop_the_network_cannot_run_is_refused_with_a_clear_message()
    {
        using var dir = new TempDir();
        string path = dir.File("crop8.pth.tar");
        // What `init --crop-size 8` wrote before init checked: weights of a full-width C3D whose stored config says crop 8.
        using (var model = new C3D(new C3dConfig { NumClasses = 3, WidthMultiplier = 0.125 }))
        using (var good = C3dCheckpoint.FromModel(model, 0))
        using (var bad = new C3dCheckpoint { StateDict = good.StateDict, ModelConfig = good.ModelConfig with { CropSize = 8 } })
            bad.Save(path);
        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(path, CheckpointUse.Backbone));
        Assert.Equal($"{path}: its model config cannot be run: crop size must be at least 32 (C3D pools space five times), got 8", e.Message);
    }

    [Fact]
    public void Weights_that_do_not_fit_the_stored_model_config_are_named()
    {
        using var dir = new TempDir();
        string path = dir.File("clip32.pth.tar");
        using (var model = new C3D(new C3dConfig { NumClasses = 3, WidthMultiplier = 0.125 }))
        using (var good = C3dCheckpoint.FromModel(model, 0))
        using (var bad = new C3dCheckpoint { StateDict = good.StateDict, ModelConfig = good.ModelConfig with { ClipLength = 32 } })
            bad.Save(path);
        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(path, CheckpointUse.Classifier));
        Assert.Equal($"{path}: its weights do not fit its model config (3 classes, width 0.125, clip 32x112x112): fc6.weight is (512, 1024), the config needs (512, 2048)", e.Message);
    }

    [Fact]
    public void A_model_config_of_the_wrong_type_names_the_setting_not_the_json_reader()
    {
        using var dir = new TempDir();
        string path = dir.File("config.pth.tar");
        using (var ckpt = C3dCheckpoint.Load(Fixtures.ReferenceCheckpoint))
            PyTorchFile.WriteDict(path, new Dictionary<string, object?>
            {
                ["epoch"] = 1, ["state_dict"] = ckpt.StateDict.ToDictionary(kv => kv.Key, kv => (object?)kv.Value),
                ["model_config"] = new Dictionary<string, object?> { ["num_classes"] = "five" },
            });
        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(path, CheckpointUse.Classifier));
        Assert.Equal($"{path}: has an unreadable model_config: 'num_classes' has a value of the wrong type", e.Message);
    }

    [Fact]
    public void Pretrained_weights_serve_as_a_backbone_only()
    {
        using var backbone = CheckpointLoader.Load(Fixtures.PretrainedNarrow, CheckpointUse.Backbone);
        Assert.Equal(CheckpointKind.Pretrained, backbone.Kind);
        Assert.Contains("without a classifier", Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(Fixtures.PretrainedNarrow, CheckpointUse.Classifier)).Message);
        Assert.Contains("start from it with --pretrained", Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(Fixtures.PretrainedNarrow, CheckpointUse.Resume)).Message);
    }

    [Fact]
    public void A_good_checkpoint_loads_and_has_no_problems()
    {
        using var ckpt = CheckpointLoader.Load(Fixtures.ReferenceCheckpoint, CheckpointUse.Classifier);
        Assert.Empty(CheckpointLoader.Problems(ckpt));
        Assert.Equal(5, ckpt.ModelConfig.NumClasses);
    }

    [Fact]
    public void A_truncated_checkpoint_says_truncated_not_the_zip_readers_text()
    {
        using var dir = new TempDir();
        string path = dir.File("cut.pth.tar");
        var bytes = File.ReadAllBytes(Fixtures.ReferenceCheckpoint);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]); // as `head -c` or a killed copy leaves it
        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(path, CheckpointUse.Classifier));
        Assert.StartsWith($"{path}: is truncated or not a PyTorch file", e.Message);
        Assert.DoesNotContain("Central Directory", e.Message);
    }

    [Fact]
    public void A_saved_bare_tensor_says_it_holds_a_tensor()
    {
        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(Fixtures.BareTensor, CheckpointUse.Backbone));
        Assert.StartsWith($"{Fixtures.BareTensor}: holds a single tensor, not a state_dict or checkpoint dict", e.Message);
        Assert.DoesNotContain("cast", e.Message);
    }

    [Fact]
    public void An_epoch_that_is_not_a_number_is_named_not_a_crash()
    {
        using var dir = new TempDir();
        string path = dir.File("epoch.pth.tar");
        using (var ckpt = C3dCheckpoint.Load(Fixtures.ReferenceCheckpoint))
            PyTorchFile.WriteDict(path, new Dictionary<string, object?>
            {
                ["epoch"] = "x", ["state_dict"] = ckpt.StateDict.ToDictionary(kv => kv.Key, kv => (object?)kv.Value),
            });
        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(path, CheckpointUse.Resume));
        Assert.Equal($"{path}: its 'epoch' entry is not a whole number of epochs (found x)", e.Message);
    }

    [Fact]
    public void An_unknown_layout_names_the_first_unexpected_keys()
    {
        using var dir = new TempDir();
        string path = dir.File("resnet.pth");
        PyTorchFile.WriteDict(path, new Dictionary<string, object?>
        {
            ["stem.0.weight"] = zeros(4, 3), ["layer1.0.conv1.weight"] = zeros(4, 4), ["fc.weight"] = zeros(2, 4), ["conv1.weight"] = zeros(2, 3),
        });
        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(path, CheckpointUse.Backbone));
        Assert.Contains("holds no architecture this version reads", e.Message);
        // stem.0.weight and fc.weight are a torchvision video ResNet's; its layer1 keys are layer1.0.conv1.0.weight …
        Assert.EndsWith("first unexpected keys: layer1.0.conv1.weight", e.Message);
    }
}
