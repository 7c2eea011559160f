using System.Text.Json;
using C3dNet.Tests.Support;

namespace C3dNet.Tests.Cli;

/// <summary>The --shard option as a verb sees it, through the hidden `c3d shard-info` (the real program in a child process).</summary>
public class ShardOptionTests
{
    /// <summary>No scheduler variables from the machine running the tests, plus <paramref name="set"/>.</summary>
    private static Dictionary<string, string?> Environment(params (string Name, string Value)[] set)
    {
        var env = new Dictionary<string, string?>
        {
            ["SLURM_ARRAY_TASK_ID"] = null, ["SLURM_ARRAY_TASK_COUNT"] = null, ["SLURM_ARRAY_TASK_MIN"] = null,
            ["SLURM_ARRAY_TASK_MAX"] = null, ["SLURM_ARRAY_TASK_STEP"] = null, ["SLURM_JOB_ID"] = null, ["JOB_COMPLETION_INDEX"] = null,
        };
        foreach (var (name, value) in set) env[name] = value;
        return env;
    }

    [Fact]
    public void Auto_in_a_kubernetes_pod_resolves_and_lists_the_inputs_the_shard_owns()
    {
        var (code, stdout, stderr) = CliRunner.RunWith(null, Environment(("JOB_COMPLETION_INDEX", "2")), "shard-info", "--shard", "auto/4", "--inputs", "10");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(stdout);
        Assert.Equal(3, json.RootElement.GetProperty("shard").GetInt32());
        Assert.Equal(4, json.RootElement.GetProperty("count").GetInt32());
        Assert.Equal("shard-0003-of-0004", json.RootElement.GetProperty("tag").GetString());
        Assert.Equal([2, 6], json.RootElement.GetProperty("positions").EnumerateArray().Select(p => p.GetInt32()));
        Assert.Contains("JOB_COMPLETION_INDEX=2", json.RootElement.GetProperty("origin").GetString());
    }

    [Theory]
    [InlineData("3/2", "--shard '3/2': the shard number 3 is larger than the shard count 2")]
    [InlineData("0/0", "--shard '0/0': the shard count N is 0; it must be at least 1")]
    [InlineData("x/4", "--shard 'x/4': the shard number I 'x' is not a whole number")]
    [InlineData("auto", "--shard auto: no batch scheduler's shard variables are set")]
    public void Invalid_values_fail_with_the_reason_on_stderr(string value, string message)
    {
        var (code, stdout, stderr) = CliRunner.RunWith(null, Environment(), "shard-info", "--shard", value);
        Assert.Equal(1, code);
        Assert.Contains(message, stderr);
        Assert.Equal("", stdout.Trim());
    }

    [Fact]
    public void Shard_info_is_hidden_from_the_verb_list()
    {
        var (code, stdout, _) = CliRunner.Run("--help");
        Assert.Equal(0, code);
        Assert.DoesNotContain("shard-info", stdout);
    }
}
