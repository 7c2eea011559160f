using System.Text.Json.Nodes;
using C3dNet.Checkpoints;
using C3dNet.Models;
using C3dNet.Tests.Datasets;
using C3dNet.Tests.Support;
using static TorchSharp.torch;

namespace C3dNet.Tests.Evaluation;

public class EvalCommandTests
{
    /// <summary>3 classes x 2 test videos, and a checkpoint whose fc8 ignores its input and always prefers class 1 (then 2, then 0).</summary>
    private static (TempDir Dir, string Data, string Checkpoint) Crafted(string[]? classNames = null)
    {
        var dir = new TempDir();
        string data = dir.File("data");
        MotionFrames.Write(data, new MotionFrames.Options { Classes = 3, TrainPerClass = 0, ValPerClass = 0, TestPerClass = 2, Frames = 20, Width = 86, Height = 64 });
        using var model = new C3D(new C3dConfig { NumClasses = 3, WidthMultiplier = 0.125, CropSize = 56, ResizeWidth = 86, ResizeHeight = 64, InputScale = 64 });
        var sd = model.state_dict();
        using (no_grad())
        {
            sd["fc8.weight"].zero_();
            sd["fc8.bias"].copy_(tensor(new float[] { 0f, 2f, 1f }));
        }
        using var ckpt = C3dCheckpoint.FromModel(model, epoch: 5, classNames: classNames ?? ["MoveLeft", "MoveRight", "MoveUp"]);
        string path = dir.File("run/models/best.pth.tar");
        ckpt.Save(path);
        return (dir, data, path);
    }

    [Fact]
    public void Eval_reports_the_known_numbers_of_a_constant_model_as_json_csv_and_png()
    {
        var (dir, data, checkpoint) = Crafted();
        using var _ = dir;
        // One test video has a corrupt frame: it is left out and reported, the rest is evaluated.
        var bad = Directory.GetFiles(Path.Combine(data, "test", "MoveUp", "v_MoveUp_g02_c01"), "*.jpg").Order().ToArray()[4];
        File.WriteAllText(bad, "broken");
        var (code, stdout, stderr) = CliRunner.Run("eval", "--data", data, "--checkpoint", checkpoint, "--clips", "3", "--json");
        Assert.True(code == 0, stdout + stderr);
        var r = JsonNode.Parse(stdout)!;
        Assert.Equal(5, r["videos"]!.GetValue<int>());
        Assert.Equal(15, r["clips"]!.GetValue<int>());
        Assert.Equal(3, r["top_k"]!.GetValue<int>());
        Assert.Equal(2 / 5.0, r["video_top1"]!.GetValue<double>(), 9); // the two MoveRight videos
        Assert.Equal(2 / 5.0, r["clip_top1"]!.GetValue<double>(), 9);
        Assert.Equal(1.0, r["video_top_k"]!.GetValue<double>(), 9);
        Assert.Equal([0.0, 1.0, 0.0], r["per_class"]!.AsArray().Select(c => c!["accuracy"]!.GetValue<double>()));
        Assert.Equal("[[0,2,0],[0,2,0],[0,1,0]]", r["confusion"]!.ToJsonString());
        var failure = Assert.Single(r["failures"]!.AsArray());
        Assert.Contains(bad, failure!.GetValue<string>());
        var prob = r["predictions"]![0]!["probability"]!.GetValue<double>();
        Assert.Equal(Math.Exp(2) / (1 + Math.Exp(2) + Math.Exp(1)), prob, 5);

        string outDir = Path.Combine(dir.Path, "run", "eval", "best-test");
        Assert.Equal("MoveUp,0,1,0", File.ReadAllLines(Path.Combine(outDir, "confusion.csv"))[3]);
        Assert.True(new FileInfo(Path.Combine(outDir, "confusion.png")).Length > 5000);
        Assert.Equal(r.ToJsonString(), JsonNode.Parse(File.ReadAllText(Path.Combine(outDir, "report.json")))!.ToJsonString());
    }

    [Fact]
    public void Eval_prints_tables_and_writes_to_the_chosen_folder()
    {
        var (dir, data, checkpoint) = Crafted();
        using var _ = dir;
        var (code, stdout, stderr) = CliRunner.Run("eval", "--data", data, "--checkpoint", checkpoint, "--clips", "1", "--out", dir.File("out"));
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("video accuracy (top-1)", stdout);
        Assert.Contains("33.33", stdout);
        Assert.Contains("MoveRight", stdout);
        Assert.True(File.Exists(dir.File("out/confusion.png")));
    }

    [Fact]
    public void A_checkpoint_for_other_classes_is_refused_with_both_class_lists()
    {
        var (dir, data, checkpoint) = Crafted(["Walk", "Run", "Jump"]);
        using var _ = dir;
        var (code, stdout, stderr) = CliRunner.Run("eval", "--data", data, "--checkpoint", checkpoint);
        Assert.Equal(1, code);
        string message = System.Text.RegularExpressions.Regex.Replace(stdout + stderr, @"\s+", " "); // Spectre wraps at 80 columns when piped
        Assert.Contains("Walk, Run, Jump", message);
        Assert.Contains("MoveLeft, MoveRight, MoveUp", message);
    }
}
