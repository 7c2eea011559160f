using System.Diagnostics;
using System.Text;
using C3dNet.Checkpoints;
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

    [Fact]
    public async Task Ctrl_C_finishes_the_batch_saves_last_prints_the_resume_command_and_exits_130_and_that_command_resumes()
    {
        using var dir = TrainingData.Small(train: 6);
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "c3d.dll"));
        foreach (var a in NarrowArgs(dir, 40)) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var output = new StringBuilder();
        var firstEpoch = new TaskCompletionSource();
        p.OutputDataReceived += (_, e) =>
        {
            lock (output) output.AppendLine(e.Data);
            if (e.Data?.Contains("epoch 1/40:") == true) firstEpoch.TrySetResult();
        };
        p.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        await firstEpoch.Task.WaitAsync(TimeSpan.FromMinutes(3));
        await Process.Start("kill", ["-INT", p.Id.ToString()])!.WaitForExitAsync();
        await p.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        string text = output.ToString();
        Assert.True(p.ExitCode == 130, text);
        Assert.Contains("finishing this batch", text);
        Assert.Contains("resume with: ./c3d train --data " + dir.File("data") + " --resume " + dir.File("run") + " --epochs 40", text.Replace("\n", ""));
        using (var ckpt = C3dCheckpoint.Load(dir.File("run/models/last.pth.tar")))
            Assert.InRange(ckpt.Epoch!.Value, 1, 39);

        // The printed command resumes (here with fewer epochs in all, to keep the test short).
        int done;
        using (var ckpt = C3dCheckpoint.Load(dir.File("run/models/last.pth.tar"))) done = ckpt.Epoch!.Value;
        var (code, stdout, stderr) = CliRunner.Run("train", "--data", dir.File("data"), "--resume", dir.File("run"), "--epochs", (done + 1).ToString());
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains($"resuming from {dir.File("run/models/last.pth.tar")} after epoch {done}", stdout.Replace("\n", ""));
        Assert.Contains($"epoch {done + 1}/{done + 1}: train loss", stdout);
    }
}
