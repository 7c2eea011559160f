using System.CommandLine;

namespace C3dNet.Cli.Commands;

/// <summary>Options that predict and features declare alike.</summary>
internal static class InferenceOptions
{
    /// <summary>--batch-size; unset means <see cref="Inference.InferenceBatchSize.DefaultFor"/>.</summary>
    public static Option<int?> BatchSize() => new("--batch-size")
    {
        Description = "Clips per forward pass (default: 1 for full-width C3D on CPU, as fast as larger batches there and leanest; 8 for narrow nets and on CUDA)",
    };
}
