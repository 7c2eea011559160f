using C3dNet.Runtime;

namespace C3dNet.Datasets;

/// <summary>The reference's split: per class, shuffle with the seed, take the test and val counts, the rest is train.</summary>
internal static class RandomSplit
{
    /// <summary>Assigns the videos of one class. Same seed and videos → same assignment.</summary>
    public static Dictionary<SourceVideo, string> Assign(string className, IReadOnlyList<SourceVideo> videos, SplitFractions fractions, long seed)
    {
        var order = videos.OrderBy(v => v.FileName, StringComparer.Ordinal).ToList();
        Shuffle.InPlace(order, Seeding.For(seed, "split/random/" + className));
        var (test, val) = fractions.Counts(order.Count);
        var result = new Dictionary<SourceVideo, string>();
        for (int i = 0; i < order.Count; i++)
            result[order[i]] = i < test ? SplitNames.Test : i < test + val ? SplitNames.Val : SplitNames.Train;
        return result;
    }
}

internal static class Shuffle
{
    /// <summary>Fisher–Yates with the given generator.</summary>
    public static void InPlace<T>(IList<T> items, Random rng)
    {
        for (int i = items.Count - 1; i > 0; i--)
        {
            int j = rng.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
