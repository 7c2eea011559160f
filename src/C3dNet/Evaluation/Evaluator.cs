using C3dNet.Checkpoints;
using C3dNet.Datasets;
using C3dNet.Models;
using C3dNet.Runtime;
using TorchSharp;

namespace C3dNet.Evaluation;

/// <summary>What to evaluate and how.</summary>
internal sealed record EvalOptions
{
    public required string Data { get; init; }
    public required string Checkpoint { get; init; }
    public string Split { get; init; } = "test";
    /// <summary>Evenly spaced centre-crop clips per video; their softmax is averaged (mmaction2 uses 10).</summary>
    public int Clips { get; init; } = 10;
    public int BatchSize { get; init; } = 20;
    public int Workers { get; init; }
    public string Device { get; init; } = "auto";
    public int TopK { get; init; } = 5;
}

/// <summary>Evaluates a checkpoint on a split of a frame dataset: loads, checks classes, scores clips, computes the report.</summary>
internal static class Evaluator
{
    public static EvaluationReport Run(EvalOptions o, IProgress<EvalProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        if (o.Clips < 1) throw new ArgumentException($"--clips must be at least 1, got {o.Clips}");
        if (o.BatchSize < 1) throw new ArgumentException($"--batch-size must be at least 1, got {o.BatchSize}");
        var data = FrameDataset.Open(o.Data);
        using var ckpt = CheckpointLoader.Load(o.Checkpoint, CheckpointUse.Classifier);
        var classNames = CheckpointLoader.ClassNamesForData(ckpt, o.Checkpoint, data.ClassNames, data.Root);
        var problems = new List<string>();
        if (!data.HasSplit(o.Split)) throw new DirectoryNotFoundException($"{data.SplitDirectory(o.Split)}: split '{o.Split}' not found");
        var videos = data.Videos(o.Split, problems);
        if (videos.Count == 0) throw new InvalidDataException($"{data.SplitDirectory(o.Split)}: no videos with frames to evaluate");

        var device = DeviceSelector.Resolve(o.Device);
        using var model = ClipNetworks.Create(ckpt.ModelConfig);
        ckpt.LoadInto(model, o.Checkpoint);
        model.Module.to(device);
        var dataset = new ClipDataset(videos, ckpt.ModelConfig);
        var loader = new ClipLoader(dataset, o.BatchSize, ClipLoader.ResolveWorkers(o.Workers));
        var scores = ClipScorer.Score(model, loader, dataset.EvalClips(o.Clips), device, progress, cancellationToken);
        var report = EvaluationReport.Compute(classNames, videos.Select(v => v.Name).ToList(), videos.Select(v => v.Label).ToList(), scores, o.TopK);
        return report with
        {
            Checkpoint = Path.GetFullPath(o.Checkpoint), Data = data.Root, Split = o.Split, ClipsPerVideo = o.Clips,
            Failures = problems.Concat(loader.Failures.Select(f => $"{f.Video}: {f.Message}")).ToList(),
        };
    }
}
