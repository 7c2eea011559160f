using System.Diagnostics;
using System.Text.Json;
using C3dNet.Checkpoints;
using C3dNet.Datasets;
using C3dNet.Datasets.Synthetic;
using C3dNet.Evaluation;
using C3dNet.Inference;
using C3dNet.Outputs;
using C3dNet.Runtime;
using C3dNet.Training;
using C3dNet.Video;
using OpenCvSharp;
using static TorchSharp.torch;

namespace C3dNet.Demo;

/// <summary>
/// The whole chain on a generated motion dataset: generate videos, preprocess with a group split,
/// train a narrow C3D from scratch, evaluate at video level on the test split, predict on the
/// held-out videos, write one annotated video and a report. Starts afresh in its work folder (replacing
/// only what an earlier demo made: <see cref="DemoWorkFolder"/>), so the same seed gives the same numbers.
/// </summary>
internal static class DemoRunner
{
    public static DemoReport Run(DemoOptions o, IProgress<DemoProgress>? progress = null, CancellationToken cancel = default)
    {
        var clock = Stopwatch.StartNew();
        string work = Path.GetFullPath(o.WorkDir);
        string videos = Path.Combine(work, "videos"), frames = Path.Combine(work, "frames"),
               runDir = Path.Combine(work, "run"), outputs = Path.Combine(work, "outputs");
        DemoWorkFolder.Prepare(work, o.Overwrite);
        Directory.CreateDirectory(outputs);

        progress?.Report(new("generate", $"{o.Classes} motion classes x {o.VideosPerClass} videos of {o.Frames} frames"));
        var generated = MotionVideoGenerator.Generate(new GeneratorOptions
        {
            OutDir = videos, Classes = o.Classes, VideosPerClass = o.VideosPerClass, ClipsPerGroup = o.ClipsPerGroup, Frames = o.Frames, Seed = o.Seed,
        }, null, cancel);

        progress?.Report(new("preprocess", $"group split, every {o.FrameStep}nd frame at {o.FrameWidth}x{o.FrameHeight}"));
        DatasetPreprocessor.Run(new PreprocessOptions
        {
            VideosDir = videos, OutDir = frames, Split = SplitMethod.Group, Seed = o.Seed,
            Width = o.FrameWidth, Height = o.FrameHeight, FrameStep = o.FrameStep, Decoder = o.Decoder,
        }, null, cancel);

        var trainClock = Stopwatch.StartNew();
        var trainProgress = new SyncProgress<TrainProgress>(p =>
        {
            if (p is EpochCompleted e)
                progress?.Report(new("train", $"epoch {e.Summary.Epoch}/{e.Summary.Epochs}: train loss {e.Summary.Train.Loss:F3} acc {e.Summary.Train.Accuracy:P0}" +
                    (e.Summary.Val is { } v ? $", val acc {v.Accuracy:P0}" : "")));
        });
        progress?.Report(new("train", $"narrow C3D (width x{o.WidthMultiplier}, {o.CropSize}x{o.CropSize} crops), {o.Epochs} epochs"));
        var trained = Trainer.Run(DemoRecipe.TrainConfig(o, frames, runDir), trainProgress, cancel);
        double trainSeconds = trainClock.Elapsed.TotalSeconds;
        string checkpoint = trained.BestCheckpoint ?? trained.LastCheckpoint;

        progress?.Report(new("evaluate", "video level on the test split"));
        var eval = Evaluator.Run(new EvalOptions { Data = frames, Checkpoint = checkpoint, Split = "test", Clips = 5, Device = "cpu" }, null, cancel);
        string confusionPng = Path.Combine(outputs, "confusion.png");
        ConfusionMatrixFiles.WritePng(confusionPng, eval.ClassNames, eval.Confusion, "demo: test split, video level");
        ConfusionMatrixFiles.WriteCsv(Path.Combine(outputs, "confusion.csv"), eval.ClassNames, eval.Confusion);

        progress?.Report(new("predict", "held-out videos, and one annotated video"));
        var testVideos = HeldOutVideos(frames, videos);
        var (predictions, annotated, annotatedFrame) = PredictHeldOut(checkpoint, testVideos, outputs, o.Decoder, cancel);

        string curves = Path.Combine(outputs, "curves.png");
        File.Copy(Path.Combine(trained.RunDir, "curves.png"), curves, overwrite: true);
        var report = new DemoReport
        {
            TestVideoAccuracy = eval.VideoTop1, TestClipAccuracy = eval.ClipTop1, Epochs = trained.EpochsCompleted,
            TrainSeconds = Math.Round(trainSeconds, 1), TotalSeconds = Math.Round(clock.Elapsed.TotalSeconds, 1),
            Classes = eval.ClassNames, Seed = o.Seed, Quick = o.Quick, Videos = generated.Videos.Count, TestVideos = eval.Videos,
            Predictions = predictions,
            Paths = new Dictionary<string, string>
            {
                ["videos"] = videos, ["frames"] = frames, ["run"] = trained.RunDir, ["checkpoint"] = checkpoint,
                ["curves"] = curves, ["confusion"] = confusionPng, ["annotated_video"] = annotated, ["annotated_frame"] = annotatedFrame,
                ["report_md"] = Path.Combine(work, "report.md"), ["report_json"] = Path.Combine(work, "report.json"),
            },
        };
        AtomicFile.Write(report.Paths["report_json"], temp => File.WriteAllText(temp, JsonSerializer.Serialize(report, new JsonSerializerOptions { WriteIndented = true })));
        AtomicFile.Write(report.Paths["report_md"], temp => File.WriteAllText(temp, DemoMarkdown.Render(report, eval)));
        return report;
    }

