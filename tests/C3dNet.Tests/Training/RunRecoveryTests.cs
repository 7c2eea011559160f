using C3dNet.Tests.Support;
using C3dNet.Training;

namespace C3dNet.Tests.Training;

/// <summary>What kill -9 or a full disk leaves in a run folder does not block a resume, and is cleaned up with a message.</summary>
public class RunRecoveryTests
{
    [Fact]
    public void Resume_drops_a_half_written_metrics_line_and_removes_stale_temporary_checkpoints()
    {
        using var dir = TrainingData.Small(classes: 2, train: 1, val: 0, test: 0, frames: 16);
        var first = Trainer.Run(TrainingData.Narrow(dir, "run", epochs: 1) with { MaxBatches = 1 });
        var run = new RunFolder(first.RunDir);
        File.AppendAllText(run.MetricsFile, "{\"epoch\":2,\"phase\":\"tra"); // the append that kill -9 cut short
        string stale = Path.Combine(run.ModelsDir, $".last.pth.tar.partial-{int.MaxValue}.tar"); // no process has that pid: its writer was killed
        File.WriteAllText(stale, "half a checkpoint");
        string userFile = Path.Combine(run.ModelsDir, "my-notes.tmp");
        File.WriteAllText(userFile, "not ours");

        var notices = new List<string>();
        var resumed = Trainer.Run(TrainingData.Narrow(dir, "run", epochs: 2) with { Resume = first.RunDir, RunDir = null, MaxBatches = 1 },
            new Callback<TrainProgress>(p => { if (p is TrainNotice n) notices.Add(n.Message); }));

        Assert.Equal(2, resumed.EpochsCompleted);
        Assert.Contains(notices, n => n.StartsWith($"{run.MetricsFile}:2: dropped a half-written last line"));
        Assert.Contains($"{stale}: removed a temporary file left by an interrupted write", notices);
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(userFile));
        Assert.Equal([1, 2], MetricsLog.Read(run.MetricsFile).Where(m => m.Phase == "train").Select(m => m.Epoch));
    }

    [Fact]
    public void A_bad_metrics_line_before_the_last_is_an_error_naming_file_and_line()
    {
        using var dir = new TempDir();
        string path = dir.File("metrics.jsonl");
        File.WriteAllLines(path, ["{\"epoch\":1,\"phase\":\"train\",\"loss\":1,\"accuracy\":0.5}", "garbage", "{\"epoch\":2,\"phase\":\"train\",\"loss\":1,\"accuracy\":0.5}"]);
        var e = Assert.Throws<InvalidDataException>(() => MetricsLog.Read(path));
        Assert.StartsWith($"{path}:2: not a metrics entry", e.Message);
    }

    [Fact]
    public void A_phase_without_a_loss_is_logged_and_read_back()
    {
        using var dir = new TempDir();
        string path = dir.File("metrics.jsonl");
        MetricsLog.Append(path, [new PhaseMetrics(1, "val", double.NaN, 0, 1e-3, 0, 0.1)]);
        Assert.Contains("\"loss\":null", File.ReadAllText(path));
        Assert.True(double.IsNaN(Assert.Single(MetricsLog.Read(path)).Loss));
    }

    [Fact]
    public void A_class_without_training_videos_is_warned_about_naming_class_and_split_folder()
    {
        using var dir = TrainingData.Small(classes: 2, train: 1, val: 1, test: 0, frames: 16);
        string trainDir = Path.Combine(dir.File("data"), "train");
        string emptyClass = Directory.GetDirectories(trainDir).Order(StringComparer.Ordinal).Last();
        foreach (var video in Directory.GetDirectories(emptyClass)) Directory.Delete(video, recursive: true);
        using var setup = TrainingSetup.Create(TrainingData.Narrow(dir, "run", epochs: 1));
        Assert.Contains($"{trainDir}: class '{Path.GetFileName(emptyClass)}' has no training video; the network cannot learn it", setup.Notices);
    }
}
