namespace C3dNet.Sharding;

/// <summary>
/// Which inputs a shard owns: round-robin over the full ordered input list (the order one unsharded run uses, e.g. the
/// split plan's videos sorted by relative path), so position p belongs to shard <c>p mod N + 1</c>. Every shard computes
/// the same answer from the same list without talking to the others; sizes differ by at most one.
/// <para>
/// Round-robin rather than contiguous blocks: a sorted list keeps each class (and each UCF101 group, clips cut from one
/// long video) together, and classes differ a lot in video length, so blocks would give some shards all the long videos.
/// Round-robin spreads every class over every shard. Output folders are per video, so blocks buy no locality worth having.
/// A stable hash would keep assignments when inputs are added, but balances only on average, not to within one.
/// </para>
/// </summary>
internal static class ShardAssignment
{
    /// <summary>How many of <paramref name="total"/> inputs shard <paramref name="shard"/> owns.</summary>
    public static int CountFor(int total, ShardSpec shard)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        return total / shard.Count + (shard.Index <= total % shard.Count ? 1 : 0);
    }

    /// <summary>The positions (0-based, ascending) in the full list that shard <paramref name="shard"/> owns.</summary>
    public static int[] Positions(int total, ShardSpec shard)
    {
        var positions = new int[CountFor(total, shard)];
        for (int k = 0; k < positions.Length; k++) positions[k] = shard.Index - 1 + k * shard.Count;
        return positions;
    }

    /// <summary>The shard (1-based) that owns position <paramref name="position"/> of a list split <paramref name="count"/> ways.</summary>
    public static int ShardOf(int position, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return position % count + 1;
    }

    /// <summary>The inputs shard <paramref name="shard"/> owns, in the list's order.</summary>
    public static List<T> Select<T>(IReadOnlyList<T> ordered, ShardSpec shard) =>
        Positions(ordered.Count, shard).Select(p => ordered[p]).ToList();

    /// <summary>
    /// For a verb over a list of inputs: the shard's record (null when not sharded) and the positions of the inputs this
    /// process does (all of them when not sharded).
    /// </summary>
    public static (ShardManifest? Record, int[] Mine) Select(string job, ShardSpec? shard, IReadOnlyList<string> allInputs, string settings)
    {
        if (shard is not { } spec) return (null, Enumerable.Range(0, allInputs.Count).ToArray());
        var record = ShardManifest.Begin(job, spec, allInputs, settings);
        return (record, Positions(allInputs.Count, record.Spec));
    }
}
