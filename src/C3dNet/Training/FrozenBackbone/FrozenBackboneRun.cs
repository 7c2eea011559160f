using C3dNet.Datasets;
using C3dNet.Models;
using static TorchSharp.torch;

namespace C3dNet.Training.FrozenBackbone;

/// <summary>
/// What a frozen-backbone run changes in training (<see cref="Trainer"/> asks it where it would otherwise use the live clip
/// loader and the whole network): the training clips (<see cref="ClipVariants"/>), batches of cached backbone features
/// instead of clips, the head's logits on them, and train mode with the backbone in eval mode. With
/// <see cref="TrainConfig.CacheFeatures"/> off, the same clips go through the frozen backbone live on every batch.
/// </summary>
internal sealed class FrozenBackboneRun : IDisposable
{
    private const string TrainSplit = "train", ValSplit = "val", TestSplit = "test";

    private readonly IClipNetwork network;
    private readonly IBackboneSplit split;
    private readonly ClipVariants variants;
    private readonly FeatureCache? cache;
    private readonly Dictionary<string, FeatureCacheBuilder.SplitClips> splits = [];
    private readonly Dictionary<string, Dictionary<ClipSpec, int>> rowOf = [];
    private readonly Dictionary<string, string> splitOfPhase = [];
    private readonly List<LoadFailure> failures = [];
    private readonly HashSet<string> reportedNaN = [];
    private readonly TrainConfig config;
    private readonly Device device;

    public IReadOnlyList<string> TrainedLayers { get; }
    public IReadOnlyCollection<LoadFailure> Failures => failures;

    private FrozenBackboneRun(TrainConfig config, IClipNetwork network, IReadOnlyList<string> trained, ClipVariants variants, FeatureCache? cache, Device device)
    {
        this.config = config;
        this.network = network;
        split = BackboneSplit.Of(network);
        TrainedLayers = trained;
        this.variants = variants;
        this.cache = cache;
        this.device = device;
    }

    /// <summary>
    /// Freezes the network's layers outside the trained head, and opens (or starts) the feature cache in
    /// <paramref name="cacheFolder"/> for these data, weights and clip settings. Call after the weights are loaded.
    /// </summary>
    public static FrozenBackboneRun Create(TrainConfig config, FrameDataset data, ClipDataset train, ClipDataset? val, ClipDataset? test,
        IClipNetwork network, Device device, string cacheFolder, ICollection<string> notices)
    {
        var split = BackboneSplit.Of(network);
        var trained = FrozenLayers.Resolve(split, config.TrainLayers);
        FrozenLayers.Apply(network, trained);
        var variants = new ClipVariants(train, config.Seed, config.CacheClips, config.FlipProbability);
        var datasets = new Dictionary<string, ClipDataset> { [TrainSplit] = train };
        if (val is not null) datasets[ValSplit] = val;
        if (test is not null) datasets[TestSplit] = test;

        FeatureCache? cache = null;
        if (config.CacheFeatures)
        {
            var key = FeatureCacheKey.Create(data, datasets, network, config);
            var rows = new Dictionary<string, int> { [TrainSplit] = variants.Count * variants.Videos };
            foreach (var (name, ds) in datasets) if (name != TrainSplit) rows[name] = ds.EvalClips(config.ValClips).Length;
            cache = FeatureCache.Open(cacheFolder, key, split.BackboneWidth, rows, notices);
        }
        var run = new FrozenBackboneRun(config, network, trained, variants, cache, device);
        foreach (var (name, ds) in datasets)
        {
            var specs = name == TrainSplit ? variants.Rows() : ds.EvalClips(config.ValClips);
            run.splits[name] = new FeatureCacheBuilder.SplitClips(ds, specs);
            var map = new Dictionary<ClipSpec, int>();
            for (int r = 0; r < specs.Length; r++) map.TryAdd(specs[r], r); // two variants may be the same clip: same features
            run.rowOf[name] = map;
        }
        run.splitOfPhase[nameof(TrainPhase.Train)] = TrainSplit;
        run.splitOfPhase[nameof(TrainPhase.Val)] = ValSplit;
        run.splitOfPhase[nameof(TrainPhase.Test)] = TestSplit;
        return run;
    }

