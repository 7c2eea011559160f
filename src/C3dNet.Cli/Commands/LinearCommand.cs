using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using C3dNet.Cli.Ui;
using C3dNet.Evaluation;
using C3dNet.LinearProbe;
using C3dNet.Outputs;
using C3dNet.Runtime;

namespace C3dNet.Cli.Commands;

/// <summary>
/// `c3d linear --features DIR... (--data DIR | --split-dir DIR --split-index N) --out FILE`: the C3D paper's protocol,
/// a linear classifier on per-video features with C chosen by cross-validation, reported on the test split like eval.
/// </summary>
internal static class LinearCommand
{
    private static readonly string[] ReportFiles = ["report.json", "confusion.csv", "confusion.png"];
    /// <summary>Split videos without features listed in the warning; the report lists all.</summary>
    private const int MissingShown = 5;

    private sealed record Args(LinearOptions Options, string Out, string? ReportDir, bool Json, bool Overwrite);

    public static Command Create()
    {
        var features = new Option<string[]>("--features")
        {
            Description = "Folders written by c3d features (index.json + NAME_LAYER_video.npy), one layer and width", Required = true,
            AllowMultipleArgumentsPerToken = true, Arity = ArgumentArity.OneOrMore,
        };
        var data = new Option<string?>("--data") { Description = "A c3d preprocess output: manifest.json gives each video's split and class, labels.txt the classes" };
        var splitDir = new Option<string?>("--split-dir") { Description = "Official split lists instead: UCF101 (classInd.txt, trainlist0N.txt, testlist0N.txt) or HMDB51 (<class>_test_splitN.txt)" };
        var splitIndex = new Option<int?>("--split-index") { Description = "Which official split: 1, 2 or 3" };
        var labels = new Option<string?>("--labels") { Description = "Class list ('1 ClassName' lines) for --split-dir (default: classInd.txt or the HMDB51 list names)" };
        var model = new Option<string>("--model") { Description = "svm (one-vs-rest squared hinge, as sklearn's LinearSVC; the paper's) or logistic (multinomial, as sklearn's LogisticRegression)", DefaultValueFactory = _ => "svm" };
        model.AcceptOnlyFromAmong(LinearModelKinds.Choices);
        var c = new Option<double?>("--c") { Description = "Regularisation strength C (no cross-validation)" };
        var grid = new Option<string>("--c-grid") { Description = "C values tried by cross-validation, comma-separated", DefaultValueFactory = _ => string.Join(",", LinearOptions.DefaultGrid.Select(Format)) };
        var folds = new Option<int>("--folds") { Description = "Stratified cross-validation folds of the training videos", DefaultValueFactory = _ => new LinearOptions { Features = [] }.Folds };
        var seed = new Option<long>("--seed") { Description = "Seed of the fold assignment", DefaultValueFactory = _ => new LinearOptions { Features = [] }.Seed };
        var outFile = new Option<string>("--out") { Description = "The classifier file (PyTorch format: weight, bias, class_names, layer, normalisation, model, c)", Required = true };
        var reportDir = new Option<string?>("--report-dir") { Description = "Folder for report.json, confusion.csv, confusion.png (default: <out without extension>-test next to --out)" };
        var json = new Option<bool>("--json") { Description = "Print the report as JSON instead of tables" };
        var overwrite = new Option<bool>(OutputPolicy.OverwriteOption) { Description = "Replace an existing --out and report files" };
        var command = new Command("linear", "Train a linear classifier (SVM or logistic) on per-video C3D features, C by cross-validation, and report the test split")
        {
            features, data, splitDir, splitIndex, labels, model, c, grid, folds, seed, outFile, reportDir, json, overwrite,
        };
        command.SetAction(parse => CommandRunner.Run(parse, cancel => Execute(new Args(
            new LinearOptions
            {
                Features = parse.GetValue(features) ?? [], Data = parse.GetValue(data), SplitDir = parse.GetValue(splitDir), SplitIndex = parse.GetValue(splitIndex),
                Labels = parse.GetValue(labels), Model = LinearModelKinds.Parse(parse.GetValue(model)!), C = parse.GetValue(c),
                Grid = ParseGrid(parse.GetValue(grid)!), Folds = parse.GetValue(folds), Seed = parse.GetValue(seed),
            },
            parse.GetValue(outFile)!, parse.GetValue(reportDir), parse.GetValue(json), parse.GetValue(overwrite)), cancel),
            stopping: "stopping the classifier (nothing is written)"));
        return command;
    }

    private static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static IReadOnlyList<double> ParseGrid(string text) =>
        text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(s =>
            double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : throw new ArgumentException($"--c-grid: '{s}' is not a number")).ToList();

