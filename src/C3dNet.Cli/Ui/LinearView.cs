using System.Globalization;
using C3dNet.LinearProbe;

namespace C3dNet.Cli.Ui;

/// <summary>Console output of `c3d linear`: the cross-validation, the test numbers and the per-class table, as `c3d eval` shows them.</summary>
internal static class LinearView
{
    public static void Show(LinearRun run, string modelFile, string reportDir)
    {
        var r = run.Test;
        if (run.Info.CrossValidation is { } cv)
            ConsoleUi.Table($"C by {cv.Folds}-fold cross-validation on {run.Data.TrainVideos} training videos", ["C", "mean held-out accuracy", ""],
                cv.Grid.Select((c, i) => new[] { c.ToString("G4", CultureInfo.InvariantCulture), $"{cv.MeanAccuracy[i]:P2}", c == cv.BestC ? "chosen" : "" }));
        ConsoleUi.KeyValues($"{run.Info.Model} (C={run.Info.C.ToString("G4", CultureInfo.InvariantCulture)}) on {run.Info.Layer} features: test ({r.Videos} videos)",
        [
            ("video accuracy (top-1)", $"{r.VideoTop1:P2}"),
            ($"video accuracy (top-{r.TopK})", $"{r.VideoTopK:P2}"),
            ("mean class accuracy", $"{r.MeanClassAccuracy:P2}"),
            ("training videos", run.Data.TrainVideos.ToString(CultureInfo.InvariantCulture)),
        ]);
        ConsoleUi.Table("per class (video level)", ["#", "class", "videos", "correct", "accuracy"],
            r.PerClass.Select(c => new[] { (c.Index + 1).ToString(), c.Name, c.Videos.ToString(), c.Correct.ToString(), c.Videos > 0 ? $"{c.Accuracy:P1}" : "-" }));
        ConsoleUi.Info($"written: {modelFile}, {reportDir} (report.json, confusion.csv, confusion.png)");
    }
}
