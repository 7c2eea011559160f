using C3dNet.Checkpoints;
using C3dNet.Datasets;

namespace C3dNet.Cli.Commands;

/// <summary>Checkpoint and class-list handling shared by predict and features.</summary>
internal static class ModelLoading
{
    /// <summary>Class names from --labels when given, else from the checkpoint; a clear error when neither has them.</summary>
    public static IReadOnlyList<string> ClassNames(C3dCheckpoint checkpoint, string checkpointPath, string? labelsPath)
    {
        int classes = checkpoint.ModelConfig.NumClasses;
        IReadOnlyList<string> names = labelsPath is not null ? LabelFile.Read(labelsPath)
            : checkpoint.ClassNames ?? throw new InvalidDataException(
                $"{checkpointPath}: stores no class names (reference checkpoints have none); pass --labels FILE with one '1 ClassName' line per class ({classes} classes)");
        if (names.Count != classes)
            throw new InvalidDataException($"{labelsPath ?? checkpointPath}: lists {names.Count} class names but the network has {classes} outputs");
        return names;
    }
}
