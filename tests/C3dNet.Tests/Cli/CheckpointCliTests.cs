using System.Text.Json;
using C3dNet.Checkpoints;
using C3dNet.Models;
using C3dNet.Tests.Support;
using static TorchSharp.torch;

namespace C3dNet.Tests.Cli;

/// <summary>Verbs refuse unusable checkpoints through the one loader: exit 1, one clear line on standard error.</summary>
public class CheckpointCliTests
{
    private static string NanCheckpoint(TempDir dir)
    {
        string path = dir.File("nan.pth.tar");
        using var ckpt = C3dCheckpoint.Load(Fixtures.ReferenceCheckpoint);
        using (no_grad()) ckpt.StateDict["fc6.weight"].view(-1)[3] = float.NaN;
        ckpt.Save(path);
        return path;
    }

    [Fact]
    public void Info_reports_non_finite_weights_on_stderr_and_exits_1()
    {
        using var dir = new TempDir();
        string path = NanCheckpoint(dir);
        var (code, stdout, stderr) = CliRunner.Run("info", path, "--json");
        Assert.Equal(1, code);
        var json = JsonDocument.Parse(stdout).RootElement; // the description is still a document
        Assert.Equal(5, json.GetProperty("num_classes").GetInt32());
        Assert.Contains("fc6.weight holds 1 NaN/Inf value", json.GetProperty("problems")[0].GetString());
        Assert.Contains($"error: {path}: fc6.weight holds 1 NaN/Inf value", stderr.Replace("\n", ""));
    }

    [Fact]
    public void Predict_and_features_refuse_non_finite_weights_before_any_input()
    {
        using var dir = new TempDir();
        string path = NanCheckpoint(dir);
        string labels = dir.File("labels.txt");
        File.WriteAllLines(labels, ["1 a", "2 b", "3 c", "4 d", "5 e"]);
        foreach (var args in new[]
        {
            new[] { "predict", dir.File("video.avi"), "--checkpoint", path, "--labels", labels },
            new[] { "features", dir.File("video.avi"), "--checkpoint", path, "--out", dir.File("features") },
        })
        {
            var (code, stdout, stderr) = CliRunner.Run(args);
            string all = (stdout + stderr).Replace("\n", "");
            Assert.True(code == 1, all);
            Assert.Contains($"{path}: fc6.weight holds 1 NaN/Inf value", all);
            Assert.DoesNotContain("NaN ", stdout);
        }
        Assert.False(Directory.Exists(dir.File("features")));
    }

    [Fact]
    public void Info_shows_class_names_that_disagree_with_the_classifier()
    {
        using var dir = new TempDir();
        string path = dir.File("3-vs-5.pth.tar");
        using (var model = new C3D(new C3dConfig { NumClasses = 3, WidthMultiplier = 0.125 }))
        using (var ckpt = C3dCheckpoint.FromModel(model, 0, ["a", "b", "c", "d", "e"]))
            ckpt.Save(path);
        var (code, stdout, stderr) = CliRunner.Run("info", path);
        string all = (stdout + stderr).Replace("\n", "");
        Assert.Equal(1, code);
        Assert.Contains("5 names for 3 classes: they DISAGREE", all);
        Assert.Contains($"error: {path}: stores 5 class names but its classifier (fc8) has 3 outputs", all);
    }

    [Fact]
    public void Info_json_on_an_unreadable_file_prints_nothing_on_stdout()
    {
        using var dir = new TempDir();
        string path = dir.File("cut.pth.tar");
        var bytes = File.ReadAllBytes(Fixtures.ReferenceCheckpoint);
        File.WriteAllBytes(path, bytes[..1000]);
        var (code, stdout, stderr) = CliRunner.Run("info", path, "--json");
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.Contains($"error: {path}: is truncated or not a PyTorch file", stderr.Replace("\n", ""));
        Assert.DoesNotContain("Central Directory", stderr);
    }

    [Fact]
    public void Init_refuses_a_crop_the_network_cannot_run_and_writes_nothing()
    {
        using var dir = new TempDir();
        var (code, stdout, stderr) = CliRunner.Run("init", "--classes", "3", "--crop-size", "8", "--out", dir.File("m.pth.tar"));
        Assert.Equal(1, code);
        Assert.Contains("crop size must be at least 32", (stdout + stderr).Replace("\n", ""));
        Assert.False(File.Exists(dir.File("m.pth.tar")));
    }

    [Fact]
    public void Init_with_a_large_crop_writes_frames_it_fits_and_predict_can_load_it()
    {
        using var dir = new TempDir();
        var (code, stdout, stderr) = CliRunner.Run("init", "--classes", "2", "--crop-size", "224", "--width-mult", "0.125", "--out", dir.File("m.pth.tar"));
        Assert.True(code == 0, stdout + stderr);
        using var ckpt = CheckpointLoader.Load(dir.File("m.pth.tar"), CheckpointUse.Backbone);
        Assert.Equal((342, 256), (ckpt.ModelConfig.ResizeWidth, ckpt.ModelConfig.ResizeHeight));
    }
}
