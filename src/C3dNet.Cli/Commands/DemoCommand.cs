using System.CommandLine;
using C3dNet.Cli.Ui;
using C3dNet.Demo;
using C3dNet.Outputs;
using C3dNet.Runtime;
using Spectre.Console;

namespace C3dNet.Cli.Commands;

/// <summary>`c3d demo`: the whole chain on a generated motion dataset, with a report a user can open.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var workDir = new Option<string>("--work-dir") { Description = "Folder for everything the demo makes (a folder an earlier demo made is started afresh; any other non-empty folder needs --overwrite)", DefaultValueFactory = _ => "demo-out" };
        var quick = new Option<bool>("--quick") { Description = "A reduced run for CI (2 classes, 14 epochs; about 30 s after the build)" };
        var seed = new Option<long>("--seed") { Description = "Seed for data, splits, initialisation and clips: the same seed gives the same numbers", DefaultValueFactory = _ => 42 };
        var overwrite = new Option<bool>(OutputPolicy.OverwriteOption) { Description = "Use a non-empty --work-dir that no earlier demo made: the demo's own entries there (videos, frames, run, outputs, report.md, report.json) are replaced, other files kept" };
        var decoder = DecoderOption.Create();
        var command = new Command("demo", "Generate motion videos, preprocess, train a narrow C3D, evaluate, predict, and write a report") { workDir, quick, seed, overwrite, decoder };
        command.SetAction(parse => CommandRunner.RunAsync(parse, cancel =>
        {
            var options = new DemoOptions
            {
                WorkDir = parse.GetValue(workDir)!, Quick = parse.GetValue(quick), Seed = parse.GetValue(seed), Overwrite = parse.GetValue(overwrite),
                Decoder = DecoderOption.Resolve(parse.GetValue(decoder)!),
            };
            var report = ConsoleUi.WithStatus("demo", show: true, status =>
                DemoRunner.Run(options, new SyncProgress<DemoProgress>(p =>
                {
                    if (p.Stage == "train" && p.Detail.StartsWith("epoch")) ConsoleUi.Info($"  {p.Detail}");
                    else status?.Report($"{p.Stage}: {p.Detail}");
                }), cancel));
            ConsoleUi.KeyValues("demo results", [
                ("test video accuracy", report.TestVideoAccuracy.ToString("P1")),
                ("test clip accuracy", report.TestClipAccuracy.ToString("P1")),
                ("classes", string.Join(", ", report.Classes)),
                ("training", $"{report.Epochs} epochs, {report.TrainSeconds:F0} s"),
                ("total time", $"{report.TotalSeconds:F0} s"),
            ]);
            ConsoleUi.KeyValues("outputs", report.Paths.Select(kv => (kv.Key, kv.Value)));
            AnsiConsole.MarkupLine($"Open [bold]{Markup.Escape(report.Paths["report_md"])}[/] for the numbers and pictures. The same chain on UCF101:");
            foreach (var line in DemoMarkdown.Ucf101Commands) ConsoleUi.WriteText($"  {line}\n"); // unwrapped, to copy and paste
            return Task.FromResult(CommandRunner.Ok);
        }, stopping: "stopping the demo", needsOpenCv: true));
        return command;
    }
}