    /// <summary>What trains and on what (reported when the run starts).</summary>
    public string Description() =>
        $"frozen backbone: training {string.Join(", ", TrainedLayers)} ({FrozenLayers.TrainedParameters(network):N0} parameters) " +
        $"on {variants.Count} clip variant{(variants.Count == 1 ? "" : "s")} per training video, " +
        (cache is null ? "the backbone computed live on every batch (no feature cache)" : $"backbone features ({split.BackboneWidth} per clip) cached in {cache.Folder}");

    /// <summary>Builds what is missing of the feature cache; false when cancelled.</summary>
    public bool Prepare(IProgress<TrainProgress>? progress, CancellationToken cancellation)
    {
        progress?.Report(new TrainNotice(Description(), IsWarning: false));
        if (cache is null) return true;
        bool complete = FeatureCacheBuilder.Build(cache, network, splits, Math.Min(config.BatchSize, FrozenBackboneDefaults.MaxBuildBatch), config.ResolvedWorkers, device, failures, progress, cancellation);
        TrainMode();
        return complete;
    }

    /// <summary>The training clips of <paramref name="epoch"/>.</summary>
    public ClipSpec[] TrainClips(int epoch) => variants.Epoch(epoch);

    /// <summary>The batches of <paramref name="clips"/> from batch <paramref name="firstBatch"/> on: cached features, or <paramref name="live"/>'s clips.</summary>
    public IEnumerable<ClipBatch> Batches(TrainPhase phase, ClipLoader live, IReadOnlyList<ClipSpec> clips, int firstBatch, CancellationToken cancellation)
    {
        if (cache is null) return live.Batches(clips, firstBatch, cancellation);
        return CachedBatches(splitOfPhase[phase.ToString()], live.Dataset, live.BatchSize, clips, firstBatch, cancellation);
    }

    private IEnumerable<ClipBatch> CachedBatches(string name, ClipDataset dataset, int batchSize, IReadOnlyList<ClipSpec> clips, int firstBatch, CancellationToken cancellation)
    {
        var rows = rowOf[name];
        int width = (int)cache!.Width;
        int batches = (clips.Count + batchSize - 1) / batchSize;
        var row = new float[width];
        for (int b = firstBatch; b < batches; b++)
        {
            cancellation.ThrowIfCancellationRequested();
            int start = b * batchSize, end = Math.Min(clips.Count, start + batchSize);
            var buffer = new float[(end - start) * width];
            var labels = new List<long>();
            var videos = new List<int>();
            var positions = new List<int>();
            var batchFailures = new List<LoadFailure>();
            for (int i = start; i < end; i++)
            {
                var spec = clips[i];
                if (!rows.TryGetValue(spec, out int r)) throw new InvalidOperationException($"clip {spec} of {name} is not in the feature cache");
                cache.ReadRow(name, r, row);
                var video = dataset.Videos[spec.Video];
                if (float.IsNaN(row[0]))
                {
                    var failure = new LoadFailure(video.Name, "its frames could not be read when the feature cache was built; video left out");
                    if (reportedNaN.Add(video.Name)) { failures.Add(failure); batchFailures.Add(failure); }
                    continue;
                }
                row.CopyTo(buffer.AsSpan(labels.Count * width, width));
                labels.Add(video.Label);
                videos.Add(spec.Video);
                positions.Add(i);
            }
            if (labels.Count == 0) continue;
            yield return new ClipBatch(b, buffer, [width], labels.ToArray(), videos.ToArray(), positions.ToArray(), batchFailures, null);
        }
    }

    /// <summary>Logits of a batch's inputs: the head's on cached features, or the whole network's on clips.</summary>
    public Tensor Logits(Tensor inputs) => cache is null ? network.Logits(inputs) : split.HeadLogits(inputs);

    /// <summary>Train mode: the head's dropout as in normal training, the backbone in eval mode.</summary>
    public void TrainMode() => FrozenLayers.TrainMode(network);

    public void Dispose() => cache?.Dispose();
}
