using C3dNet.Evaluation;
using C3dNet.Tests.Support;

namespace C3dNet.Tests.Evaluation;

public class EvaluationReportTests
{
    private static readonly string[] Classes = ["A", "B", "C", "D", "E", "F"];

    private static float[] P(params (int Class, float P)[] mass)
    {
        // The rest is spread evenly over the other classes.
        var p = new float[Classes.Length];
        float rest = (1 - mass.Sum(m => m.P)) / (Classes.Length - mass.Length);
        for (int c = 0; c < p.Length; c++) p[c] = rest;
        foreach (var (c, v) in mass) p[c] = v;
        return p;
    }

    /// <summary>
    /// v0 (A): 3 clips, two vote B but the averaged softmax says A. v1 (C): its one clip gives C the least
    /// probability (outside the top 5). v2 (B): 2 clips, both B.
    /// </summary>
    private static EvaluationReport Crafted() => EvaluationReport.Compute(Classes, ["v0", "v1", "v2"], [0, 2, 1],
        new ClipScores(
        [
            P((1, 0.50f), (0, 0.30f)), P((0, 0.90f), (1, 0.05f)), P((1, 0.45f), (0, 0.40f)),
            P((3, 0.60f), (2, 0.001f)),
            P((1, 0.70f)), P((1, 0.55f), (5, 0.30f)),
        ], [0, 0, 0, 1, 2, 2], [0, 0, 0, 2, 1, 1]));

    [Fact]
    public void Clip_and_video_top1_and_top5_have_the_known_values()
    {
        var r = Crafted();
        Assert.Equal(5, r.TopK);
        Assert.Equal(6, r.Clips);
        Assert.Equal(3, r.Videos);
        Assert.Equal(3 / 6.0, r.ClipTop1, 12); // v0's second clip and both of v2's
        Assert.Equal(5 / 6.0, r.ClipTopK, 12); // all but v1's clip
        Assert.Equal(2 / 3.0, r.VideoTop1, 12); // averaging rescues v0 although most of its clips say B
        Assert.Equal(2 / 3.0, r.VideoTopK, 12);
    }

    [Fact]
    public void Video_level_averages_the_clip_softmax()
    {
        var r = Crafted();
        var v0 = r.Predictions[0];
        Assert.Equal(("v0", 0, 0, 3, true), (v0.Video, v0.Label, v0.Predicted, v0.Clips, v0.Correct));
        Assert.Equal((0.30 + 0.90 + 0.40) / 3, v0.Probability, 5);
        Assert.Equal((3, false), (r.Predictions[1].Predicted, r.Predictions[1].Correct));
        Assert.Equal(1, r.Predictions[2].Predicted);
    }

    [Fact]
    public void Per_class_accuracy_and_confusion_matrix_count_videos()
    {
        var r = Crafted();
        Assert.Equal([1, 1, 1, 0, 0, 0], r.PerClass.Select(c => c.Videos));
        Assert.Equal([1.0, 1.0, 0.0], r.PerClass.Take(3).Select(c => c.Accuracy));
        Assert.Equal(2 / 3.0, r.MeanClassAccuracy, 12); // over classes that have videos
        Assert.Equal(1, r.Confusion[0][0]);
        Assert.Equal(1, r.Confusion[1][1]);
        Assert.Equal(1, r.Confusion[2][3]); // C predicted as D
        Assert.Equal(3, r.Confusion.Sum(row => row.Sum()));
    }

    [Fact]
    public void Top_k_is_capped_at_the_class_count_and_ties_go_to_the_lower_index()
    {
        Assert.Equal([2, 0, 1], EvaluationReport.TopIndices([0.25f, 0.25f, 0.5f], 5));
        var r = EvaluationReport.Compute(["x", "y"], ["v"], [1], new ClipScores([[0.6f, 0.4f]], [0], [1]));
        Assert.Equal(2, r.TopK);
        Assert.Equal((0.0, 1.0), (r.VideoTop1, r.VideoTopK));
    }

    [Fact]
    public void Confusion_matrix_is_written_as_csv_and_png()
    {
        using var dir = new TempDir();
        var r = Crafted();
        ConfusionMatrixFiles.WriteCsv(dir.File("c.csv"), r.ClassNames, r.Confusion);
        var lines = File.ReadAllLines(dir.File("c.csv"));
        Assert.Equal("true\\predicted,A,B,C,D,E,F", lines[0]);
        Assert.Equal("C,0,0,0,1,0,0", lines[3]);
        Assert.Equal(7, lines.Length);
        ConfusionMatrixFiles.WritePng(dir.File("c.png"), r.ClassNames, r.Confusion, "crafted");
        var png = File.ReadAllBytes(dir.File("c.png"));
        Assert.True(png.Length > 5000);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
    }
}
