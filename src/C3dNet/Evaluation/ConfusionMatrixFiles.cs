using System.Globalization;
using System.Text;
using C3dNet.Outputs;
using ScottPlot;

namespace C3dNet.Evaluation;

/// <summary>The confusion matrix as CSV (rows: true class, columns: predicted) and as a PNG heatmap (ScottPlot).</summary>
internal static class ConfusionMatrixFiles
{
    public static void WriteCsv(string path, IReadOnlyList<string> classNames, int[][] confusion)
    {
        var sb = new StringBuilder();
        sb.AppendLine("true\\predicted," + string.Join(",", classNames.Select(Quote)));
        for (int r = 0; r < confusion.Length; r++)
            sb.AppendLine(Quote(classNames[r]) + "," + string.Join(",", confusion[r].Select(v => v.ToString(CultureInfo.InvariantCulture))));
        AtomicFile.Write(path, temp => File.WriteAllText(temp, sb.ToString()));
    }

    private static string Quote(string s) => s.IndexOfAny([',', '"', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;

    /// <summary>Each row normalised to fractions of the true class (colour), with the counts written in the cells when they fit.</summary>
    public static void WritePng(string path, IReadOnlyList<string> classNames, int[][] confusion, string title)
    {
        int n = classNames.Count;
        var fractions = new double[n, n];
        for (int r = 0; r < n; r++)
        {
            double total = Math.Max(1, confusion[r].Sum());
            for (int c = 0; c < n; c++) fractions[r, c] = confusion[r][c] / total;
        }
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(fractions);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        heatmap.ManualRange = new ScottPlot.Range(0, 1);
        plot.Add.ColorBar(heatmap).Label = "fraction of the true class";
        if (n <= 30)
            for (int r = 0; r < n; r++)
                for (int c = 0; c < n; c++)
                {
                    // Heatmap row 0 is drawn at the top: cell (r, c) is centred at x = c, y = n - 1 - r.
                    var text = plot.Add.Text(confusion[r][c].ToString(CultureInfo.InvariantCulture), c, n - 1 - r);
                    text.LabelAlignment = Alignment.MiddleCenter;
                    text.LabelFontColor = fractions[r, c] > 0.5 ? Colors.Black : Colors.White;
                    text.LabelFontSize = n <= 10 ? 14 : 9;
                }
        var positions = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        string[] names = classNames.Select(s => s.Length > 18 ? s[..17] + "…" : s).ToArray();
        plot.Axes.Bottom.SetTicks(positions, names);
        plot.Axes.Bottom.TickLabelStyle.Rotation = -45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
        plot.Axes.Bottom.MinimumSize = 40 + 6 * names.Max(s => s.Length);
        plot.Axes.Left.SetTicks(positions, names.Reverse().ToArray());
        plot.XLabel("predicted class");
        plot.YLabel("true class");
        plot.Title(title);
        int size = Math.Clamp(200 + 40 * n, 500, 2400);
        AtomicFile.Write(path, temp => plot.SavePng(temp, size + 150, size)); // the temporary name ends in .png: ScottPlot goes by it
    }
}
