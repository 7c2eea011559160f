using C3dNet.Checkpoints;
using C3dNet.Models;
using C3dNet.Tests.Support;
using static TorchSharp.torch;

namespace C3dNet.Tests.Checkpoints;

/// <summary>Every unusable file gets a message that names the file and the problem.</summary>
public class CheckpointErrorTests
{
    [Fact]
    public void Missing_file()
    {
        var e = Assert.Throws<CheckpointException>(() => C3dCheckpoint.Load("/nonexistent/model.pth.tar"));
        Assert.Equal("/nonexistent/model.pth.tar: file not found", e.Message);
    }

    [Fact]
    public void Empty_and_non_PyTorch_files()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("empty.pth"), []);
        File.WriteAllText(dir.File("notes.pth"), "hello, not a model");
        Assert.Contains("file is empty", Assert.Throws<CheckpointException>(() => C3dCheckpoint.Load(dir.File("empty.pth"))).Message);
        var e = Assert.Throws<CheckpointException>(() => C3dCheckpoint.Load(dir.File("notes.pth")));
        Assert.StartsWith(dir.File("notes.pth"), e.Message);
        Assert.Contains("not a PyTorch file", e.Message);
    }

    [Fact]
    public void Old_non_zip_format_says_how_to_resave()
    {
        var e = Assert.Throws<CheckpointException>(() => C3dCheckpoint.Load(Fixtures.LegacyFormat));
        Assert.Contains("pre-1.6", e.Message);
        Assert.Contains("torch.save", e.Message);
    }

    [Fact]
    public void Another_architecture_is_named()
    {
        using var dir = new TempDir();
        string path = dir.File("resnet.pth");
        PyTorchFile.WriteDict(path, new Dictionary<string, object?>
        {
            ["layer1.0.conv1.weight"] = zeros(4, 4),
            ["fc.weight"] = zeros(2, 4),
        });
        var e = Assert.Throws<CheckpointException>(() => C3dCheckpoint.Load(path));
        Assert.Contains("holds no architecture this version reads", e.Message);
        Assert.Contains("layer1.0.conv1.weight", e.Message);
    }

    [Fact]
    public void Different_class_count_names_the_keys_and_shapes()
    {
        using var ckpt = C3dCheckpoint.Load(Fixtures.ReferenceCheckpoint);
        using var model = new C3D(new C3dConfig { NumClasses = 101, WidthMultiplier = 0.125 });
        var e = Assert.Throws<CheckpointException>(() => ckpt.LoadInto(model, Fixtures.ReferenceCheckpoint));
        Assert.Contains("fc8.weight: file has (5, 512), model expects (101, 512)", e.Message);
        Assert.Contains("fc8.bias: file has (5), model expects (101)", e.Message);
        Assert.DoesNotContain("conv1", e.Message);
    }

    [Fact]
    public void Different_width_names_the_keys_and_shapes()
    {
        using var ckpt = C3dCheckpoint.Load(Fixtures.ReferenceCheckpoint);
        using var model = new C3D(new C3dConfig { NumClasses = 5, WidthMultiplier = 0.25 });
        var e = Assert.Throws<CheckpointException>(() => ckpt.LoadInto(model, "narrow.pth.tar"));
        Assert.StartsWith("narrow.pth.tar:", e.Message);
        Assert.Contains("conv1.weight: file has (8, 3, 3, 3, 3), model expects (16, 3, 3, 3, 3)", e.Message);
    }

    [Fact]
    public void Optimizer_state_of_another_shape_is_refused()
    {
        using var ckpt = C3dCheckpoint.Load(Fixtures.ReferenceCheckpoint);
        using var model = new C3D(new C3dConfig { NumClasses = 5, WidthMultiplier = 0.125 });
        using var plain = optim.SGD(model.parameters(), 0.1, 0.9); // one group, the file has two
        var e = Assert.Throws<CheckpointException>(() => C3dNet.Checkpoints.OptimizerStateIo.Restore(plain, ckpt.OptimizerState!, "ref.pth.tar"));
        Assert.StartsWith("ref.pth.tar: its optimizer state", e.Message);
    }
}
