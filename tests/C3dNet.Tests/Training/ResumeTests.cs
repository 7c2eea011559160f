using C3dNet.Checkpoints;
using C3dNet.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace C3dNet.Tests.Training;

public class ResumeTests
{
    [Theory]
    [InlineData("adamw")]
    [InlineData("sgd")]
    public void Resuming_after_an_epoch_or_mid_epoch_gives_the_parameters_of_an_uninterrupted_run(string optimizer)
    {
        using var dir = TrainingData.Small();
        TrainConfig Config(string run, int epochs) => TrainingData.Narrow(dir, run, epochs) with
        {
            Optimizer = optimizer, Lr = optimizer == "sgd" ? 1e-3 : 3e-4, LrStep = 1, LrGamma = 0.5, WarmupEpochs = 1.5, ClipGradNorm = 40,
        };
        // Live tensors after each training batch: constant over batches and epochs (checkpoints, validation and logging included).
        var live = new List<long>();
        var counting = new Callback<TrainProgress>(p => { if (p is BatchCompleted { Phase: TrainPhase.Train }) live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount); });
        var straight = Trainer.Run(Config("straight", 2), counting);
        Assert.False(straight.Interrupted);
        Assert.Equal(4, live.Count);
        Assert.All(live, n => Assert.Equal(live[0], n));
        var expected = TrainingData.Weights(straight.LastCheckpoint);

        // 1 epoch, then resume from the run folder for the other.
        var first = Trainer.Run(Config("split", 1));
        var afterOne = TrainingData.Weights(first.LastCheckpoint);
        TrainingData.AssertDifferentWeights(expected, afterOne);
        var resumed = Trainer.Run(Config("split", 2) with { Resume = first.RunDir, RunDir = null });
        Assert.Equal(first.RunDir, resumed.RunDir);
        Assert.Equal(2, resumed.EpochsCompleted);
        TrainingData.AssertSameWeights(expected, TrainingData.Weights(resumed.LastCheckpoint));
        var metrics = MetricsLog.Read(Path.Combine(resumed.RunDir, "metrics.jsonl"));
        Assert.Equal([1, 1, 2, 2], metrics.Select(m => m.Epoch));
        Assert.Equal(MetricsLog.Read(Path.Combine(straight.RunDir, "metrics.jsonl")).Select(m => (m.Loss, m.Accuracy, m.Lr)),
            metrics.Select(m => (m.Loss, m.Accuracy, m.Lr)));

