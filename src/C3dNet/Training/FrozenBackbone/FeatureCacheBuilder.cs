using System.Diagnostics;
using C3dNet.Datasets;
using C3dNet.Models;
using C3dNet.Runtime;
using static TorchSharp.torch;

namespace C3dNet.Training.FrozenBackbone;

/// <summary>
/// Fills a <see cref="FeatureCache"/>: the backbone (eval mode, no gradients) on each missing chunk's clips, the chunk written
/// atomically when complete. A clip whose frames cannot be read is stored as NaN (the reader leaves its video out).
/// </summary>
internal static class FeatureCacheBuilder
{
    /// <summary>One split's clips, row by row.</summary>
    public sealed record SplitClips(ClipDataset Dataset, ClipSpec[] Rows);

    /// <returns>False when cancelled (the chunks done so far are kept).</returns>
    public static bool Build(FeatureCache cache, IClipNetwork network, IReadOnlyDictionary<string, SplitClips> splits, int batchSize, int workers,
        Device device, List<LoadFailure> failures, IProgress<TrainProgress>? progress, CancellationToken cancellation)
    {
        var missing = cache.Missing();
        if (missing.Count == 0)
        {
            progress?.Report(new TrainNotice($"feature cache: {cache.Folder}: all {cache.ChunkCount} chunks built, reused", IsWarning: false));
            return true;
        }
        int clips = missing.Sum(m => cache.RowsIn(m.Split, m.Chunk));
        progress?.Report(new TrainNotice(
            $"feature cache: {cache.Folder}: building {missing.Count} of {cache.ChunkCount} chunks ({clips} clips" +
            (missing.Count < cache.ChunkCount ? $"; {cache.ChunkCount - missing.Count} built before are kept" : "") + ")", IsWarning: false));
        var split = BackboneSplit.Of(network);
        network.Module.eval();
        var clock = Stopwatch.StartNew();
        int done = 0, clipsDone = 0, reported = 0;
        var loaders = splits.ToDictionary(kv => kv.Key, kv => new ClipLoader(kv.Value.Dataset, batchSize, workers));
        try
        {
            using var _ = no_grad();
            foreach (var (name, chunk) in missing)
            {
                var rows = splits[name].Rows;
                int first = chunk * FeatureCache.ChunkRows, count = cache.RowsIn(name, chunk);
                var values = new float[count * cache.Width];
                Array.Fill(values, float.NaN);
                foreach (var batch in loaders[name].Batches(rows[first..(first + count)], 0, cancellation))
                {
                    foreach (var f in batch.Failures) failures.Add(f);
                    using var scope = NewDisposeScope();
                    var features = split.BackboneFeatures(batch.Inputs(device)).cpu().contiguous();
                    var data = features.data<float>().ToArray();
                    for (int j = 0; j < batch.Count; j++)
                        Array.Copy(data, j * cache.Width, values, batch.Clips[j] * cache.Width, cache.Width);
                }
                if (cancellation.IsCancellationRequested) return false;
                cache.WriteChunk(name, chunk, values);
                clipsDone += count;
                TestSeam.UnitDone("cache-chunk", ++done, cancellation);
                if (cancellation.IsCancellationRequested) return false;
                if (done * 10 / missing.Count > reported || done == missing.Count)
                {
                    reported = done * 10 / missing.Count;
                    double rate = clipsDone / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
                    progress?.Report(new TrainNotice($"feature cache: {done}/{missing.Count} chunks, {clipsDone}/{clips} clips, {rate:F2} clips/s", IsWarning: false));
                }
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested) { return false; }
        return true;
    }
}
