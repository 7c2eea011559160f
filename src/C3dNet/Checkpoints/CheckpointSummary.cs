using System.Text.Json.Nodes;
using C3dNet.Models;

namespace C3dNet.Checkpoints;

/// <summary>What `c3d info` reports about a checkpoint or weights file. JSON names are snake_case.</summary>
public sealed record CheckpointSummary
{
    public required string File { get; init; }
    /// <summary>"checkpoint" or "pretrained".</summary>
    public required string Kind { get; init; }
    public string Architecture { get; init; } = "C3D";
    public required long Parameters { get; init; }
    public required int NumClasses { get; init; }
    public int? Epoch { get; init; }
    public IReadOnlyList<string>? ClassNames { get; init; }
    public required C3dConfig ModelConfig { get; init; }
    public bool ModelConfigInferred { get; init; }
    public JsonObject? TrainConfig { get; init; }
    public bool HasOptimizerState { get; init; }
    public IReadOnlyList<string> ExtraKeys { get; init; } = [];
    /// <summary>For pretrained weights: the layers the file provides.</summary>
    public IReadOnlyList<string>? Provides { get; init; }
    /// <summary>What makes the file unusable (see <see cref="CheckpointLoader.Problems"/>); empty when it can be used.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    public static CheckpointSummary Of(string path, C3dCheckpoint ckpt) => new()
    {
        File = path,
        Kind = ckpt.Kind == CheckpointKind.Pretrained ? "pretrained" : "checkpoint",
        Parameters = ckpt.ParameterCount,
        NumClasses = ckpt.ModelConfig.NumClasses,
        Epoch = ckpt.Epoch,
        ClassNames = ckpt.ClassNames,
        ModelConfig = ckpt.ModelConfig,
        ModelConfigInferred = ckpt.ModelConfigInferred,
        TrainConfig = ckpt.TrainConfig,
        HasOptimizerState = ckpt.OptimizerState is not null,
        ExtraKeys = ckpt.Extra.Keys.Order().ToList(),
        Provides = ckpt.Kind == CheckpointKind.Pretrained ? C3D.LayerNames[..^1] : null,
    };
}
