using System.CommandLine;
using C3dNet.Cli.Ui;
using C3dNet.Sharding;

namespace C3dNet.Cli.Commands;

/// <summary>
/// `c3d shard-info --shard auto [--inputs K]` (hidden): prints as JSON which shard this process is, where that came from,
/// and which of K inputs it owns. For checking a scheduler's mapping inside a real job (deploy/slurm/test-local.sh).
/// </summary>
internal static class ShardInfoCommand
{
    public static Command Create()
    {
        var shard = ShardOption.Create();
        shard.Required = true;
        var inputs = new Option<int>("--inputs") { Description = "Size of an input list to split (positions 0..K-1)", DefaultValueFactory = _ => 0 };
        var command = new Command("shard-info", "Show which shard --shard resolves to here and the inputs it owns (JSON)") { shard, inputs };
        command.Hidden = true;
        command.SetAction(parse => CommandRunner.Run(parse, _ =>
        {
            int total = parse.GetValue(inputs);
            if (total < 0) throw new ArgumentException($"--inputs must be at least 0, got {total}");
            var spec = parse.GetValue(shard)!.Value;
            ConsoleUi.WriteJson(new
            {
                shard = spec.Index,
                count = spec.Count,
                origin = ShardOption.Origin(parse, shard),
                tag = ShardFiles.Tag(spec),
                positions = ShardAssignment.Positions(total, spec),
            });
            return CommandRunner.Ok;
        }, stopping: null, needsTorch: false));
        return command;
    }
}
