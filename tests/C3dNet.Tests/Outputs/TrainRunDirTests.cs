using C3dNet.Checkpoints;
using C3dNet.Tests.Support;
using C3dNet.Tests.Training;

namespace C3dNet.Tests.Outputs;

/// <summary>train --run-dir of an earlier run (issue 11, item 4).</summary>
public class TrainRunDirTests
{
    private static string[] Args(TempDir dir) =>
    [
        "train", "--data", dir.File("data"), "--run-dir", dir.File("run"), "--epochs", "1", "--batch-size", "4", "--max-batches", "1",
        "--width-mult", "0.125", "--crop-size", "56", "--optimizer", "adamw", "--lr", "3e-4", "--input-scale", "64", "--device", "cpu", "--workers", "1",
    ];

    [Fact]
    public void An_earlier_run_is_refused_without_resume_and_overwrite_replaces_only_the_run_files()
    {
        using var dir = TrainingData.Small(train: 2, frames: 16);
        var (code, stdout, stderr) = CliRunner.Run(Args(dir));
        Assert.True(code == 0, stdout + stderr);
        File.WriteAllText(dir.File("run/notes.txt"), "my notes");
        File.WriteAllText(dir.File("run/models/mine.pth.tar"), "my model");
        var sweep = FileSweep.Of(dir.File("run"));

        (code, stdout, stderr) = CliRunner.Run(Args(dir));
        string text = System.Text.RegularExpressions.Regex.Replace(stdout + stderr, @"\s+", " ");
        Assert.True(code == 1, text);
        Assert.Contains("holds an earlier run", text);
        Assert.Contains("--resume", text);
        Assert.Contains("--overwrite", text);
        sweep.AssertNothingChanged();

        // What a killed run left (its process is gone) is removed; a file that only looks similar is the user's and stays.
        using var gone = System.Diagnostics.Process.Start("true")!;
        gone.WaitForExit();
        string stale = dir.File($"run/models/.last.pth.tar.partial-{gone.Id}.tar");
        File.WriteAllText(stale, "half a checkpoint");
        File.WriteAllText(dir.File("run/.notes.partial-draft"), "mine");

        (code, stdout, stderr) = CliRunner.Run([.. Args(dir), "--seed", "5", "--overwrite"]);
        Assert.True(code == 0, stdout + stderr);
        Assert.Equal("my notes", File.ReadAllText(dir.File("run/notes.txt")));
        Assert.Equal("my model", File.ReadAllText(dir.File("run/models/mine.pth.tar")));
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(dir.File("run/.notes.partial-draft")));
        Assert.Single(File.ReadAllLines(dir.File("run/metrics.jsonl")), l => l.Contains("\"train\""));
        Assert.Single(Directory.GetFiles(dir.File("run"), "events.out.tfevents.*"));
        using var ckpt = C3dCheckpoint.Load(dir.File("run/models/last.pth.tar"));
        Assert.Equal(5, ckpt.TrainConfig!["seed"]!.GetValue<int>());
    }
}
