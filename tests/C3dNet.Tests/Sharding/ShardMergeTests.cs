using System.Text.Json;
using C3dNet.Sharding;
using C3dNet.Tests.Support;

namespace C3dNet.Tests.Sharding;

/// <summary>Shards that each write their manifest and a per-shard item file into one folder, then a merge.</summary>
public class ShardMergeTests
{
    private const string Job = "test-job";
    private static readonly List<string> Inputs = Enumerable.Range(0, 101).Select(i => $"class{i % 5}/video{i:D3}.avi").Order(StringComparer.Ordinal).ToList();

    /// <summary>What an unsharded run produces for an input: here a string derived from it.</summary>
    private static string Result(string input) => input.ToUpperInvariant();

    /// <summary>Shard <paramref name="shard"/>: starts, writes its items to its own file, then marks itself finished (unless told not to).</summary>
    private static void RunShard(string output, ShardSpec shard, bool finish = true, string? settings = "{\"step\":4}")
    {
        var manifest = ShardManifest.Begin(Job, shard, Inputs, settings);
        manifest.Save(output);
        var items = manifest.Owned.Select(Result).ToList();
        File.WriteAllText(ShardFiles.PathFor(output, "items.json", shard), JsonSerializer.Serialize(items));
        if (finish) manifest.Completed().Save(output);
    }

