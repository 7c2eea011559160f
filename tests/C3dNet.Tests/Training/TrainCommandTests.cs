using System.Diagnostics;
using System.Text;
using System.Text.Json.Nodes;
using C3dNet.Checkpoints;
using C3dNet.Training;
using C3dNet.Tests.Support;

namespace C3dNet.Tests.Training;

public class TrainCommandTests
{
    private static string[] NarrowArgs(TempDir dir, int epochs) =>
    [
        "train", "--data", dir.File("data"), "--run-dir", dir.File("run"), "--epochs", epochs.ToString(), "--batch-size", "4",
        "--width-mult", "0.125", "--crop-size", "56", "--optimizer", "adamw", "--lr", "3e-4", "--input-scale", "64", "--device", "cpu",
    ];

    [Fact]
    public void Train_prints_a_line_per_epoch_and_writes_the_run_folder()
    {
        using var dir = TrainingData.Small(train: 2);
        var (code, stdout, stderr) = CliRunner.Run([.. NarrowArgs(dir, 2), "--snapshot-every", "2", "--dataset-name", "toy"]);
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("epoch 1/2: train loss", stdout);
        Assert.Contains("epoch 2/2: train loss", stdout);
        Assert.Contains("| val loss", stdout);
        foreach (var f in new[] { "config.json", "metrics.jsonl", "curves.png", "models/last.pth.tar", "models/best.pth.tar", "models/C3D-toy_epoch-1.pth.tar" })
            Assert.True(File.Exists(Path.Combine(dir.File("run"), f)), $"{f} missing");
        using var ckpt = C3dCheckpoint.Load(dir.File("run/models/last.pth.tar"));
        Assert.Equal(2, ckpt.Epoch);
        Assert.Equal(64f, ckpt.ModelConfig.InputScale);
        Assert.Equal("adamw", ckpt.TrainConfig!["optimizer"]!.GetValue<string>());
    }

    /// <summary>Console text with Spectre's line wrapping undone.</summary>
    private static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");

    /// <summary>The words of a shell command line as a POSIX shell splits it (plain words and '…' quoting, as the CLI prints).</summary>
    private static string[] ShellWords(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false, quoted = false;
        foreach (char c in line)
        {
            if (quoted) { if (c == '\'') quoted = false; else word.Append(c); continue; }
            if (c == '\'') { quoted = inWord = true; continue; }
            if (char.IsWhiteSpace(c)) { if (inWord) words.Add(word.ToString()); word.Clear(); inWord = false; continue; }
            word.Append(c);
            inWord = true;
        }
        if (inWord) words.Add(word.ToString());
        return [.. words];
    }

