using System.Collections;
using System.Text.Json;
using C3dNet.Checkpoints;
using C3dNet.Models;
using C3dNet.Tests.Models;
using C3dNet.Tests.Support;
using static TorchSharp.torch;

namespace C3dNet.Tests.Checkpoints;

/// <summary>torchvision video ResNet files (plain state_dicts) and our checkpoints of these architectures, through the one loader.</summary>
public class VideoResNetCheckpointTests
{
    public static TheoryData<string> Archs => new() { "r3d_18", "mc3_18", "r2plus1d_18" };

    /// <summary>
    /// torchvision's own keys and shapes (the fixture recorded from torchvision 0.14) as a plain state_dict. The tensors
    /// are one zero expanded to each shape, so a full ResNet-18 costs no memory.
    /// </summary>
    private static Hashtable TorchvisionStateDict(string arch, int? fcClasses = null)
    {
        var dict = new Hashtable();
        foreach (var entry in ResNetFixtures.Arch(arch).GetProperty("keys").EnumerateArray())
        {
            string key = entry.GetProperty("key").GetString()!;
            long[] shape = entry.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()).ToArray();
            if (fcClasses is int n && key.StartsWith("fc.")) shape[0] = n;
            var dtype = entry.GetProperty("dtype").GetString() == "int64" ? ScalarType.Int64 : ScalarType.Float32;
            dict[key] = zeros(1, dtype).reshape([.. Enumerable.Repeat(1L, shape.Length)]).expand(shape);
        }
        return dict;
    }

    private static void AssertSameInput(ModelInput expected, ModelInput actual)
    {
        Assert.Equal(expected.Mean, actual.Mean);
        Assert.Equal(expected.Std, actual.Std);
        float[] none = []; // the arrays compare by reference in the record's equality
        Assert.Equal(expected with { Mean = none, Std = null }, actual with { Mean = none, Std = null });
    }

    [Theory, MemberData(nameof(Archs))]
    public void A_torchvision_state_dict_is_recognised_by_its_keys_and_shapes_with_Kinetics400_input_and_names(string arch)
    {
        using var ckpt = CheckpointReader.FromDict("tv.pth", TorchvisionStateDict(arch));
        Assert.Equal(arch, ckpt.ModelConfig.Architecture);
        Assert.Equal(400, ckpt.ModelConfig.NumClasses);
        Assert.True(ckpt.ModelConfigInferred);
        AssertSameInput(ModelInput.Kinetics400, ckpt.ModelConfig.Input);
        Assert.Equal(15, ckpt.ModelConfig.Input.Sampling.FramesPerSecond);
        Assert.Equal(400, ckpt.ClassNames!.Count);
        Assert.Equal("abseiling", ckpt.ClassNames[0]);
        Assert.Empty(CheckpointLoader.Problems(ckpt));
    }

    [Fact]
    public void A_torchvision_state_dict_with_other_classes_has_no_names_and_needs_labels()
    {
        using var ckpt = CheckpointReader.FromDict("tv.pth", TorchvisionStateDict("r3d_18", fcClasses: 7));
        Assert.Equal(7, ckpt.ModelConfig.NumClasses);
        Assert.Null(ckpt.ClassNames);
        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.ClassNames(ckpt, "tv.pth", null));
        Assert.Contains("pass --labels FILE", e.Message);
    }

    [Fact]
    public void A_damaged_torchvision_state_dict_names_the_missing_and_the_unknown()
    {
        var dict = TorchvisionStateDict("mc3_18");
        dict.Remove("layer3.1.conv2.1.weight");
        using var ckpt = CheckpointReader.FromDict("tv.pth", dict);
        Assert.Contains(CheckpointLoader.Problems(ckpt), p => p.Contains("layer3.1.conv2.1.weight is missing"));

        var odd = TorchvisionStateDict("r3d_18");
        odd["stem.0.weight"] = zeros([64, 3, 5, 7, 7]);
        var e = Assert.Throws<CheckpointException>(() => CheckpointReader.FromDict("tv.pth", odd));
        Assert.Contains("stem.0.weight is (64, 3, 5, 7, 7)", e.Message);

        var unknown = new Hashtable { ["stem.0.weight"] = zeros(1), ["head.proj.weight"] = zeros(1), ["blocks.0.attn.qkv.weight"] = zeros(1) };
        e = Assert.Throws<CheckpointException>(() => CheckpointReader.FromDict("vit.pth", unknown));
        Assert.Contains("first unexpected keys: blocks.0.attn.qkv.weight, head.proj.weight", e.Message);
    }

    [Fact]
    public void Our_r2plus1d_checkpoint_round_trips_with_its_architecture_input_and_names_and_loads_strictly()
    {
        using var dir = new TempDir();
        string path = dir.File("r2.pth.tar");
        var input = ModelInput.Kinetics400 with { CropSize = 32, ResizeWidth = 43, ResizeHeight = 32, ClipLength = 8 };
        using var model = new VideoResNet(C3dConfig.ForVideoResNet("r2plus1d_18", 3, input));
        using (var ckpt = C3dCheckpoint.FromModel(model, epoch: 2, classNames: ["a", "b", "c"])) ckpt.Save(path);

        using var back = CheckpointLoader.Load(path, CheckpointUse.Classifier);
        Assert.False(back.ModelConfigInferred);
        Assert.Equal(model.Config.Architecture, back.ModelConfig.Architecture);
        AssertSameInput(input, back.ModelConfig.Input);
        Assert.Equal(["a", "b", "c"], back.ClassNames);
        Assert.Equal(2, back.Epoch);
        using var again = (VideoResNet)ClipNetworks.Create(back.ModelConfig);
        back.LoadInto(again, path);
        foreach (var (key, t) in model.state_dict())
            Assert.True(t.equal(again.state_dict()[key]).all().item<bool>(), $"{key} differs after the round trip");
    }

    [Fact]
    public void A_model_config_that_disagrees_with_the_weights_is_refused()
    {
        using var dir = new TempDir();
        string path = dir.File("bad.pth.tar");
        using var model = new VideoResNet(Mc3_18.Architecture, 2);
        using (var ckpt = C3dCheckpoint.FromModel(model))
        {
            var lying = new C3dCheckpoint { StateDict = ckpt.StateDict, ModelConfig = model.Config with { Architecture = "r3d_18" } };
            lying.Save(path);
        }
        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(path, CheckpointUse.Classifier));
        Assert.Equal($"{path}: its model_config says r3d_18 but its weights are mc3_18's", e.Message);
    }

    [Fact]
    public void C3D_model_configs_without_an_architecture_stay_C3D()
    {
        using var ckpt = CheckpointLoader.Load(Fixtures.Path_("motion_narrow.pth.tar"), CheckpointUse.Classifier);
        Assert.True(ckpt.ModelConfig.IsC3d);
        Assert.Equal("c3d", ckpt.ModelConfig.Architecture);
        Assert.Equal(ckpt.ModelConfig.FrameStep, ckpt.ModelConfig.Input.Sampling.FrameStep);
        Assert.Null(ckpt.ModelConfig.Input.Sampling.FramesPerSecond);
        Assert.Equal(1f, ckpt.ModelConfig.Input.ValueScale);
    }

    [Fact]
    public void Info_on_a_torchvision_Kinetics400_state_dict_names_the_architecture_classes_and_input()
    {
        using var dir = new TempDir();
        string path = dir.File("mc3_18-a90a0ba3.pth");
        using (var model = new VideoResNet(Mc3_18.Architecture))
            PyTorchFile.WriteDict(path, model.state_dict());
        var (code, stdout, stderr) = CliRunner.Run("info", path, "--json");
        Assert.True(code == 0, stderr);
        var json = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("mc3_18", json.GetProperty("architecture").GetString());
        Assert.True(json.GetProperty("kinetics400").GetBoolean());
        Assert.Equal(400, json.GetProperty("num_classes").GetInt32());
        Assert.Equal(11_695_440, json.GetProperty("parameters").GetInt64()); // torchvision's count
        Assert.Equal("16 frames at 15 fps, resized to 171x128, crop 112, RGB, /255, mean [0.43216, 0.394666, 0.37645], std [0.22803, 0.22145, 0.216989]",
            json.GetProperty("input").GetString());

        (code, stdout, stderr) = CliRunner.Run("info", path);
        Assert.True(code == 0, stderr);
        Assert.Contains("torchvision state_dict (Kinetics-400 weights)", stdout);
        Assert.Contains("mc3_18", stdout);
    }
}