    private static List<string> Merge(string output)
    {
        var shards = ShardMerge.LoadFinished(output, Job);
        return ShardMerge.Combine(shards, s => JsonSerializer.Deserialize<List<string>>(File.ReadAllText(ShardFiles.PathFor(output, "items.json", s.Spec)))!);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void Merged_items_are_in_the_order_one_unsharded_run_produces(int n)
    {
        using var dir = new TempDir();
        foreach (int i in Enumerable.Range(1, n).Reverse()) RunShard(dir.Path, new ShardSpec(i, n)); // finishing order does not matter
        Assert.Equal(Inputs.Select(Result), Merge(dir.Path));
        Assert.Equal(Inputs, ShardMerge.Combine(ShardMerge.LoadFinished(dir.Path, Job), s => s.Owned));
    }

    [Fact]
    public void Shards_write_only_files_with_their_own_tag()
    {
        using var dir = new TempDir();
        for (int i = 1; i <= 3; i++) RunShard(dir.Path, new ShardSpec(i, 3));
        Assert.Equal(
            ["items.shard-0001-of-0003.json", "items.shard-0002-of-0003.json", "items.shard-0003-of-0003.json",
             "shard-0001-of-0003.json", "shard-0002-of-0003.json", "shard-0003-of-0003.json"],
            Directory.GetFiles(Path.Combine(dir.Path, "shards")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.GetFiles(dir.Path)); // nothing at the top, where the merge writes
        Assert.Equal(Path.Combine("out", "shards", "manifest.shard-0003-of-0007.json"), ShardFiles.PathFor("out", "manifest.json", new ShardSpec(3, 7)));
        Assert.Equal(Path.Combine("out", "shards", "shard-00042-of-12000.json"), ShardFiles.ManifestPath("out", new ShardSpec(42, 12000)));
    }

    [Fact]
    public void A_missing_shard_is_refused_by_name()
    {
        using var dir = new TempDir();
        foreach (int i in new[] { 1, 2, 4, 5, 7 }) RunShard(dir.Path, new ShardSpec(i, 7));
        var e = Assert.Throws<ShardMergeException>(() => Merge(dir.Path));
        Assert.Equal([new ShardSpec(3, 7), new ShardSpec(6, 7)], e.Missing);
        Assert.Empty(e.Unfinished);
        Assert.Contains("cannot merge the 7 shards of 'test-job': missing shards 3/7, 6/7 (no shard-0003-of-0007.json, shard-0006-of-0007.json)", e.Message);
    }

    [Fact]
    public void An_unfinished_shard_is_refused_by_name_until_it_finishes()
    {
        using var dir = new TempDir();
        RunShard(dir.Path, new ShardSpec(1, 3));
        RunShard(dir.Path, new ShardSpec(2, 3), finish: false); // killed after writing its items, before its last write
        RunShard(dir.Path, new ShardSpec(3, 3));
        var e = Assert.Throws<ShardMergeException>(() => Merge(dir.Path));
        Assert.Equal([new ShardSpec(2, 3)], e.Unfinished);
        Assert.Contains("unfinished shard 2/3 (running, killed or failed: run it again with the same command, it continues)", e.Message);

        RunShard(dir.Path, new ShardSpec(2, 3)); // the restart
        Assert.Equal(Inputs.Select(Result), Merge(dir.Path));
    }

    [Fact]
    public void Missing_and_unfinished_are_named_together()
    {
        using var dir = new TempDir();
        RunShard(dir.Path, new ShardSpec(1, 3), finish: false);
        var e = Assert.Throws<ShardMergeException>(() => Merge(dir.Path));
        Assert.Equal([new ShardSpec(2, 3), new ShardSpec(3, 3)], e.Missing);
        Assert.Equal([new ShardSpec(1, 3)], e.Unfinished);
    }

    [Fact]
    public void No_shards_or_shards_of_two_counts_are_refused()
    {
        using var dir = new TempDir();
        Assert.Contains("no shard manifests", Assert.Throws<ShardMergeException>(() => Merge(dir.Path)).Message);
        for (int i = 1; i <= 2; i++) RunShard(dir.Path, new ShardSpec(i, 2));
        RunShard(dir.Path, new ShardSpec(1, 3));
        Assert.Contains("holds shards of 2 different shard counts (2 of N=2, 1 of N=3)", Assert.Throws<ShardMergeException>(() => Merge(dir.Path)).Message);
    }

    [Fact]
    public void Shards_that_saw_other_inputs_or_settings_or_another_job_are_refused()
    {
        using var dir = new TempDir();
        RunShard(dir.Path, new ShardSpec(1, 2));
        var otherInputs = Inputs.Append("zzz/late.avi").ToList();
        ShardManifest.Begin(Job, new ShardSpec(2, 2), otherInputs, "{\"step\":4}").Completed().Save(dir.Path);
        Assert.Contains("shard 2/2 split a different input list (102 inputs) than shard 1/2 (101)", Assert.Throws<ShardMergeException>(() => Merge(dir.Path)).Message);

        ShardManifest.Begin(Job, new ShardSpec(2, 2), Inputs, "{\"step\":2}").Completed().Save(dir.Path);
        Assert.Contains("shard 2/2 ran with other settings than shard 1/2", Assert.Throws<ShardMergeException>(() => Merge(dir.Path)).Message);

        ShardManifest.Begin("other-job", new ShardSpec(2, 2), Inputs, "{\"step\":4}").Completed().Save(dir.Path);
        Assert.Contains("is a shard of 'other-job', not of 'test-job'", Assert.Throws<ShardMergeException>(() => Merge(dir.Path)).Message);
        // Without a job named, the shards must still all be of one.
        Assert.Contains("is a shard of 'other-job', not of 'test-job'", Assert.Throws<ShardMergeException>(() => ShardMerge.LoadFinished(dir.Path)).Message);
        RunShard(dir.Path, new ShardSpec(2, 2));
        Assert.Equal(Job, ShardMerge.LoadFinished(dir.Path)[1].Job);
    }

    [Fact]
    public void A_manifest_round_trips_and_a_damaged_one_is_refused_naming_the_file()
    {
        using var dir = new TempDir();
        var begun = ShardManifest.Begin(Job, new ShardSpec(2, 3), Inputs, "s", new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc));
        string path = begun.Save(dir.Path);
        var loaded = ShardManifest.Load(path);
        Assert.Equal(begun.Owned, loaded.Owned);
        Assert.Equal(34, loaded.Owned.Count);
        Assert.Equal(begun with { Owned = loaded.Owned }, loaded);
        Assert.False(loaded.Complete);
        Assert.Equal(ShardManifest.Fingerprint(Inputs), loaded.InputsSha256);
        Assert.Equal(64, loaded.InputsSha256.Length);
        Assert.Contains("\"complete\": false", File.ReadAllText(path));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(path)!, "*.tmp"));

        File.WriteAllText(path, File.ReadAllText(path).Replace("\"shard\": 2", "\"shard\": 3"));
        Assert.Contains("owns 34 inputs, but 33 of 101 are its share", Assert.Throws<InvalidDataException>(() => ShardManifest.Load(path)).Message);
        File.WriteAllText(path, "{ not json");
        var e = Assert.Throws<InvalidDataException>(() => ShardMerge.LoadFinished(dir.Path, Job));
        Assert.StartsWith($"{path}: not a valid shard manifest", e.Message);
    }

    [Fact]
    public void Combine_refuses_item_lists_that_do_not_match_the_inputs_owned()
    {
        var shards = Enumerable.Range(1, 2).Select(i => ShardManifest.Begin(Job, new ShardSpec(i, 2), Inputs).Completed()).ToList();
        Assert.Contains("shard 1/2 has 50 items for the 51 inputs it owns",
            Assert.Throws<ArgumentException>(() => ShardMerge.Combine(shards, s => s.Owned.Skip(1).ToList())).Message);
        Assert.Contains("each of the 2 shards exactly once", Assert.Throws<ArgumentException>(() => ShardMerge.Combine([shards[0], shards[0]], s => s.Owned)).Message);
    }
}