        // Cancelled after the first batch of epoch 2: the batch finishes, last.pth.tar records the position.
        using var cts = new CancellationTokenSource();
        var cancelling = new Callback<TrainProgress>(p => { if (p is BatchCompleted { Epoch: 2, Phase: TrainPhase.Train, Batch: 1 }) cts.Cancel(); });
        var stopped = Trainer.Run(Config("cancelled", 2), cancelling, cts.Token);
        Assert.True(stopped.Interrupted);
        Assert.Equal(1, stopped.EpochsCompleted);
        using (var ckpt = C3dCheckpoint.Load(stopped.LastCheckpoint))
        {
            Assert.Equal(1, ckpt.Epoch);
            var position = TrainingState.Position(ckpt)!;
            Assert.Equal(1, position.BatchesDone);
            Assert.Equal(4, position.Clips);
        }
        var continued = Trainer.Run(Config("cancelled", 2) with { Resume = stopped.LastCheckpoint, RunDir = null });
        Assert.False(continued.Interrupted);
        TrainingData.AssertSameWeights(expected, TrainingData.Weights(continued.LastCheckpoint));
        Assert.Equal(metrics.Select(m => (m.Loss, m.Accuracy)), MetricsLog.Read(Path.Combine(continued.RunDir, "metrics.jsonl")).Select(m => (m.Loss, m.Accuracy)));
    }

    [Fact]
    public void A_reference_train_py_checkpoint_resumes_with_its_epoch_learning_rates_and_momentum()
    {
        // ref_narrow.pth.tar: {'epoch': 3, 'state_dict', 'opt_dict'} of a 5-class C3D at width 0.125, SGD with two groups (1e-4, 1e-3).
        using var dir = TrainingData.Small(classes: 5, train: 1, val: 1, test: 0, frames: 16, width: 171, height: 128);
        var config = TrainingData.Narrow(dir, "run", epochs: 4) with
        {
            Resume = Support.Fixtures.ReferenceCheckpoint, Optimizer = "sgd", Lr = 0.5, CropSize = 112, InputScale = 1, WidthMultiplier = 1, MaxBatches = 1, BatchSize = 2,
        };
        var notices = new List<string>();
        var result = Trainer.Run(config, new Callback<TrainProgress>(p => { if (p is TrainNotice n) notices.Add(n.Message); }));
        Assert.Equal(4, result.EpochsCompleted);
        var metrics = MetricsLog.Read(Path.Combine(result.RunDir, "metrics.jsonl"));
        var train = Assert.Single(metrics, m => m.Phase == "train");
        Assert.Equal(4, train.Epoch);
        Assert.Equal(1e-4, train.Lr, 12); // the checkpoint's initial_lr, not --lr 0.5
        Assert.Contains(notices, n => n.Contains("width multiplier 0.125 taken from the checkpoint"));

        using var ckpt = C3dCheckpoint.Load(result.LastCheckpoint);
        Assert.Equal(4, ckpt.Epoch);
        Assert.Equal(["MoveLeft", "MoveRight", "MoveUp", "MoveDown", "Grow"], ckpt.ClassNames);
        Assert.Equal(0.125, ckpt.ModelConfig.WidthMultiplier);
        var groups = ((System.Collections.IEnumerable)ckpt.OptimizerState!["param_groups"]!).Cast<System.Collections.IDictionary>().ToList();
        Assert.Equal([1e-4, 1e-3], groups.Select(g => Convert.ToDouble(g["lr"])));
        // The momentum buffers were restored and moved on by one more step.
        var state = (System.Collections.IDictionary)ckpt.OptimizerState["state"]!;
        using var refCkpt = C3dCheckpoint.Load(Support.Fixtures.ReferenceCheckpoint);
        var before = (Tensor)((System.Collections.IDictionary)((System.Collections.IDictionary)refCkpt.OptimizerState!["state"]!)[21]!)["momentum_buffer"]!;
        var after = (Tensor)((System.Collections.IDictionary)state[21]!)["momentum_buffer"]!;
        Assert.False(before.allclose(after));
    }

    [Fact]
    public void A_checkpoint_for_other_classes_is_refused_before_any_training()
    {
        using var dir = TrainingData.Small(classes: 2, train: 1, val: 0, test: 0, frames: 16);
        var e = Assert.Throws<CheckpointException>(() => Trainer.Run(TrainingData.Narrow(dir, "run") with { Resume = Support.Fixtures.ReferenceCheckpoint }));
        Assert.Contains("5 output classes", e.Message);
        Assert.Contains("2 classes", e.Message);
        Assert.False(Directory.Exists(dir.File("run")));

        // Our checkpoint names its classes: other names are refused too, and say which.
        var trained = Trainer.Run(TrainingData.Narrow(dir, "ours", epochs: 1) with { MaxBatches = 1 });
        File.WriteAllLines(Path.Combine(dir.File("data"), "labels.txt"), ["1 MoveLeft", "2 Jump"]);
        Directory.Move(Path.Combine(dir.File("data"), "train", "MoveRight"), Path.Combine(dir.File("data"), "train", "Jump"));
        var named = Assert.Throws<CheckpointException>(() => Trainer.Run(TrainingData.Narrow(dir, "again", epochs: 2) with { Resume = trained.RunDir, RunDir = null }));
        Assert.Contains("only in the data: Jump", named.Message);
        Assert.Contains("only in the checkpoint: MoveRight", named.Message);
    }
}
