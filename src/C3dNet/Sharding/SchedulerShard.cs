using System.Collections;
using System.Globalization;

namespace C3dNet.Sharding;

/// <summary>
/// <c>--shard auto</c>: the shard from a batch scheduler's environment.
/// <list type="bullet">
/// <item>Slurm job array (<c>sbatch --array=1-N</c>, also <c>0-7</c> or <c>5-12</c>): task <c>SLURM_ARRAY_TASK_ID</c> of the
/// range <c>SLURM_ARRAY_TASK_MIN</c>..<c>SLURM_ARRAY_TASK_MAX</c> is shard <c>ID - MIN + 1</c> of <c>SLURM_ARRAY_TASK_COUNT</c>.
/// A stepped array (<c>0-15:2</c>) needs the count given (<c>auto/N</c>, N = its task count): without it, it could as well
/// be every other shard of a larger job. Irregular lists (<c>1,3,7</c>) are refused: write the shard explicitly.</item>
/// <item>Kubernetes Indexed Job (<c>completionMode: Indexed</c>): <c>JOB_COMPLETION_INDEX</c> (0-based) is shard index + 1.
/// A pod is not told the Job's <c>completions</c>, so the count must be given: <c>auto/N</c>.</item>
/// </list>
/// The array (or the Job) must be exactly the N shards: a count given that differs from the array's is refused, because
/// mapping a resubmitted part of an array (<c>--array=3-4</c>) onto 1..N would silently redo the wrong shards.
/// </summary>
internal sealed record SchedulerShard(ShardSpec Shard, string Origin)
{
    public const string SlurmTaskId = "SLURM_ARRAY_TASK_ID", SlurmTaskCount = "SLURM_ARRAY_TASK_COUNT",
        SlurmTaskMin = "SLURM_ARRAY_TASK_MIN", SlurmTaskMax = "SLURM_ARRAY_TASK_MAX", SlurmTaskStep = "SLURM_ARRAY_TASK_STEP",
        SlurmJobId = "SLURM_JOB_ID", KubernetesIndex = "JOB_COMPLETION_INDEX";

    /// <param name="environment">The process's environment variables.</param>
    /// <param name="count">N from <c>auto/N</c>, or null for plain <c>auto</c>.</param>
    /// <exception cref="ArgumentException">No scheduler variables, both schedulers', or values that do not give one shard.</exception>
    public static SchedulerShard Resolve(int? count, IReadOnlyDictionary<string, string> environment)
    {
        string? slurm = Value(environment, SlurmTaskId), kubernetes = Value(environment, KubernetesIndex);
        string asked = count is null ? ShardSpec.Auto : $"{ShardSpec.Auto}/{count}";
        if (slurm is not null && kubernetes is not null)
            throw Problem(asked, $"both {SlurmTaskId}={slurm} (Slurm) and {KubernetesIndex}={kubernetes} (Kubernetes) are set, so which one is meant is unclear; write the shard explicitly as I/N");
        if (kubernetes is not null) return FromKubernetes(asked, count, kubernetes);
        if (slurm is not null) return FromSlurm(asked, count, slurm, environment);
        string notArray = Value(environment, SlurmJobId) is { } job ? $" (this is Slurm job {job}, but not a job array)" : "";
        throw Problem(asked, $"no batch scheduler's shard variables are set{notArray}: neither {SlurmTaskId} (a Slurm job array, sbatch --array=1-N) " +
                             $"nor {KubernetesIndex} (a Kubernetes Job with completionMode: Indexed); write the shard explicitly as I/N");
    }

