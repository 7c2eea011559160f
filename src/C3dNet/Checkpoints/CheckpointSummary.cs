using System.Text.Json.Nodes;
using C3dNet.Models;

namespace C3dNet.Checkpoints;

/// <summary>What `c3d info` reports about a checkpoint or weights file. JSON names are snake_case.</summary>
internal sealed record CheckpointSummary
{
    public required string File { get; init; }
    /// <summary>"checkpoint" or "pretrained".</summary>
    public required string Kind { get; init; }
    /// <summary>"C3D", "r3d_18", "mc3_18" or "r2plus1d_18".</summary>
    public string Architecture { get; init; } = "C3D";
    /// <summary>True when the classes are torchvision's Kinetics-400 categories (its published weights).</summary>
    public bool Kinetics400 { get; init; }
    /// <summary>How the network sees its input: "16 frames at 15 fps, 171x128, centre crop 112, RGB, /255, mean [...], std [...]".</summary>
    public string Input { get; init; } = "";
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
        Architecture = ckpt.ModelConfig.IsC3d ? "C3D" : ckpt.ModelConfig.Architecture,
        Kinetics400 = Kinetics400Labels.Are(ckpt.ClassNames),
        Input = InputText(ckpt.ModelConfig),
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

    /// <summary>The input a config describes, in words; a config the network cannot run is described as far as it goes.</summary>
    private static string InputText(C3dConfig c)
    {
        string values = $"{c.ChannelOrder}" + (c.ValueScale != 1 ? $", /{c.ValueScale:0.###}" : "") + $", mean [{string.Join(", ", c.Mean)}]" +
                        (c.Std is { } std ? $", std [{string.Join(", ", std)}]" : c.InputScale != 1 ? $", then /{c.InputScale}" : ", no std");
        string sampling = c.FramesPerSecond is double fps ? $"at {fps:0.###} fps" : $"every {c.FrameStep}th frame";
        return $"{c.ClipLength} frames {sampling}, resized to {c.ResizeWidth}x{c.ResizeHeight}, crop {c.CropSize}, {values}";
    }
}
