using C3dNet.Sharding;

namespace C3dNet.Tests.Sharding;

/// <summary>--shard auto from the variables Slurm and Kubernetes set (the names and values a real Slurm 22.05 sets are
/// also checked by deploy/slurm/test-local.sh in real job arrays).</summary>
public class SchedulerShardTests
{
    /// <summary>What Slurm sets in task <paramref name="id"/> of <c>--array=min-max:step</c>.</summary>
    private static Dictionary<string, string> Slurm(int id, int min, int max, int step = 1, int? count = null) => new()
    {
        ["SLURM_JOB_ID"] = "1234",
        ["SLURM_ARRAY_JOB_ID"] = "1230",
        ["SLURM_ARRAY_TASK_ID"] = id.ToString(),
        ["SLURM_ARRAY_TASK_MIN"] = min.ToString(),
        ["SLURM_ARRAY_TASK_MAX"] = max.ToString(),
        ["SLURM_ARRAY_TASK_STEP"] = step.ToString(),
        ["SLURM_ARRAY_TASK_COUNT"] = (count ?? (max - min) / step + 1).ToString(),
    };

    private static Dictionary<string, string> Kubernetes(int index) => new() { ["JOB_COMPLETION_INDEX"] = index.ToString() };

    [Theory]
    [InlineData(1, 1, 8, 1)]   // --array=1-8
    [InlineData(8, 1, 8, 8)]
    [InlineData(0, 0, 7, 1)]   // --array=0-7
    [InlineData(7, 0, 7, 8)]
    [InlineData(5, 5, 12, 1)]  // --array=5-12
    [InlineData(9, 5, 12, 5)]
    [InlineData(12, 5, 12, 8)]
    public void A_contiguous_slurm_array_maps_onto_1_to_N(int id, int min, int max, int expected)
    {
        var shard = SchedulerShard.Resolve(null, Slurm(id, min, max));
        Assert.Equal(new ShardSpec(expected, 8), shard.Shard);
        Assert.Contains($"SLURM_ARRAY_TASK_ID={id}", shard.Origin);
        Assert.Equal(new ShardSpec(expected, 8), SchedulerShard.Resolve(8, Slurm(id, min, max)).Shard);
    }

    [Fact]
    public void Every_task_of_a_contiguous_array_gets_a_different_shard()
    {
        var shards = Enumerable.Range(5, 8).Select(id => SchedulerShard.Resolve(null, Slurm(id, 5, 12)).Shard.Index).ToList();
        Assert.Equal(Enumerable.Range(1, 8), shards);
    }

    [Fact]
    public void A_stepped_slurm_array_needs_its_count_and_then_maps_in_step_order()
    {
        var e = Assert.Throws<ArgumentException>(() => SchedulerShard.Resolve(null, Slurm(4, 0, 14, step: 2)));
        Assert.Equal("--shard auto: the Slurm array 0-14:2 is stepped, so it is ambiguous whether its 8 tasks are all the shards or one in every 2 shards " +
                     "of a larger job; write --shard auto/8 for the first, or the shard explicitly for the second.", e.Message);

        var shards = Enumerable.Range(0, 8).Select(k => SchedulerShard.Resolve(8, Slurm(2 * k, 0, 14, step: 2)).Shard).ToList();
        Assert.Equal(Enumerable.Range(1, 8).Select(i => new ShardSpec(i, 8)), shards);
    }

    [Fact]
    public void A_count_that_differs_from_the_arrays_is_refused_rather_than_redoing_the_wrong_shards()
    {
        // A resubmit of shards 3 and 4 of 8 (--array=3-4) must not become shards 1 and 2 of 8.
        var e = Assert.Throws<ArgumentException>(() => SchedulerShard.Resolve(8, Slurm(3, 3, 4)));
        Assert.StartsWith("--shard auto/8: the Slurm array 3-4 has 2 tasks but the shard count given is 8", e.Message);
        Assert.Contains("--shard $SLURM_ARRAY_TASK_ID/8", e.Message);
    }

