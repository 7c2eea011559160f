using C3dNet.Training;

namespace C3dNet.Demo;

/// <summary>
/// The demo trains a narrow C3D from scratch on CPU with the scratch recipe (<see cref="TrainingRecipe.Scratch"/>: inputs
/// scaled by 1/64, AdamW with a warm-up and gradient clipping), giving only its own batch size, lr (for its narrow width) and step decay.
/// </summary>
internal static class DemoRecipe
{
    public static TrainConfig TrainConfig(DemoOptions o, string frames, string runDir) => new()
    {
        Recipe = TrainingRecipe.ScratchName, Data = frames, RunDir = runDir, DatasetName = "motion", Epochs = o.Epochs, BatchSize = o.BatchSize, Lr = o.Lr, LrStep = o.LrStep,
        WidthMultiplier = o.WidthMultiplier, CropSize = o.CropSize, ResizeWidth = o.FrameWidth, ResizeHeight = o.FrameHeight,
        FlipProbability = 0, // a horizontal flip turns MoveLeft into MoveRight: the demo's classes forbid it
        TestEvery = 0, SnapshotEvery = 0, Seed = o.Seed, Device = "cpu",
        // The recipe sets every option of its own but these (the demo's, DemoOptions) when the run starts.
        Given = new HashSet<string> { nameof(Training.TrainConfig.BatchSize), nameof(Training.TrainConfig.Lr), nameof(Training.TrainConfig.LrStep) },
    };
}
