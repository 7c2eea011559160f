using C3dNet.Outputs;
using C3dNet.Runtime;
using ScottPlot;

namespace C3dNet.Training;

/// <summary>curves.png: loss and accuracy per phase over epochs, side by side, drawn with ScottPlot.</summary>
internal static class TrainingCurves
{
    public static void Save(string path, IReadOnlyList<PhaseMetrics> history, int width = 1200, int height = 450)
    {
        var multiplot = new Multiplot();
        multiplot.AddPlots(2);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Columns();
        var loss = multiplot.GetPlot(0);
        var accuracy = multiplot.GetPlot(1);
        foreach (var phase in new[] { "train", "val", "test" })
        {
            var points = history.Where(m => m.Phase == phase).OrderBy(m => m.Epoch).ToList();
            if (points.Count == 0) continue;
            double[] epochs = points.Select(m => (double)m.Epoch).ToArray();
            var l = loss.Add.Scatter(epochs, points.Select(m => m.Loss).ToArray());
            l.LegendText = phase;
            var a = accuracy.Add.Scatter(epochs, points.Select(m => m.Accuracy).ToArray());
            a.LegendText = phase;
        }
        loss.Title("Loss");
        loss.XLabel("epoch");
        loss.YLabel("cross-entropy");
        accuracy.Title("Accuracy (clips)");
        accuracy.XLabel("epoch");
        accuracy.YLabel("accuracy");
        accuracy.Axes.SetLimitsY(0, 1.02);
        loss.ShowLegend();
        accuracy.ShowLegend();
        AtomicFile.Write(path, temp => multiplot.SavePng(temp, width, height)); // the temporary name ends in .png too: ScottPlot goes by the extension
    }
}