    [Fact]
    public void An_irregular_slurm_list_is_refused()
    {
        // --array=1,3,7: Slurm 22.05 sets COUNT=3, MIN=1, MAX=7, STEP=1 (seen in deploy/slurm/test-local.sh).
        var e = Assert.Throws<ArgumentException>(() => SchedulerShard.Resolve(null, Slurm(3, 1, 7, step: 1, count: 3)));
        Assert.Contains("3 tasks between 1 and 7 that are not one evenly stepped range", e.Message);
        Assert.Throws<ArgumentException>(() => SchedulerShard.Resolve(3, Slurm(3, 1, 7, step: 1, count: 3)));
    }

    [Fact]
    public void Slurm_without_the_array_bounds_is_refused_with_the_explicit_form()
    {
        var env = new Dictionary<string, string> { ["SLURM_ARRAY_TASK_ID"] = "3" };
        var e = Assert.Throws<ArgumentException>(() => SchedulerShard.Resolve(null, env));
        Assert.Contains("is set but not SLURM_ARRAY_TASK_COUNT, SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_MAX", e.Message);
        Assert.Contains("--shard 3/N", e.Message);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("-1")]
    [InlineData("1.0")]
    public void Scheduler_values_that_are_not_whole_numbers_are_refused(string value)
    {
        var slurm = Slurm(1, 1, 4);
        slurm["SLURM_ARRAY_TASK_ID"] = value;
        Assert.Contains($"SLURM_ARRAY_TASK_ID='{value}' is not a whole number >= 0", Assert.Throws<ArgumentException>(() => SchedulerShard.Resolve(null, slurm)).Message);
        var k8s = new Dictionary<string, string> { ["JOB_COMPLETION_INDEX"] = value };
        Assert.Contains($"JOB_COMPLETION_INDEX='{value}' is not a whole number >= 0", Assert.Throws<ArgumentException>(() => SchedulerShard.Resolve(4, k8s)).Message);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(4, 5)]
    [InlineData(6, 7)]
    public void A_kubernetes_completion_index_is_0_based(int index, int expected)
    {
        var shard = SchedulerShard.Resolve(7, Kubernetes(index));
        Assert.Equal(new ShardSpec(expected, 7), shard.Shard);
        Assert.Equal($"Kubernetes Indexed Job, completion index {index} (JOB_COMPLETION_INDEX={index})", shard.Origin);
    }

    [Fact]
    public void Kubernetes_needs_the_count_and_an_index_below_it()
    {
        var noCount = Assert.Throws<ArgumentException>(() => SchedulerShard.Resolve(null, Kubernetes(2)));
        Assert.Contains("a pod is not told the Job's completions: write --shard auto/N with N = the Job's spec.completions", noCount.Message);
        var tooLarge = Assert.Throws<ArgumentException>(() => SchedulerShard.Resolve(7, Kubernetes(7)));
        Assert.Equal("--shard auto/7: JOB_COMPLETION_INDEX=7 is not below the shard count 7: the Job's spec.completions must be N (indexes 0..6).", tooLarge.Message);
    }

    [Fact]
    public void No_scheduler_variables_is_a_clear_error()
    {
        var e = Assert.Throws<ArgumentException>(() => SchedulerShard.Resolve(null, new Dictionary<string, string> { ["PATH"] = "/usr/bin" }));
        Assert.Equal("--shard auto: no batch scheduler's shard variables are set: neither SLURM_ARRAY_TASK_ID (a Slurm job array, sbatch --array=1-N) " +
                     "nor JOB_COMPLETION_INDEX (a Kubernetes Job with completionMode: Indexed); write the shard explicitly as I/N.", e.Message);
        var plainSlurmJob = Assert.Throws<ArgumentException>(() => SchedulerShard.Resolve(4, new Dictionary<string, string> { ["SLURM_JOB_ID"] = "77" }));
        Assert.Contains("(this is Slurm job 77, but not a job array)", plainSlurmJob.Message);
        Assert.StartsWith("--shard auto/4:", plainSlurmJob.Message);
    }

    [Fact]
    public void Both_schedulers_at_once_is_refused()
    {
        var env = Slurm(1, 1, 4);
        env["JOB_COMPLETION_INDEX"] = "0";
        Assert.Contains("both SLURM_ARRAY_TASK_ID=1 (Slurm) and JOB_COMPLETION_INDEX=0 (Kubernetes) are set",
            Assert.Throws<ArgumentException>(() => SchedulerShard.Resolve(4, env)).Message);
    }
}
