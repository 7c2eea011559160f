using C3dNet.Runtime;

namespace C3dNet.Datasets;

/// <summary>
/// A split that never puts two videos of one group (<see cref="VideoGroups"/>) in different splits, so
/// test accuracy is not inflated by near-duplicate clips (DESIGN §4.5). Groups are shuffled with the
/// seed and handed to test, then val, while that brings the split closer to its target count.
/// </summary>
internal static class GroupSplit
{
    public static Dictionary<SourceVideo, string> Assign(string className, IReadOnlyList<SourceVideo> videos, SplitFractions fractions, long seed, string purpose = "split/group/")
    {
        var groups = videos.GroupBy(VideoGroups.KeyOf)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => g.ToList())
            .ToList();
        Shuffle.InPlace(groups, Seeding.For(seed, purpose + className));
        var (testTarget, valTarget) = fractions.Counts(videos.Count);

        var splitOfGroup = new string[groups.Count];
        int test = 0, val = 0;
        for (int i = 0; i < groups.Count; i++)
        {
            int size = groups[i].Count;
            if (Improves(test, size, testTarget)) { splitOfGroup[i] = SplitNames.Test; test += size; }
            else if (Improves(val, size, valTarget)) { splitOfGroup[i] = SplitNames.Val; val += size; }
            else splitOfGroup[i] = SplitNames.Train;
        }
        // Train keeps at least one group whenever there are two.
        if (groups.Count > 1 && !splitOfGroup.Contains(SplitNames.Train))
            splitOfGroup[Array.FindLastIndex(splitOfGroup, s => s == SplitNames.Val) is var v and >= 0 ? v : groups.Count - 1] = SplitNames.Train;

        var result = new Dictionary<SourceVideo, string>();
        for (int i = 0; i < groups.Count; i++)
            foreach (var video in groups[i]) result[video] = splitOfGroup[i];
        return result;
    }

    /// <summary>
    /// Adding a group of <paramref name="size"/> brings <paramref name="count"/> closer to <paramref name="target"/>
    /// (on a tie only when the split is still empty: better one group too many than no test set).
    /// </summary>
    private static bool Improves(int count, int size, int target)
    {
        if (count >= target) return false;
        int after = Math.Abs(count + size - target), before = target - count;
        return after < before || (after == before && count == 0);
    }
}
