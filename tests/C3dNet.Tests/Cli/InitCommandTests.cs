using C3dNet.Checkpoints;
using C3dNet.Models;
using C3dNet.Tests.Support;

namespace C3dNet.Tests.Cli;

public class InitCommandTests
{
    [Fact]
    public void Init_writes_a_loadable_checkpoint_with_class_names_from_a_label_file()
    {
        using var dir = new TempDir();
        File.WriteAllLines(dir.File("labels.txt"), ["1 Left", "2 Right", "3 Up"]);
        var (code, stdout, stderr) = CliRunner.Run("init", "--labels", dir.File("labels.txt"), "--width-mult", "0.125", "--out", dir.File("m.pth.tar"));
        Assert.True(code == 0, stdout + stderr);
        using var ckpt = C3dCheckpoint.Load(dir.File("m.pth.tar"));
        Assert.Equal(["Left", "Right", "Up"], ckpt.ClassNames!);
        Assert.Equal(3, ckpt.ModelConfig.NumClasses);
        Assert.False(ckpt.ModelConfigInferred);
        using var model = new C3D(ckpt.ModelConfig);
        ckpt.LoadInto(model, "m");
    }

    [Fact]
    public void Init_from_Sports1M_weights_copies_conv1_to_fc7()
    {
        using var dir = new TempDir();
        var (code, stdout, _) = CliRunner.Run("init", "--classes", "4", "--width-mult", "0.125", "--pretrained", Fixtures.PretrainedNarrow, "--out", dir.File("ft.pth.tar"));
        Assert.True(code == 0, stdout);
        using var ckpt = C3dCheckpoint.Load(dir.File("ft.pth.tar"));
        using var pre = C3dCheckpoint.Load(Fixtures.PretrainedNarrow);
        Assert.True(ckpt.StateDict["conv3b.weight"].equal(pre.StateDict["conv3b.weight"]).all().item<bool>());
        Assert.Equal(new long[] { 4, 512 }, ckpt.StateDict["fc8.weight"].shape);
    }

    [Fact]
    public void Init_refuses_pretrained_weights_of_another_width()
    {
        using var dir = new TempDir();
        var (code, _, stderr) = CliRunner.Run("init", "--classes", "4", "--width-mult", "0.25", "--pretrained", Fixtures.PretrainedNarrow, "--out", dir.File("x.pth.tar"));
        Assert.Equal(1, code);
        Assert.Contains("conv1.weight: file has (8, 3, 3, 3, 3), model expects (16, 3, 3, 3, 3)", stderr);
        Assert.False(File.Exists(dir.File("x.pth.tar")));
    }

    [Fact]
    public void Init_arch_mc3_18_from_a_torchvision_state_dict_keeps_the_backbone_and_makes_a_new_fc()
    {
        using var dir = new TempDir();
        string tv = dir.File("mc3_18-a90a0ba3.pth");
        TorchSharp.torch.manual_seed(5);
        using (var kinetics = new VideoResNet(Mc3_18.Architecture))
            PyTorchFile.WriteDict(tv, kinetics.state_dict());
        var (code, stdout, stderr) = CliRunner.Run("init", "--arch", "mc3_18", "--classes", "3", "--clip-len", "8", "--crop-size", "32",
            "--pretrained", tv, "--out", dir.File("ft.pth.tar"));
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("mc3_18, 11,491,779 parameters, 3 classes", stdout.ReplaceLineEndings(" "));
        using var ckpt = CheckpointLoader.Load(dir.File("ft.pth.tar"), CheckpointUse.Classifier);
        using var pre = C3dCheckpoint.Load(tv);
        Assert.Equal("mc3_18", ckpt.ModelConfig.Architecture);
        Assert.Equal(15, ckpt.ModelConfig.FramesPerSecond);
        // Frames as for C3D at this crop: the reference 171x128 for 112, scaled (C3dConfig.FrameSizeFor).
        Assert.Equal((8, 32, 49, 37), (ckpt.ModelConfig.ClipLength, ckpt.ModelConfig.CropSize, ckpt.ModelConfig.ResizeWidth, ckpt.ModelConfig.ResizeHeight));
        foreach (var key in new[] { "stem.0.weight", "layer4.1.conv2.0.weight", "layer2.0.downsample.1.running_var" })
            Assert.True(ckpt.StateDict[key].equal(pre.StateDict[key]).all().item<bool>(), key);
        Assert.Equal(new long[] { 3, 512 }, ckpt.StateDict["fc.weight"].shape);

        var wrong = CliRunner.Run("init", "--arch", "r3d_18", "--classes", "3", "--pretrained", tv, "--out", dir.File("x.pth.tar"));
        Assert.Equal(1, wrong.ExitCode);
        Assert.Contains("holds mc3_18 weights, not r3d_18 (--arch)", wrong.Stderr);
        Assert.False(File.Exists(dir.File("x.pth.tar")));
    }
}
