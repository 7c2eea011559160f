using System.CommandLine;
using C3dNet.Cli.Commands;

var root = new RootCommand("c3d: video action recognition with C3D (3D ConvNets) in .NET")
{
    InfoCommand.Create(),
    PredictCommand.Create(),
    FeaturesCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
