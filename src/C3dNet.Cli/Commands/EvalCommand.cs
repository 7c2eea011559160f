using System.CommandLine;
using System.Text.Json;
using C3dNet.Cli.Ui;
using C3dNet.Evaluation;
using C3dNet.Outputs;
using C3dNet.Runtime;

namespace C3dNet.Cli.Commands;

/// <summary>
/// `c3d eval --data DIR --checkpoint FILE [--split test] [--clips 10] [--json] [--out DIR]`: clip and video
/// accuracy (softmax averaged over evenly spaced centre-crop clips), top-1/top-5, per class, confusion matrix.
/// </summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Frame dataset folder (output of c3d preprocess)", Required = true };
        var checkpoint = new Option<string>("--checkpoint") { Description = "A checkpoint (ours or the reference's train.py)", Required = true };
        var d = new EvalOptions { Data = "", Checkpoint = "" }; // the library's defaults, written once
        var split = new Option<string>("--split") { Description = "train, val or test", DefaultValueFactory = _ => d.Split };
        var clips = new Option<int>("--clips") { Description = "Evenly spaced centre-crop clips per video, softmax averaged", DefaultValueFactory = _ => d.Clips };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON instead of tables" };
        var outDir = new Option<string?>("--out") { Description = "Folder for report.json, confusion.csv, confusion.png (default: <run>/eval/<checkpoint>-<split>)" };
        var overwrite = new Option<bool>(OutputPolicy.OverwriteOption) { Description = "Replace report.json, confusion.csv and confusion.png if they exist (other files there are kept)" };
        var batch = new Option<int>("--batch-size") { Description = "Clips per batch", DefaultValueFactory = _ => d.BatchSize };
        var workers = new Option<int>("--workers") { Description = "Loader threads (0: half the cores, 1 to 4)" };
        var device = new Option<string>("--device") { Description = "auto, cpu or cuda", DefaultValueFactory = _ => "auto" };
        device.AcceptOnlyFromAmong(DeviceSelector.Choices);
        var command = new Command("eval", "Evaluate a checkpoint: clip and video accuracy, top-1/top-5, per class, confusion matrix")
        {
            data, checkpoint, split, clips, json, outDir, overwrite, batch, workers, device,
        };
        command.SetAction(parse => CommandRunner.Run(parse, cancel => Execute(
            new EvalOptions
            {
                Data = parse.GetValue(data)!, Checkpoint = parse.GetValue(checkpoint)!, Split = parse.GetValue(split)!,
                Clips = parse.GetValue(clips), BatchSize = parse.GetValue(batch), Workers = parse.GetValue(workers), Device = parse.GetValue(device)!,
            }, parse.GetValue(json), parse.GetValue(outDir), parse.GetValue(overwrite), cancel), stopping: "stopping the evaluation (nothing is written)", needsOpenCv: true));
        return command;
    }

    private static readonly string[] ReportFiles = ["report.json", "confusion.csv", "confusion.png"];

    private static int Execute(EvalOptions options, bool json, string? outDir, bool overwrite, CancellationToken cancel)
    {
        string dir = outDir ?? DefaultOutDir(options.Checkpoint, options.Split);
        // Checked before the (long) evaluation: a file as --out, or an earlier report without --overwrite, is refused.
        OutputPolicy.CheckFolder(dir, []);
        OutputPolicy.CheckFiles(ReportFiles.Select(f => Path.Combine(dir, f)), overwrite, [options.Checkpoint]);
        var report = json
            ? Evaluator.Run(options, null, cancel)
            : EvaluationView.WithProgress($"scoring {options.Split} clips", progress => Evaluator.Run(options, progress, cancel));
        OutputPolicy.CreateFolder(dir);
        AtomicFile.Write(Path.Combine(dir, ReportFiles[0]), temp => File.WriteAllText(temp, JsonSerializer.Serialize(report, ConsoleUi.Json)));
        ConfusionMatrixFiles.WriteCsv(Path.Combine(dir, ReportFiles[1]), report.ClassNames, report.Confusion);
        ConfusionMatrixFiles.WritePng(Path.Combine(dir, ReportFiles[2]), report.ClassNames, report.Confusion,
            $"{Path.GetFileName(options.Checkpoint)} on {options.Split}: video accuracy {report.VideoTop1:P1}");
        if (json) ConsoleUi.WriteJson(report);
        else EvaluationView.Show(report, Path.GetFullPath(dir));
        return CommandRunner.Ok;
    }

    /// <summary>RUN/eval/&lt;checkpoint&gt;-&lt;split&gt; for a checkpoint in RUN/models/, else next to the checkpoint.</summary>
    private static string DefaultOutDir(string checkpoint, string split)
    {
        string full = Path.GetFullPath(checkpoint);
        string dir = Path.GetDirectoryName(full)!;
        if (Path.GetFileName(dir) == "models") dir = Path.GetDirectoryName(dir)!;
        string name = Path.GetFileName(full);
        foreach (var ext in new[] { ".pth.tar", ".pth", ".pt", ".tar" })
            if (name.EndsWith(ext, StringComparison.OrdinalIgnoreCase)) { name = name[..^ext.Length]; break; }
        return Path.Combine(dir, "eval", $"{name}-{split}");
    }
}
