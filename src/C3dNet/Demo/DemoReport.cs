using System.Text.Json.Serialization;

namespace C3dNet.Demo;

/// <summary>What `c3d demo` writes to report.json: the numbers and where every output is.</summary>
internal sealed record DemoReport
{
    [JsonPropertyName("test_video_accuracy")] public required double TestVideoAccuracy { get; init; }
    [JsonPropertyName("test_clip_accuracy")] public required double TestClipAccuracy { get; init; }
    [JsonPropertyName("epochs")] public required int Epochs { get; init; }
    [JsonPropertyName("train_seconds")] public required double TrainSeconds { get; init; }
    [JsonPropertyName("total_seconds")] public required double TotalSeconds { get; init; }
    [JsonPropertyName("classes")] public required IReadOnlyList<string> Classes { get; init; }
    [JsonPropertyName("seed")] public required long Seed { get; init; }
    [JsonPropertyName("quick")] public required bool Quick { get; init; }
    [JsonPropertyName("videos")] public required int Videos { get; init; }
    [JsonPropertyName("test_videos")] public required int TestVideos { get; init; }
    [JsonPropertyName("predictions")] public required IReadOnlyList<DemoPrediction> Predictions { get; init; }
    [JsonPropertyName("paths")] public required IReadOnlyDictionary<string, string> Paths { get; init; }
}

/// <summary>The predicted action for one held-out video.</summary>
internal sealed record DemoPrediction(
    [property: JsonPropertyName("video")] string Video,
    [property: JsonPropertyName("true_label")] string TrueLabel,
    [property: JsonPropertyName("predicted")] string Predicted,
    [property: JsonPropertyName("prob")] double Probability);

/// <summary>Which stage the demo is in, for the CLI's progress display.</summary>
internal sealed record DemoProgress(string Stage, string Detail);
