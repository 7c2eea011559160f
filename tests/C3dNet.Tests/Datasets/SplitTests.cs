using C3dNet.Datasets;

namespace C3dNet.Tests.Datasets;

public class SplitTests
{
    /// <summary>UCF101-style names: <paramref name="groups"/> groups of <paramref name="clips"/> clips.</summary>
    private static List<SourceVideo> Ucf(string cls, int groups, int clips) =>
        (from g in Enumerable.Range(1, groups)
         from c in Enumerable.Range(1, clips)
         let file = $"v_{cls}_g{g:D2}_c{c:D2}.avi"
         select new SourceVideo(cls, file, $"/data/{cls}/{file}", 1000, DateTime.UnixEpoch)).ToList();

    private static Dictionary<string, int> Counts(Dictionary<SourceVideo, string> split) =>
        SplitNames.All.ToDictionary(s => s, s => split.Values.Count(v => v == s));

    [Theory]
    [InlineData(100, 20, 16, 64)]
    [InlineData(10, 2, 2, 6)]
    [InlineData(7, 2, 1, 4)]   // ceil(1.4) = 2 test, ceil(0.2 * 5) = 1 val
    [InlineData(2, 1, 0, 1)]   // train keeps at least one video
    [InlineData(1, 0, 0, 1)]
    public void Random_split_takes_test_then_val_of_the_rest_rounding_up(int n, int test, int val, int train)
    {
        var split = RandomSplit.Assign("A", Ucf("A", n, 1), new SplitFractions(), seed: 42);
        Assert.Equal(new Dictionary<string, int> { ["train"] = train, ["val"] = val, ["test"] = test }, Counts(split));
    }

    [Fact]
    public void Random_split_is_deterministic_for_a_seed_and_changes_with_it()
    {
        var videos = Ucf("A", 10, 3);
        var a = RandomSplit.Assign("A", videos, new SplitFractions(), 42);
        var b = RandomSplit.Assign("A", videos.AsEnumerable().Reverse().ToList(), new SplitFractions(), 42);
        var c = RandomSplit.Assign("A", videos, new SplitFractions(), 43);
        Assert.Equal(a.OrderBy(p => p.Key.FileName), b.OrderBy(p => p.Key.FileName)); // input order does not matter
        Assert.NotEqual(a.OrderBy(p => p.Key.FileName), c.OrderBy(p => p.Key.FileName));
    }

    [Fact]
    public void Fractions_are_options()
    {
        var split = RandomSplit.Assign("A", Ucf("A", 50, 1), new SplitFractions(Test: 0.1, Val: 0.5), 1);
        Assert.Equal(new Dictionary<string, int> { ["train"] = 22, ["val"] = 23, ["test"] = 5 }, Counts(split));
        Assert.Throws<ArgumentException>(() => new SplitFractions(Test: 1.0).Validate());
        Assert.Throws<ArgumentException>(() => new SplitFractions(Val: -0.1).Validate());
    }

    [Fact]
    public void Group_split_never_puts_one_group_in_two_splits_and_honours_fractions()
    {
        for (int seed = 0; seed < 20; seed++)
        {
            var videos = Ucf("A", 25, 5); // UCF101-like: 25 groups of 5
            var split = GroupSplit.Assign("A", videos, new SplitFractions(), seed);
            foreach (var group in videos.GroupBy(VideoGroups.KeyOf))
                Assert.Single(group.Select(v => split[v]).Distinct());
            var counts = Counts(split);
            Assert.Equal(25, counts["test"]);   // 5 groups of 5 = exactly 20%
            Assert.Equal(20, counts["val"]);    // 20% of the remaining 100
            Assert.Equal(80, counts["train"]);
        }
    }

    [Fact]
    public void Group_split_with_uneven_groups_stays_close_to_the_targets_and_is_seeded()
    {
        var videos = Enumerable.Range(1, 20).SelectMany(g => Ucf("B", 1, 1 + g % 4).Select(v =>
            v with { FileName = v.FileName.Replace("_g01_", $"_g{g:D2}_") })).ToList(); // groups of 1–4 clips
        var split = GroupSplit.Assign("B", videos, new SplitFractions(), 7);
        var counts = Counts(split);
        var (testTarget, valTarget) = new SplitFractions().Counts(videos.Count);
        Assert.InRange(counts["test"], testTarget - 2, testTarget + 2);
        Assert.InRange(counts["val"], valTarget - 2, valTarget + 2);
        Assert.Equal(split, GroupSplit.Assign("B", videos, new SplitFractions(), 7));
        foreach (var group in videos.GroupBy(VideoGroups.KeyOf))
            Assert.Single(group.Select(v => split[v]).Distinct());
    }

    [Fact]
    public void Group_split_keeps_a_train_group_when_a_class_has_few_groups()
    {
        var split = GroupSplit.Assign("C", Ucf("C", 2, 4), new SplitFractions(Test: 0.5, Val: 0.5), 3);
        Assert.Contains("train", split.Values);
    }

    [Theory]
    [InlineData("ApplyEyeMakeup", "v_ApplyEyeMakeup_g08_c01", "g8")]
    [InlineData("HandstandPushups", "v_HandStandPushups_g01_c03", "g1")]
    [InlineData("brush_hair", "April_09_brush_hair_u_nm_np1_ba_goo_0", "src:april_09")]
    [InlineData("brush_hair", "April_09_brush_hair_u_nm_np1_ba_goo_1", "src:april_09")]
    [InlineData("Other", "clip 7", "video:clip 7")]
    public void Groups_come_from_ucf101_and_hmdb51_names(string cls, string name, string key)
    {
        Assert.Equal(key, VideoGroups.KeyOf(cls, name));
    }
}
