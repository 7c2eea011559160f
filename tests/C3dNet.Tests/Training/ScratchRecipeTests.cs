using C3dNet.Training;

namespace C3dNet.Tests.Training;

/// <summary>
/// The default from scratch on the paper's full-width C3D: with the reference recipe it diverged at once (loss 18.9, then 1e30,
/// then NaN); the scratch recipe must stay finite and learn. Full width at 56x56 crops (a quarter of the FLOPs of 112; the
/// recipe is the same at every crop size) on 2 tiny training videos in batches of 2 (the recipe's 4 would be the same clips
/// twice), 4 epochs of one batch, so it stays well under a minute on an idle 2-core machine.
/// </summary>
public class ScratchRecipeTests
{
    [Fact]
    public void The_full_width_default_from_scratch_stays_finite_and_its_training_loss_falls()
    {
        using var dir = TrainingData.Small(classes: 2, train: 1, val: 0, test: 0);
        var losses = new List<double>(); // per batch, from the running means
        int lastBatch = 0;
        double lastMean = 0;
        var progress = new Callback<TrainProgress>(p =>
        {
            if (p is PhaseStarted { Phase: TrainPhase.Train }) (lastBatch, lastMean) = (0, 0);
            if (p is BatchCompleted { Phase: TrainPhase.Train } b)
            {
                losses.Add(b.Loss * b.Batch - lastMean * lastBatch);
                (lastBatch, lastMean) = (b.Batch, b.Loss);
            }
        });
        var config = new TrainConfig
        {
            // As `c3d train --data D --crop-size 56 --epochs 4 --batch-size 2` runs it: nothing else given, so the recipe sets the rest.
            Data = dir.File("data"), RunDir = dir.File("run"), Epochs = 4, CropSize = 56, BatchSize = 2, Workers = 2, Device = "cpu", Seed = 3,
            TestEvery = 0, SnapshotEvery = 0,
            Given = new HashSet<string> { nameof(TrainConfig.Data), nameof(TrainConfig.RunDir), nameof(TrainConfig.Epochs), nameof(TrainConfig.CropSize), nameof(TrainConfig.BatchSize) },
        };
        var result = Trainer.Run(config, progress);

        Assert.Equal(4, result.EpochsCompleted);
        Assert.Equal(4, losses.Count);
        Assert.All(losses, l => Assert.True(double.IsFinite(l) && l < 5, $"batch losses {string.Join(", ", losses)}"));
        var epochLoss = result.Epochs.Select(e => e.Train.Loss).ToList();
        Assert.True(epochLoss[3] < epochLoss[0] && epochLoss.Max() <= epochLoss[0] * 1.5, $"training loss per epoch {string.Join(", ", epochLoss)} (batches {string.Join(", ", losses)})");
        using var ckpt = C3dNet.Checkpoints.C3dCheckpoint.Load(result.LastCheckpoint);
        Assert.Equal((1.0, "scratch"), (ckpt.ModelConfig.WidthMultiplier, ckpt.TrainConfig!["recipe"]!.GetValue<string>()));
    }
}
