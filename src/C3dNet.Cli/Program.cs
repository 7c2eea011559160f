using System.CommandLine;
using C3dNet.Cli.Commands;

var root = new RootCommand("c3d: video action recognition with C3D (3D ConvNets) in .NET")
{
    InfoCommand.Create(),
    TrainCommand.Create(),
    EvalCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
