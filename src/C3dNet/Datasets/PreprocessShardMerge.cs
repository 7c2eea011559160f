using C3dNet.Sharding;

namespace C3dNet.Datasets;

/// <summary>
/// Joins the manifests of preprocess shards (<c>OUT/shards/manifest.shard-IIII-of-NNNN.json</c>) into the
/// <c>manifest.json</c> and <c>labels.txt</c> one unsharded run writes: the videos back in the plan's order, the input
/// problems of the scan once, then those of each unlisted video in that order.
/// </summary>
internal static class PreprocessShardMerge
{
    /// <summary>Writes <c>OUT/manifest.json</c> and <c>OUT/labels.txt</c> (atomically; they are the merge's own, made again from the shards).</summary>
    /// <param name="outDir">The shared output folder (OUT).</param>
    /// <param name="shards">The finished shards of a preprocess job (<see cref="ShardMerge.LoadFinished"/>).</param>
    /// <exception cref="InvalidDataException">A shard's manifest is missing, unreadable or disagrees with its record.</exception>
    public static PreprocessManifest Merge(string outDir, IReadOnlyList<ShardManifest> shards)
    {
        var manifests = shards.ToDictionary(s => s.Shard, s => LoadShard(outDir, s));
        var merged = Combine(shards.Select(s => manifests[s.Shard]).ToList(), shards);
        merged.Save(Path.Combine(outDir, PreprocessManifest.FileName));
        OutputFolder.WriteLabels(outDir, merged.Classes);
        return merged;
    }

    /// <summary>The manifest of one unsharded run from the shards' manifests (one per shard, in the order of <paramref name="shards"/>).</summary>
    internal static PreprocessManifest Combine(IReadOnlyList<PreprocessManifest> manifests, IReadOnlyList<ShardManifest> shards)
    {
        var first = manifests[0];
        // Every shard lists the scan's problems first (identical in all shards), then one per unlisted video it owns.
        var scanIssues = first.Issues.Take(first.Issues.Count - first.Videos.Count(v => v.Status == VideoStatus.Unlisted)).ToList();
        var unlistedIssues = new Dictionary<string, InputIssue>(StringComparer.Ordinal);
        foreach (var m in manifests)
        {
            var own = m.Videos.Where(v => v.Status == VideoStatus.Unlisted).ToList();
            var tail = m.Issues.Skip(m.Issues.Count - own.Count).ToList();
            for (int k = 0; k < own.Count; k++) unlistedIssues[own[k].Source] = tail[k];
        }
        var byShard = shards.Select((s, i) => (s.Shard, manifests[i])).ToDictionary(x => x.Shard, x => x.Item2);
        var videos = ShardMerge.Combine(shards, s => byShard[s.Shard].Videos);
        return first with
        {
            Videos = videos,
            Issues = [.. scanIssues, .. videos.Where(v => v.Status == VideoStatus.Unlisted).Select(v => unlistedIssues[v.Source])],
        };
    }

    private static PreprocessManifest LoadShard(string outDir, ShardManifest shard)
    {
        string path = PreprocessManifest.PathIn(outDir, shard.Spec);
        if (!File.Exists(path)) throw new InvalidDataException($"{path}: missing, though shard {shard.Spec} is marked complete; run the shard again");
        var manifest = PreprocessManifest.Load(path);
        if (!manifest.Videos.Select(v => v.Source).SequenceEqual(shard.Owned, StringComparer.Ordinal))
            throw new InvalidDataException($"{path}: lists other videos than shard {shard.Spec} owns; run the shard again");
        if (manifest.Videos.FirstOrDefault(v => v.Status == VideoStatus.Pending) is { } pending)
            throw new InvalidDataException($"{path}: {pending.Source} is still pending, though shard {shard.Spec} is marked complete; run the shard again");
        return manifest;
    }
}
