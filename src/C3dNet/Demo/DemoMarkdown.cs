using System.Globalization;
using System.Text;
using C3dNet.Evaluation;

namespace C3dNet.Demo;

/// <summary>report.md: what the demo did, its numbers and pictures, and the same chain on UCF101.</summary>
internal static class DemoMarkdown
{
    /// <summary>The demo's chain on UCF101 (the official split 1, fine-tuned from the Sports-1M weights).</summary>
    public static readonly IReadOnlyList<string> Ucf101Commands =
    [
        "./c3d preprocess --videos UCF-101 --out ucf101-frames --split official --split-dir ucfTrainTestlist --split-index 1",
        "./c3d train --data ucf101-frames --pretrained c3d-pretrained.pth --epochs 30 --run-dir run/ucf101",
        "./c3d eval --data ucf101-frames --checkpoint run/ucf101/models/best.pth.tar --clips 10",
        "./c3d predict some_video.avi --checkpoint run/ucf101/models/best.pth.tar --out annotated.mp4",
        "./c3d features UCF-101/*/*.avi --checkpoint run/ucf101/models/best.pth.tar --layer fc6 --out features",
    ];

    public static string Render(DemoReport r, EvaluationReport eval)
    {
        var c = CultureInfo.InvariantCulture;
        string Rel(string key) => Path.GetRelativePath(Path.GetDirectoryName(r.Paths["report_md"])!, r.Paths[key]);
        var sb = new StringBuilder();
        sb.AppendLine("# C3dNet demo report").AppendLine();
        sb.AppendLine(c, $"Generated {r.Videos} motion videos in {r.Classes.Count} classes that differ only by motion ({string.Join(", ", r.Classes)}), "
            + $"extracted frames with a group split, trained a narrow C3D from scratch for {r.Epochs} epochs ({r.TrainSeconds:F0} s), "
            + $"evaluated it on {r.TestVideos} held-out test videos and predicted the action in each. Seed {r.Seed}{(r.Quick ? ", quick run" : "")}; "
            + $"{r.TotalSeconds:F0} s in all.").AppendLine();
        sb.AppendLine("| measure | value |").AppendLine("|---|---|");
        sb.AppendLine(c, $"| test video accuracy (top-1, {eval.ClipsPerVideo} clips averaged) | {r.TestVideoAccuracy:P1} |");
        sb.AppendLine(c, $"| test clip accuracy (top-1) | {r.TestClipAccuracy:P1} |");
        sb.AppendLine(c, $"| mean class accuracy | {eval.MeanClassAccuracy:P1} |");
        sb.AppendLine(c, $"| epochs, training time | {r.Epochs}, {r.TrainSeconds:F0} s |").AppendLine();
        sb.AppendLine("## Training curves").AppendLine().AppendLine($"![curves]({Rel("curves")})").AppendLine();
        sb.AppendLine("## Confusion matrix (test split)").AppendLine().AppendLine($"![confusion]({Rel("confusion")})").AppendLine();
        sb.AppendLine("## Predictions on held-out videos").AppendLine();
        sb.AppendLine("| video | true | predicted | probability |").AppendLine("|---|---|---|---|");
        foreach (var p in r.Predictions) sb.AppendLine(c, $"| {p.Video} | {p.TrueLabel} | {p.Predicted} | {p.Probability:F3} |");
        sb.AppendLine().AppendLine(c, $"Annotated video: `{Rel("annotated_video")}`; one of its frames (enlarged 2x):").AppendLine();
        sb.AppendLine($"![annotated frame]({Rel("annotated_frame")})").AppendLine();
        sb.AppendLine("## The same chain on UCF101").AppendLine();
        sb.AppendLine("```bash");
        foreach (var line in Ucf101Commands) sb.AppendLine(line);
        sb.AppendLine("```");
        return sb.ToString();
    }
}