    /// <summary>The real process environment, for <see cref="Resolve"/> and <see cref="ShardSpec.Parse(string, IReadOnlyDictionary{string, string})"/>.</summary>
    public static IReadOnlyDictionary<string, string> ProcessEnvironment() =>
        Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);

    private static SchedulerShard FromKubernetes(string asked, int? count, string indexText)
    {
        int index = Number(asked, KubernetesIndex, indexText);
        if (count is not { } n)
            throw Problem(asked, $"{KubernetesIndex}={index} is set (a Kubernetes Indexed Job), but a pod is not told the Job's completions: write --shard auto/N with N = the Job's spec.completions");
        if (index >= n)
            throw Problem(asked, $"{KubernetesIndex}={index} is not below the shard count {n}: the Job's spec.completions must be N (indexes 0..{n - 1})");
        return new SchedulerShard(new ShardSpec(index + 1, n), $"Kubernetes Indexed Job, completion index {index} ({KubernetesIndex}={index})");
    }

    private static SchedulerShard FromSlurm(string asked, int? count, string idText, IReadOnlyDictionary<string, string> environment)
    {
        int id = Number(asked, SlurmTaskId, idText);
        if (Value(environment, SlurmTaskCount) is not { } countText || Value(environment, SlurmTaskMin) is not { } minText ||
            Value(environment, SlurmTaskMax) is not { } maxText)
            throw Problem(asked, $"{SlurmTaskId}={id} is set but not {SlurmTaskCount}, {SlurmTaskMin} and {SlurmTaskMax} (Slurm 17.11 and later set them all); write the shard explicitly, e.g. --shard {id}/N");
        int tasks = Number(asked, SlurmTaskCount, countText), min = Number(asked, SlurmTaskMin, minText), max = Number(asked, SlurmTaskMax, maxText);
        int step = Value(environment, SlurmTaskStep) is { } stepText ? Number(asked, SlurmTaskStep, stepText) : 1;
        if (id < min || id > max || tasks < 1)
            throw Problem(asked, $"{SlurmTaskId}={id} is outside the array's range {min}-{max} ({SlurmTaskCount}={tasks})");
        string range = step > 1 ? $"{min}-{max}:{step}" : $"{min}-{max}";
        string origin = $"Slurm job array task {id} of {range} ({SlurmTaskId}={id}, {SlurmTaskCount}={tasks})";
        if (count is { } n && n != tasks)
            throw Problem(asked, $"the Slurm array {range} has {tasks} tasks but the shard count given is {n}; the array must be the N shards (sbatch --array=1-{n}). " +
                                 $"To run only some shards of {n} (a resubmit), write them explicitly: --shard $SLURM_ARRAY_TASK_ID/{n} with --array listing those shard numbers");

        bool contiguous = step <= 1 && tasks == max - min + 1;
        if (contiguous) return new SchedulerShard(new ShardSpec(id - min + 1, tasks), origin);

        bool regularStep = step > 1 && (max - min) % step == 0 && tasks == (max - min) / step + 1;
        if (!regularStep)
            throw Problem(asked, $"the Slurm array has {tasks} tasks between {min} and {max} that are not one evenly stepped range (a list such as 1,3,7), so task {id}'s shard cannot be derived; " +
                                 "write the shard explicitly: --shard $SLURM_ARRAY_TASK_ID/N with --array listing shard numbers 1..N");
        if (count is null)
            throw Problem(asked, $"the Slurm array {range} is stepped, so it is ambiguous whether its {tasks} tasks are all the shards or one in every {step} shards of a larger job; " +
                                 $"write --shard auto/{tasks} for the first, or the shard explicitly for the second");
        if ((id - min) % step != 0)
            throw Problem(asked, $"{SlurmTaskId}={id} is not on the array's step ({range})");
        return new SchedulerShard(new ShardSpec((id - min) / step + 1, tasks), origin);
    }

    private static string? Value(IReadOnlyDictionary<string, string> environment, string name) =>
        environment.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static int Number(string asked, string name, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value)
            ? value
            : throw Problem(asked, $"{name}='{text}' is not a whole number >= 0");

    private static ArgumentException Problem(string asked, string problem) => new($"--shard {asked}: {problem}.");
}
