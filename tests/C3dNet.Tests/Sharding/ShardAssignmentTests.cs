using C3dNet.Sharding;

namespace C3dNet.Tests.Sharding;

public class ShardAssignmentTests
{
    public static TheoryData<int, int> Cases()
    {
        var data = new TheoryData<int, int>();
        foreach (int n in new[] { 1, 2, 3, 7 })
            foreach (int total in new[] { 0, 1, 2, 6, 7, 8, 100, 101 })
                data.Add(n, total);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Shards_are_disjoint_cover_every_input_and_differ_in_size_by_at_most_one(int n, int total)
    {
        var items = Enumerable.Range(0, total).Select(i => $"class{i / 10:D2}/video{i:D3}.avi").ToList();
        var shards = Enumerable.Range(1, n).Select(i => ShardAssignment.Select(items, new ShardSpec(i, n))).ToList();

        Assert.Equal(items.Order(StringComparer.Ordinal), shards.SelectMany(s => s).Order(StringComparer.Ordinal));
        Assert.Equal(total, shards.SelectMany(s => s).Distinct().Count());
        Assert.True(shards.Max(s => s.Count) - shards.Min(s => s.Count) <= 1, string.Join(", ", shards.Select(s => s.Count)));
        for (int i = 1; i <= n; i++)
        {
            Assert.Equal(shards[i - 1].Count, ShardAssignment.CountFor(total, new ShardSpec(i, n)));
            Assert.All(ShardAssignment.Positions(total, new ShardSpec(i, n)), p => Assert.Equal(i, ShardAssignment.ShardOf(p, n)));
        }
        // Every shard computes the same answer again (no state, no randomness).
        Assert.Equal(shards, Enumerable.Range(1, n).Select(i => ShardAssignment.Select(items, new ShardSpec(i, n))).ToList());
    }

    [Fact]
    public void Round_robin_spreads_each_class_over_all_shards_in_list_order()
    {
        // 3 classes x 4 videos, sorted: blocks would give shard 1 all of class a; round-robin gives each shard every class.
        var items = new[] { "a/1", "a/2", "a/3", "a/4", "b/1", "b/2", "b/3", "b/4", "c/1", "c/2", "c/3", "c/4" };
        Assert.Equal(["a/1", "a/4", "b/3", "c/2"], ShardAssignment.Select(items, new ShardSpec(1, 3)));
        Assert.Equal(["a/2", "b/1", "b/4", "c/3"], ShardAssignment.Select(items, new ShardSpec(2, 3)));
        Assert.Equal(["a/3", "b/2", "c/1", "c/4"], ShardAssignment.Select(items, new ShardSpec(3, 3)));
        Assert.Equal([0, 7, 14], ShardAssignment.Positions(20, new ShardSpec(1, 7)));
        Assert.Equal([6, 13], ShardAssignment.Positions(20, new ShardSpec(7, 7)));
    }

    [Fact]
    public void More_shards_than_inputs_leaves_the_last_shards_empty()
    {
        Assert.Equal([1, 1, 1, 0, 0, 0, 0], Enumerable.Range(1, 7).Select(i => ShardAssignment.CountFor(3, new ShardSpec(i, 7))));
        Assert.Empty(ShardAssignment.Positions(3, new ShardSpec(4, 7)));
    }
}
