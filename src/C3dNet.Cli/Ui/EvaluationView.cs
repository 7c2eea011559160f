using C3dNet.Runtime;
using C3dNet.Evaluation;
using Spectre.Console;

namespace C3dNet.Cli.Ui;

/// <summary>Console output of `c3d eval`: a progress bar while clips are scored, then the result tables.</summary>
internal static class EvaluationView
{
    public static T WithProgress<T>(string title, Func<IProgress<EvalProgress>, T> body) =>
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(title), maxValue: 1);
                return body(new SyncProgress<EvalProgress>(p =>
                {
                    task.MaxValue = Math.Max(1, p.Batches);
                    task.Value = p.Batch;
                }));
            });

    public static void Show(EvaluationReport r, string outDir)
    {
        ConsoleUi.KeyValues($"{r.Checkpoint} on {r.Split} ({r.Videos} videos, {r.Clips} clips, {r.ClipsPerVideo} per video)",
        [
            ("video accuracy (top-1)", $"{r.VideoTop1:P2}"),
            ($"video accuracy (top-{r.TopK})", $"{r.VideoTopK:P2}"),
            ("clip accuracy (top-1)", $"{r.ClipTop1:P2}"),
            ($"clip accuracy (top-{r.TopK})", $"{r.ClipTopK:P2}"),
            ("mean class accuracy", $"{r.MeanClassAccuracy:P2}"),
        ]);
        ConsoleUi.Table("per class (video level)", ["#", "class", "videos", "correct", "accuracy"],
            r.PerClass.Select(c => new[] { (c.Index + 1).ToString(), c.Name, c.Videos.ToString(), c.Correct.ToString(), c.Videos > 0 ? $"{c.Accuracy:P1}" : "-" }));
        foreach (var f in r.Failures) ConsoleUi.Warning(f);
        ConsoleUi.Info($"written: {outDir} (report.json, confusion.csv, confusion.png)");
    }
}
