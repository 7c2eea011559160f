using C3dNet.Sharding;

namespace C3dNet.Tests.Sharding;

public class ShardSpecTests
{
    private static readonly Dictionary<string, string> NoScheduler = [];

    [Theory]
    [InlineData("1/1", 1, 1)]
    [InlineData("3/7", 3, 7)]
    [InlineData("7/7", 7, 7)]
    [InlineData(" 2/8 ", 2, 8)]
    [InlineData("0012/0100", 12, 100)]
    public void Valid_I_of_N_parses(string text, int index, int count)
    {
        var shard = ShardSpec.Parse(text, NoScheduler, out string origin);
        Assert.Equal(new ShardSpec(index, count), shard);
        Assert.Equal($"{index}/{count}", shard.ToString());
        Assert.Equal("given explicitly", origin);
    }

    [Theory]
    [InlineData("0/0", "the shard count N is 0; it must be at least 1")]
    [InlineData("3/2", "the shard number 3 is larger than the shard count 2")]
    [InlineData("0/4", "the shard number I is 0; shards are numbered from 1 to N")]
    [InlineData("-1/4", "the shard number I is -1; shards are numbered from 1 to N")]
    [InlineData("1/-4", "the shard count N is -4; it must be at least 1")]
    [InlineData("a/4", "the shard number I 'a' is not a whole number")]
    [InlineData("1/four", "the shard count N 'four' is not a whole number")]
    [InlineData("1.5/4", "the shard number I '1.5' is not a whole number")]
    [InlineData("+1/4", "the shard number I '+1' is not a whole number")]
    [InlineData("1-/4", "the shard number I '1-' is not a whole number")]
    [InlineData("-/4", "the shard number I '-' is not a whole number")]
    [InlineData("1 /4", "the shard number I '1 ' is not a whole number")]
    [InlineData("1/", "the shard count N is missing")]
    [InlineData("/4", "the shard number I is missing")]
    [InlineData("3", "it has no '/'")]
    [InlineData("", "it is empty")]
    [InlineData("1/2/3", "it has more than one '/'")]
    [InlineData("1/99999999999", "the shard count N '99999999999' is too large")]
    [InlineData("auto/0", "the shard count N is 0; it must be at least 1")]
    [InlineData("auto/x", "the shard count N 'x' is not a whole number")]
    [InlineData("auto/", "the shard count N is missing")]
    public void Invalid_forms_are_refused_saying_why_and_what_is_expected(string text, string problem)
    {
        var e = Assert.Throws<ArgumentException>(() => ShardSpec.Parse(text, NoScheduler));
        Assert.StartsWith($"--shard '{text}': {problem}", e.Message);
        Assert.Contains("Expected I/N with 1 <= I <= N", e.Message);
    }

    [Fact]
    public void Auto_reads_the_given_environment_not_the_process_one()
    {
        var slurm = new Dictionary<string, string>
        {
            ["SLURM_ARRAY_TASK_ID"] = "2", ["SLURM_ARRAY_TASK_COUNT"] = "4", ["SLURM_ARRAY_TASK_MIN"] = "1", ["SLURM_ARRAY_TASK_MAX"] = "4",
        };
        Assert.Equal(new ShardSpec(2, 4), ShardSpec.Parse("auto", slurm));
        Assert.Equal(new ShardSpec(2, 4), ShardSpec.Parse("AUTO/4", slurm));
        Assert.Throws<ArgumentException>(() => ShardSpec.Parse("auto", NoScheduler));
    }

    [Fact]
    public void The_constructor_refuses_what_parse_refuses()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShardSpec(0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShardSpec(4, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ShardSpec(1, 0));
        Assert.True(ShardSpec.Whole.IsWhole);
        Assert.False(new ShardSpec(1, 2).IsWhole);
    }
}
