using System.CommandLine;
using C3dNet.Checkpoints;
using C3dNet.Cli.Ui;

namespace C3dNet.Cli.Commands;

/// <summary>
/// `c3d info FILE [--json]`: describes a checkpoint (ours or the reference's), Sports-1M weights or a torchvision video
/// ResNet state_dict (r3d_18, mc3_18, r2plus1d_18; Kinetics-400 when it has 400 classes), and what makes
/// it unusable (non-finite weights, sizes the network cannot run, class names that disagree with the classifier):
/// those problems are errors on standard error and exit 1.
/// </summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "A checkpoint (.pth.tar) or pretrained weights (.pth)" };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table" };
        var command = new Command("info", "Describe a checkpoint, Sports-1M C3D weights or a torchvision video ResNet file") { file, json };
        command.SetAction(parse => CommandRunner.Run(parse, _ => Execute(parse.GetValue(file)!, parse.GetValue(json)), stopping: null));
        return command;
    }

    private static int Execute(string path, bool json)
    {
        if (json) ConsoleUi.MessagesToStderr(); // standard output holds the document alone
        using var ckpt = C3dCheckpoint.Load(path); // read only: a file CheckpointLoader refuses is still described
        var problems = CheckpointLoader.Problems(ckpt);
        var summary = CheckpointSummary.Of(path, ckpt) with { Problems = problems };
        if (json) ConsoleUi.WriteJson(summary);
        else ShowTable(path, summary);
        foreach (var problem in problems) ConsoleUi.Error($"{path}: {problem}");
        return problems.Count == 0 ? CommandRunner.Ok : CommandRunner.Failed;
    }

    private static void ShowTable(string path, CheckpointSummary summary)
    {
        var c = summary.ModelConfig;
        var rows = new List<(string, string)>
        {
            ("kind", summary.Kind == "pretrained" ? "pretrained weights (Sports-1M layout: features.N / classifier.N)"
                : !c.IsC3d && summary.ModelConfigInferred ? "torchvision state_dict" + (summary.Kinetics400 ? " (Kinetics-400 weights)" : "") : "training checkpoint"),
            ("architecture", (c.IsC3d ? $"{summary.Architecture}, width x{c.WidthMultiplier}" : summary.Architecture) +
                             $", input (N, 3, {c.ClipLength}, {c.CropSize}, {c.CropSize}) {c.ChannelOrder}"),
            ("parameters", summary.Parameters.ToString("N0")),
            ("classes", summary.Kind == "pretrained" ? $"{summary.NumClasses} in the file's own head (classifier.6), not used"
                : summary.NumClasses + (summary.Kinetics400 ? " (Kinetics-400, torchvision's category order)" : "")),
            ("epoch", summary.Epoch?.ToString() ?? "-"),
            ("class names", summary.ClassNames is { } names ? ClassNamesText(names, summary.NumClasses) : "none stored (pass --labels to predict/eval)"),
            ("model config", summary.ModelConfigInferred
                ? c.IsC3d ? "not stored; inferred from the weight shapes" : "not stored; architecture from the weight shapes, input as torchvision's Kinetics-400 weights"
                : "stored"),
            ("input", summary.Input),
            ("optimizer state", summary.HasOptimizerState ? "yes (resumable)" : "no"),
        };
        if (summary.Provides is { } provides) rows.Add(("provides", string.Join(", ", provides) + " (fc8 is trained anew)"));
        if (summary.TrainConfig is { } tc) rows.Add(("train config", tc.ToJsonString()));
        if (summary.ExtraKeys.Count > 0) rows.Add(("other keys", string.Join(", ", summary.ExtraKeys)));
        rows.Add(("usable", summary.Problems.Count == 0 ? "yes" : $"NO: {summary.Problems.Count} problem{(summary.Problems.Count == 1 ? "" : "s")}, listed below"));
        ConsoleUi.KeyValues(path, rows);
    }

    private static string ClassNamesText(IReadOnlyList<string> names, int classes)
    {
        string preview = names.Count <= 8 ? string.Join(", ", names) : $"{string.Join(", ", names.Take(6))}, … ({names.Count} in all)";
        return names.Count == classes ? preview : $"{preview} — {names.Count} names for {classes} classes: they DISAGREE";
    }
}