    [Fact]
    public void Ctrl_C_finishes_the_batch_saves_last_and_the_printed_command_resumes_with_every_option_of_the_run()
    {
        using var dir = TrainingData.Small(train: 6); // 12 training videos, batches of 4: 2 batches per epoch with --max-batches 2
        string[] start =
        [
            .. NarrowArgs(dir, 3), "--snapshot-every", "1", "--test-every", "1", "--max-batches", "2", "--val-clips", "2", "--flip-prob", "0",
            "--warmup-epochs", "1", "--clip-grad-norm", "40", "--lr-step", "0", "--workers", "1", "--dataset-name", "toy", "--seed", "5",
        ];
        using (var run = new PausedRun("batch:3", start)) // pauses after epoch 2's first batch until the signal
        {
            run.WaitUntilPaused();
            run.Signal("INT");
            Assert.Equal(130, run.WaitForExit());
            Assert.Contains("stopping: finishing this batch and writing last.pth.tar", Flat(run.Stderr));
            Assert.Contains("interrupted during epoch 2", Flat(run.Stderr));
            using (var ckpt = C3dCheckpoint.Load(dir.File("run/models/last.pth.tar"))) Assert.Equal(1, ckpt.Epoch);

            string resume = run.Stdout.Split('\n').Single(l => l.StartsWith("resume with: "))["resume with: ".Length..];
            var words = ShellWords(resume);
            Assert.Equal(["./c3d", "train", "--data", dir.File("data"), "--resume", dir.File("run")], words);

            // The printed command, as a user would run it: every option of the first command comes back from the run.
            var (code, stdout, stderr) = CliRunner.Run(words[1..]);
            Assert.True(code == 0, stdout + stderr);
            Assert.Contains($"resuming from {dir.File("run/models/last.pth.tar")} after epoch 1", Flat(stdout));
            Assert.DoesNotContain("differ and are not used", stderr);
        }
        var config = JsonNode.Parse(File.ReadAllText(dir.File("run/config.json")))!["train_config"]!;
        foreach (var (key, value) in new[]
                 {
                     ("epochs", "3"), ("snapshot_every", "1"), ("test_every", "1"), ("max_batches", "2"), ("val_clips", "2"), ("flip_probability", "0"),
                     ("warmup_epochs", "1"), ("clip_grad_norm", "40"), ("lr_step", "0"), ("workers", "1"), ("dataset_name", "\"toy\""), ("seed", "5"),
                     ("batch_size", "4"), ("optimizer", "\"adamw\""), ("device", "\"cpu\""), ("input_scale", "64"),
                 })
            Assert.True(config[key]!.ToJsonString() == value, $"{key}: {config[key]?.ToJsonString()}, expected {value}");
        for (int e = 0; e < 3; e++) Assert.True(File.Exists(dir.File($"run/models/C3D-toy_epoch-{e}.pth.tar")), $"snapshot of epoch {e + 1} missing");
        var metrics = MetricsLog.Read(dir.File("run/metrics.jsonl"));
        Assert.Equal([1, 2, 3], metrics.Where(m => m.Phase == "test").Select(m => m.Epoch));
        Assert.All(metrics.Where(m => m.Phase == "train"), m => Assert.Equal(8, m.Clips)); // --max-batches 2 of 4 clips

        // Options given on the resume command line win over the saved ones; the rest still come from the run.
        var (code2, stdout2, stderr2) = CliRunner.Run("train", "--data", dir.File("data"), "--resume", dir.File("run"), "--epochs", "4", "--test-every", "2");
        Assert.True(code2 == 0, stdout2 + stderr2);
        config = JsonNode.Parse(File.ReadAllText(dir.File("run/config.json")))!["train_config"]!;
        Assert.Equal((4, 2, 1, 2), (config["epochs"]!.GetValue<int>(), config["test_every"]!.GetValue<int>(), config["snapshot_every"]!.GetValue<int>(),
            config["max_batches"]!.GetValue<int>()));
        Assert.True(File.Exists(dir.File("run/models/C3D-toy_epoch-3.pth.tar")));
        Assert.Equal([1, 2, 3, 4], MetricsLog.Read(dir.File("run/metrics.jsonl")).Where(m => m.Phase == "test").Select(m => m.Epoch));
    }

    [Fact]
    public void A_second_Ctrl_C_stops_at_once_when_the_first_cannot_finish()
    {
        using var dir = TrainingData.Small(train: 2);
        // ':hold' keeps the batch from finishing even once cancelled: only the second signal can end the run.
        using var run = new PausedRun("batch:1:hold", NarrowArgs(dir, 2));
        run.WaitUntilPaused();
        run.Signal("INT");
        run.WaitForStderr("stopping: finishing this batch"); // the first signal was handled
        run.Signal("INT");
        int code = run.WaitForExit();
        Assert.Equal(130, code); // 128 + SIGINT: terminated by the signal
        Assert.Contains("interrupted again: stopping at once", Flat(run.Stderr));
        Assert.DoesNotContain("resume with", run.Stdout);
        Assert.False(File.Exists(dir.File("run/models/last.pth.tar")));
    }
}
