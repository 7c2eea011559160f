using System.CommandLine;
using C3dNet.Cli.Commands;

var root = new RootCommand("c3d: video action recognition with C3D (3D ConvNets) in .NET. " + CommandRunner.ExitCodesHelp)
{
    DemoCommand.Create(),
    GenerateDataCommand.Create(),
    PreprocessCommand.Create(),
    TrainCommand.Create(),
    EvalCommand.Create(),
    PredictCommand.Create(),
    FeaturesCommand.Create(),
    LinearCommand.Create(),
    ServeCommand.Create(),
    InitCommand.Create(),
    InfoCommand.Create(),
    BenchCommand.Create(),
    MergeCommand.Create(),
    ShardInfoCommand.Create(),
};
root.Options.Add(CommandRunner.Verbose);
// Ctrl-C and SIGTERM are handled by CommandRunner's InterruptSignal alone: System.CommandLine's own handling is off.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = null };
return await root.Parse(args).InvokeAsync(invocation);
