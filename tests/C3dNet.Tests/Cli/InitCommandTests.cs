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
}
