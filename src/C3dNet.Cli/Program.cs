using System.CommandLine;
using C3dNet.Cli.Commands;

var root = new RootCommand("c3d: video action recognition with C3D (3D ConvNets) in .NET")
{
    GenerateDataCommand.Create(),
    PreprocessCommand.Create(),
    InitCommand.Create(),
    InfoCommand.Create(),
    PredictCommand.Create(),
    FeaturesCommand.Create(),
    BenchCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
