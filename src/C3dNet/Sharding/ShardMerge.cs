namespace C3dNet.Sharding;

/// <summary>A merge that cannot go ahead: shards missing, unfinished or not of one job. The message names them.</summary>
internal sealed class ShardMergeException(string message, IReadOnlyList<ShardSpec> missing, IReadOnlyList<ShardSpec> unfinished)
    : InvalidOperationException(message)
{
    public IReadOnlyList<ShardSpec> Missing { get; } = missing;
    public IReadOnlyList<ShardSpec> Unfinished { get; } = unfinished;
}

/// <summary>
/// Puts the shards of one job back together: <see cref="LoadFinished"/> checks that <c>OUT/shards</c> holds all N shard
/// manifests of one job, every one finished and all from the same input list and settings; <see cref="Combine{T}"/> lays
/// per-shard item lists out in the order one unsharded run produces (the inverse of <see cref="ShardAssignment"/>).
/// It knows nothing of what the items are: each verb merges its own manifest, index or predictions with it.
/// </summary>
internal static class ShardMerge
{
    /// <summary>The N shard manifests of <paramref name="job"/> in <c>OUT/shards</c>, in shard order, all finished.</summary>
    /// <param name="outputRoot">The shared output folder (OUT).</param>
    /// <param name="job">The verb whose shards to merge, or null for whichever job the shards are of (they must all be of one).</param>
    /// <exception cref="ShardMergeException">None found, shards of more than one count, missing or unfinished shards, or shards that disagree.</exception>
    /// <exception cref="InvalidDataException">A shard manifest that cannot be read.</exception>
    public static IReadOnlyList<ShardManifest> LoadFinished(string outputRoot, string? job = null)
    {
        string folder = ShardFiles.Folder(outputRoot);
        var found = ShardFiles.FindManifests(outputRoot);
        if (found.Count == 0)
            throw new ShardMergeException($"{folder}: no shard manifests (shard-IIII-of-NNNN.json) to merge; run the shards (--shard I/N) first", [], []);

        var counts = found.GroupBy(f => f.Shard.Count).ToList();
        if (counts.Count > 1)
            throw new ShardMergeException($"{folder} holds shards of {counts.Count} different shard counts " +
                                          $"({string.Join(", ", counts.Select(g => $"{g.Count()} of N={g.Key}"))}); a merge takes the shards of one run: move the others away", [], []);

        int n = found[0].Shard.Count;
        var manifests = found.Select(f => (f.Path, Manifest: ShardManifest.Load(f.Path))).ToList();
        job ??= manifests[0].Manifest.Job;
        foreach (var ((path, m), named) in manifests.Zip(found.Select(f => f.Shard)))
        {
            if (m.Spec != named)
                throw new InvalidDataException($"{path}: says it is shard {m.Spec}, which its file name contradicts");
            if (m.Job != job)
                throw new ShardMergeException($"{path}: is a shard of '{m.Job}', not of '{job}'", [], []);
        }

        var present = manifests.Select(x => x.Manifest.Shard).ToHashSet();
        var missing = Enumerable.Range(1, n).Where(i => !present.Contains(i)).Select(i => new ShardSpec(i, n)).ToList();
        var unfinished = manifests.Where(x => !x.Manifest.Complete).Select(x => x.Manifest.Spec).ToList();
        if (missing.Count > 0 || unfinished.Count > 0)
        {
            var problems = new List<string>();
            if (missing.Count > 0)
                problems.Add($"missing {Names(missing)} (no {string.Join(", ", missing.Select(s => Path.GetFileName(ShardFiles.ManifestPath(outputRoot, s))))})");
            if (unfinished.Count > 0)
                problems.Add($"unfinished {Names(unfinished)} (running, killed or failed: run {(unfinished.Count == 1 ? "it" : "them")} again with the same command, it continues)");
            throw new ShardMergeException($"{folder}: cannot merge the {n} shards of '{job}': {string.Join("; ", problems)}", missing, unfinished);
        }

        var first = manifests[0].Manifest;
        foreach (var (path, m) in manifests.Skip(1))
        {
            if (m.InputsSha256 != first.InputsSha256 || m.TotalInputs != first.TotalInputs)
                throw new ShardMergeException($"{path}: shard {m.Spec} split a different input list ({m.TotalInputs} inputs) than shard {first.Spec} ({first.TotalInputs}); " +
                                              "every shard must see the same inputs: run the shards that differ again", [], []);
            if (m.Settings != first.Settings)
                throw new ShardMergeException($"{path}: shard {m.Spec} ran with other settings than shard {first.Spec}; run it again with the same options", [], []);
        }

        var result = manifests.Select(x => x.Manifest).OrderBy(m => m.Shard).ToList();
        if (ShardManifest.Fingerprint(Combine(result, m => m.Owned)) != first.InputsSha256)
            throw new ShardMergeException($"{folder}: the inputs the shards own do not add up to the input list they split", [], []);
        return result;
    }

