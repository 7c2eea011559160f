using C3dNet.Evaluation;
using C3dNet.Tests.Datasets;
using C3dNet.Tests.Support;
using C3dNet.Training;

namespace C3dNet.Tests.Training;

public class LearningTests
{
    /// <summary>
    /// The from-scratch recipe (DESIGN §2.8) on motion that no single frame shows: a block moving left vs right.
    /// Narrow C3D (width 0.125, 56x56 crops of 86x64 frames), inputs divided by 64, AdamW at 3e-4, and no flips
    /// (a horizontal flip turns "left" into "right"). About 70 steps of 8 clips.
    /// </summary>
    [Fact]
    public void A_narrow_C3D_learns_left_from_right_motion_from_scratch_well_above_chance()
    {
        using var dir = new TempDir();
        MotionFrames.Write(dir.File("data"), new MotionFrames.Options
        {
            Classes = 2, TrainPerClass = 40, ValPerClass = 5, TestPerClass = 0, Frames = 20, Width = 86, Height = 64, Seed = 7,
        });
        var config = new TrainConfig
        {
            Data = dir.File("data"), RunDir = dir.File("run"), Epochs = 8, BatchSize = 8, WidthMultiplier = 0.125, CropSize = 56,
            InputScale = 64, Optimizer = "adamw", Lr = 3e-4, LrStep = 0, FlipProbability = 0, TestEvery = 0, SnapshotEvery = 0,
            Device = "cpu", Seed = 42,
        };
        var result = Trainer.Run(config);
        var train = result.Epochs.Select(e => e.Train).ToList();
        var val = result.Epochs.Select(e => e.Val!).ToList();
        Assert.True(train[^1].Loss < 0.5 * train[0].Loss, $"train loss {train[0].Loss:F3} -> {train[^1].Loss:F3}");
        Assert.True(val.Max(v => v.Accuracy) >= 0.8, "val accuracy per epoch: " + string.Join(", ", val.Select(v => v.Accuracy)));
        Assert.True(result.BestValAccuracy >= 0.8);

        // The best checkpoint, evaluated at video level over 3 clips per video, is as good.
        var report = Evaluator.Run(new EvalOptions { Data = config.Data, Checkpoint = result.BestCheckpoint!, Split = "val", Clips = 3, Device = "cpu" });
        Assert.Equal(10, report.Videos);
        Assert.True(report.VideoTop1 >= 0.8, $"video accuracy {report.VideoTop1}");
    }
}