    /// <summary>The source videos of the test split (frames/test/&lt;class&gt;/&lt;video&gt; → videos/&lt;class&gt;/&lt;video&gt;.avi).</summary>
    private static List<(string Class, string Path)> HeldOutVideos(string frames, string videos) =>
        Directory.GetDirectories(Path.Combine(frames, "test")).Order(StringComparer.Ordinal)
            .SelectMany(classDir => Directory.GetDirectories(classDir).Order(StringComparer.Ordinal)
                .Select(v => (Class: Path.GetFileName(classDir), Path: Path.Combine(videos, Path.GetFileName(classDir), Path.GetFileName(v) + MotionVideoGenerator.Extension))))
            .Where(v => File.Exists(v.Path))
            .ToList();

    private static (List<DemoPrediction>, string, string) PredictHeldOut(string checkpoint, List<(string Class, string Path)> testVideos, string outputs,
        Video.VideoDecoder decoder, CancellationToken cancel)
    {
        using var ckpt = CheckpointLoader.Load(checkpoint, CheckpointUse.Classifier);
        var classNames = CheckpointLoader.ClassNames(ckpt, checkpoint, labelsPath: null);
        using var model = ClipModel.FromCheckpoint(ckpt, checkpoint, CPU, InferencePrecision.Fp32);
        var predictor = new Predictor(model, SamplingSettings.For(ckpt.ModelConfig, stride: 4) with { Decoder = decoder }, InferenceBatchSize.DefaultFor(CPU, ckpt.ModelConfig.WidthMultiplier));
        var results = new List<DemoPrediction>();
        string annotated = Path.Combine(outputs, "annotated.avi"), frame = Path.Combine(outputs, "annotated_frame.png");
        foreach (var (cls, path) in testVideos)
        {
            var prediction = predictor.Predict(new InputItem(path, InputKind.Video), null, cancel);
            int best = Array.IndexOf(prediction.VideoProbabilities, prediction.VideoProbabilities.Max());
            results.Add(new DemoPrediction(Path.GetFileName(path), cls, classNames[best], Math.Round(prediction.VideoProbabilities[best], 4)));
            if (results.Count == 1)
            {
                AnnotatedVideo.Write(prediction, annotated, classNames, cancel, decoder);
                SaveMiddleFrame(annotated, frame);
            }
        }
        return (results, annotated, frame);
    }

    private static void SaveMiddleFrame(string video, string png)
    {
        using var reader = VideoDecoders.OpenFile(video);
        int middle = Math.Max(0, reader.ReportedFrameCount / 2);
        foreach (var (index, mat) in reader.Frames(i => i == middle, default))
        {
            using (mat)
            {
                // The demo's videos are 160x120: shown at 2x (pixels kept sharp) so the label can be read.
                int scale = Math.Max(1, 320 / Math.Max(1, mat.Width));
                using var shown = new Mat();
                Cv2.Resize(mat, shown, new OpenCvSharp.Size(mat.Width * scale, mat.Height * scale), interpolation: InterpolationFlags.Nearest);
                Cv2.ImWrite(png, shown);
            }
            break;
        }
    }
}