    /// <summary>
    /// The items of all shards in unsharded order. <paramref name="itemsOf"/> gives a shard's items, one per input it owns
    /// and in the order of <see cref="ShardManifest.Owned"/>.
    /// </summary>
    /// <param name="shards">Shards 1..N of one job, each once, in any order.</param>
    /// <param name="itemsOf">A shard's items.</param>
    public static List<T> Combine<T>(IReadOnlyList<ShardManifest> shards, Func<ShardManifest, IReadOnlyList<T>> itemsOf)
    {
        if (shards.Count == 0) return [];
        int n = shards[0].ShardCount, total = shards[0].TotalInputs;
        if (shards.Count != n || shards.Any(s => s.ShardCount != n || s.TotalInputs != total) || shards.Select(s => s.Shard).Distinct().Count() != n)
            throw new ArgumentException($"combining needs each of the {n} shards exactly once; got {string.Join(", ", shards.Select(s => s.Spec))}", nameof(shards));

        var merged = new T[total];
        foreach (var shard in shards)
        {
            var items = itemsOf(shard);
            int[] positions = ShardAssignment.Positions(total, shard.Spec);
            if (items.Count != positions.Length)
                throw new ArgumentException($"shard {shard.Spec} has {items.Count} items for the {positions.Length} inputs it owns", nameof(itemsOf));
            for (int k = 0; k < positions.Length; k++) merged[positions[k]] = items[k];
        }
        return merged.ToList();
    }

    /// <summary>
    /// For verbs whose per-shard document lists results and failures apart, each naming its input (features' index,
    /// predict's report): both lists of all shards in unsharded order. Every owned input must be in exactly one of its
    /// shard's lists.
    /// </summary>
    /// <exception cref="InvalidDataException">A shard's document lacks an input it owns, or lists one twice.</exception>
    public static (List<TResult> Results, List<TFailure> Failures) CombineOutcomes<TResult, TFailure>(
        IReadOnlyList<ShardManifest> shards, Func<ShardManifest, (IReadOnlyList<TResult> Results, IReadOnlyList<TFailure> Failures)> documentOf,
        Func<TResult, string> resultInput, Func<TFailure, string> failureInput)
    {
        var outcomes = Combine(shards, shard =>
        {
            var (results, failures) = documentOf(shard);
            var byInput = new Dictionary<string, (TResult?, TFailure?)>(StringComparer.Ordinal);
            foreach (var r in results)
                if (!byInput.TryAdd(resultInput(r), (r, default))) throw Inconsistent(shard, resultInput(r), "twice");
            foreach (var f in failures)
                if (!byInput.TryAdd(failureInput(f), (default, f))) throw Inconsistent(shard, failureInput(f), "twice");
            if (byInput.Count != shard.Owned.Count) throw Inconsistent(shard, null, "");
            return shard.Owned.Select(input => byInput.TryGetValue(input, out var o) ? o : throw Inconsistent(shard, input, "not")).ToList();
        });
        return (outcomes.Where(o => o.Item1 is not null).Select(o => o.Item1!).ToList(), outcomes.Where(o => o.Item2 is not null).Select(o => o.Item2!).ToList());
    }

    private static InvalidDataException Inconsistent(ShardManifest shard, string? input, string how) => new(input is null
        ? $"shard {shard.Spec}: its results list other inputs than the {shard.Owned.Count} it owns; run the shard again"
        : $"shard {shard.Spec}: its results list {input} {how}; run the shard again");

    private static string Names(IReadOnlyList<ShardSpec> shards) =>
        (shards.Count == 1 ? "shard " : "shards ") + string.Join(", ", shards.Select(s => s.ToString()));
}
