using System.CommandLine;
using C3dNet.Cli.Commands;

var root = new RootCommand("c3d: video action recognition with C3D (3D ConvNets) in .NET")
{
    DemoCommand.Create(),
    GenerateDataCommand.Create(),
    PreprocessCommand.Create(),
    TrainCommand.Create(),
    EvalCommand.Create(),
    PredictCommand.Create(),
    FeaturesCommand.Create(),
    LinearCommand.Create(),
    InitCommand.Create(),
    InfoCommand.Create(),
    BenchCommand.Create(),
};
// Ctrl-C / SIGTERM cancel the command's token; commands stop between units of work and clean up.
// System.CommandLine 2.0.0 only hooks the signals when a termination timeout is set.
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(30) };
return await root.Parse(args).InvokeAsync(invocation);
