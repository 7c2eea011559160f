using C3dNet.Training;

namespace C3dNet.Demo;

/// <summary>
/// The from-scratch recipe for a narrow C3D on CPU (DESIGN §2.8): inputs scaled by 1/64 after the mean,
/// AdamW at 3e-4 with a short warm-up and gradient clipping at norm 40, small batches, one step decay late.
/// The reference's SGD recipe stays the default of `c3d train` (it suits fine-tuning from Sports-1M).
/// </summary>
public static class DemoRecipe
{
    public static TrainConfig TrainConfig(DemoOptions o, string frames, string runDir) => new()
    {
        Data = frames, RunDir = runDir, DatasetName = "motion", Epochs = o.Epochs, BatchSize = o.BatchSize,
        Optimizer = "adamw", Lr = 3e-4, WeightDecay = 1e-2, WarmupEpochs = 1, ClipGradNorm = 40, LrStep = o.LrStep, LrGamma = 0.1,
        InputScale = 64, WidthMultiplier = o.WidthMultiplier, CropSize = o.CropSize,
        ResizeWidth = o.FrameWidth, ResizeHeight = o.FrameHeight,
        FlipProbability = 0, // a horizontal flip turns MoveLeft into MoveRight: the demo's classes forbid it
        TestEvery = 0, SnapshotEvery = 0, Seed = o.Seed, Device = "cpu",
    };
}