    private static int Execute(Args a, CancellationToken cancel)
    {
        if (a.Json) ConsoleUi.MessagesToStderr();
        a.Options.Validate();
        string reportDir = a.ReportDir ?? DefaultReportDir(a.Out);
        // Refused before the work, not after it: a folder as --out, an existing output without --overwrite, an input as output.
        OutputPolicy.CheckFile(a.Out, a.Overwrite, a.Options.Features);
        OutputPolicy.CheckFolder(reportDir, []);
        OutputPolicy.CheckFiles(ReportFiles.Select(f => Path.Combine(reportDir, f)), a.Overwrite, a.Options.Features);

        var run = ConsoleUi.WithStatus("linear", !a.Json, stage => LinearTrainer.Run(a.Options, stage, cancel));
        Warn(run);
        Write(run, a.Out, reportDir);
        if (a.Json) ConsoleUi.WriteJson(ReportJson(run, a.Out));
        else LinearView.Show(run, Path.GetFullPath(a.Out), Path.GetFullPath(reportDir));
        return run.Data.Missing.Count > 0 ? CommandRunner.SomeInputsFailed : CommandRunner.Ok;
    }

    private static void Warn(LinearRun run)
    {
        var missing = run.Data.Missing;
        if (missing.Count > 0)
            ConsoleUi.Warning($"{missing.Count} videos of the split have no features and are left out ({missing.Count(m => m.Split == "test")} of them test videos): " +
                              string.Join(", ", missing.Take(MissingShown).Select(m => m.Name)) + (missing.Count > MissingShown ? ", …" : "") +
                              " (all in report.json under linear.missing_videos)");
        if (run.Data.FewerThanFolds.Count > 0)
            ConsoleUi.Warning($"classes with fewer training videos than folds (absent from some folds' held-out part): {string.Join(", ", run.Data.FewerThanFolds)}");
        if (run.Data.Unlisted > 0) ConsoleUi.Info($"{run.Data.Unlisted} feature vectors belong to no train or test video of the split: not used");
        if (!run.Classifier.Stats.Converged)
            ConsoleUi.Warning($"the solver stopped before its tolerance (relative gradient {run.Classifier.Stats.RelativeGradient:G3} after {run.Classifier.Stats.Iterations} Newton steps)");
    }

    private static void Write(LinearRun run, string modelFile, string reportDir)
    {
        LinearModelFile.Save(modelFile, run.Classifier, run.Info);
        OutputPolicy.CreateFolder(reportDir);
        var r = run.Test;
        AtomicFile.Write(Path.Combine(reportDir, "report.json"), t => File.WriteAllText(t, ReportJson(run, modelFile).ToJsonString(ConsoleUi.Json)));
        ConfusionMatrixFiles.WriteCsv(Path.Combine(reportDir, "confusion.csv"), r.ClassNames, r.Confusion);
        ConfusionMatrixFiles.WritePng(Path.Combine(reportDir, "confusion.png"), r.ClassNames, r.Confusion,
            $"{run.Info.Model} C={run.Info.C:G4} on {run.Info.Layer}: test video accuracy {r.VideoTop1:P1}");
    }

    /// <summary>The eval report's keys (each video one sample: clip numbers equal video numbers) plus "linear": how the classifier was made.</summary>
    private static JsonObject ReportJson(LinearRun run, string modelFile)
    {
        var report = (JsonObject)JsonSerializer.SerializeToNode(run.Test with { Checkpoint = Path.GetFullPath(modelFile) }, ConsoleUi.Json)!;
        var s = run.Classifier.Stats;
        report["linear"] = JsonSerializer.SerializeToNode(new
        {
            run.Info.Model, run.Info.C, run.Info.Layer, run.Info.Width, run.Info.Normalisation,
            run.Data.TrainVideos, run.Data.TestVideos,
            MissingVideos = run.Data.Missing.Select(m => new { Video = m.Name, m.Split }).ToList(),
            UnusedFeatureVectors = run.Data.Unlisted,
            run.Info.CrossValidation,
            Solver = new { NewtonSteps = s.Iterations, CgSteps = s.CgIterations, s.Converged, s.RelativeGradient },
        }, ConsoleUi.Json);
        return report;
    }

    /// <summary>&lt;out without extension&gt;-test next to the classifier file, as eval names its folder &lt;checkpoint&gt;-&lt;split&gt;.</summary>
    private static string DefaultReportDir(string modelFile)
    {
        string full = Path.GetFullPath(modelFile), name = Path.GetFileName(full);
        foreach (var ext in new[] { ".pth.tar", ".pth", ".pt", ".tar" })
            if (name.EndsWith(ext, StringComparison.OrdinalIgnoreCase)) { name = name[..^ext.Length]; break; }
        return Path.Combine(Path.GetDirectoryName(full)!, $"{name}-test");
    }
}
