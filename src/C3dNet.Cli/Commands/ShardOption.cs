using System.CommandLine;
using C3dNet.Sharding;

namespace C3dNet.Cli.Commands;

/// <summary>
/// <c>--shard I/N | auto | auto/N</c>, for the verbs that split their inputs across processes. A bad value, or
/// <c>auto</c> without usable scheduler variables, is a parse error with the reason; unset means the whole job.
/// </summary>
internal static class ShardOption
{
    public const string Name = "--shard";

    /// <param name="environment">Where <c>auto</c> reads the scheduler's variables; the process environment unless a test gives one.</param>
    public static Option<ShardSpec?> Create(Func<IReadOnlyDictionary<string, string>>? environment = null) => new(Name)
    {
        Description = "Do shard I of N (1 <= I <= N): every N-th input of the full sorted list, written beside the other shards' without conflicts, " +
                      "joined by `c3d merge`. auto: from a Slurm job array (SLURM_ARRAY_TASK_ID, ...); auto/N: from a Kubernetes Indexed Job " +
                      "(JOB_COMPLETION_INDEX, N = its completions) or to confirm a stepped Slurm array's count",
        HelpName = "I/N|auto|auto/N",
        CustomParser = result =>
        {
            string text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            try
            {
                return ShardSpec.Parse(text, (environment ?? SchedulerShard.ProcessEnvironment)());
            }
            catch (ArgumentException e)
            {
                result.AddError(e.Message);
                return null;
            }
        },
    };

    /// <summary>Where the parsed shard came from ("given explicitly", "Slurm job array task 3 of 1-8 (…)"), for logs.</summary>
    public static string? Origin(ParseResult parse, Option<ShardSpec?> option, Func<IReadOnlyDictionary<string, string>>? environment = null)
    {
        if (parse.GetResult(option) is not { Tokens.Count: > 0 } result) return null;
        ShardSpec.Parse(result.Tokens[0].Value, (environment ?? SchedulerShard.ProcessEnvironment)(), out string origin);
        return origin;
    }
}
