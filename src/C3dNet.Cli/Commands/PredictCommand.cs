using System.CommandLine;
using System.Globalization;
using C3dNet.Checkpoints;
using C3dNet.Cli.Ui;
using C3dNet.Datasets;
using C3dNet.Inference;
using C3dNet.Outputs;
using C3dNet.Runtime;
using C3dNet.Sharding;
using C3dNet.Video;
using OpenCvSharp;

namespace C3dNet.Cli.Commands;

/// <summary>
/// `c3d predict INPUT... --checkpoint FILE`: the action over time in videos and frame folders
/// (table, --json or --csv), annotated videos (--out/--out-dir), and live streams (--live).
/// </summary>
internal static class PredictCommand
{
    private sealed record Args(
        string[] Inputs, string Checkpoint, string? Labels, int Stride, int? FrameStep, int TopK, int? BatchSize,
        bool Json, bool Csv, string? Out, string? OutDir, bool Overwrite, string Precision, string Device, string? Live, double? Fps, string Decoder,
        string? Results, ShardSpec? Shard);

    /// <summary>The job name in predict shard records.</summary>
    public const string ShardJob = "predict";
    /// <summary>In --results: the document --json prints (a shard's own copy under shards/, joined by c3d merge).</summary>
    public const string ResultsFile = "predictions.json";

    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Video files, frame folders (00001.jpg …) or glob patterns", Arity = ArgumentArity.ZeroOrMore };
        var checkpoint = new Option<string>("--checkpoint") { Description = "A trained C3D checkpoint (.pth.tar, ours or the reference's)", Required = true };
        var labels = new Option<string?>("--labels") { Description = "Class list ('1 ClassName' lines) for checkpoints that store none" };
        var stride = new Option<int>("--stride") { Description = "Sampled frames between window starts", DefaultValueFactory = _ => new RecognizerOptions().Stride };
        var frameStep = new Option<int?>("--frame-step") { Description = "Keep every k-th video frame (default: the checkpoint's, as in training)" };
        var topK = new Option<int>("--top-k") { Description = "Classes listed per window and per video", DefaultValueFactory = _ => new RecognizerOptions().TopK };
        var batch = InferenceOptions.BatchSize();
        var json = new Option<bool>("--json") { Description = "Print JSON (schema in the README) instead of tables" };
        var csv = new Option<bool>("--csv") { Description = "Print the windows as CSV instead of tables" };
        var outFile = new Option<string?>("--out") { Description = "Write the annotated video here (one input; .mp4, .avi or .mkv)" };
        var outDir = new Option<string?>("--out-dir") { Description = "Write an annotated video per input into this folder" };
        var overwrite = new Option<bool>(OutputPolicy.OverwriteOption) { Description = "Replace annotated videos that exist already (an input is never replaced)" };
        var precision = new Option<string>("--precision") { Description = "fp32 or bf16 (cast module and input)", DefaultValueFactory = _ => "fp32" };
        precision.AcceptOnlyFromAmong(InferencePrecisions.Choices);
        var device = new Option<string>("--device") { Description = "auto, cpu or cuda", DefaultValueFactory = _ => "auto" };
        device.AcceptOnlyFromAmong(DeviceSelector.Choices);
        var live = new Option<string?>("--live") { Description = "Camera index (0) or stream URL: rolling window, prints label changes until Ctrl-C (or SIGTERM) or the end" };
        var fps = new Option<double?>("--fps") { Description = "Frame rate of frame folders, for times in seconds" };
        var decoder = DecoderOption.Create();
        var results = new Option<string?>("--results") { Description = $"Also write the --json document to DIR/{ResultsFile} (with --shard: the shard's part under DIR/shards/, joined by `c3d merge --out DIR`)", HelpName = "DIR" };
        var shard = ShardOption.Create();
        var command = new Command("predict", "Recognise the action in videos over time")
        {
            inputs, checkpoint, labels, stride, frameStep, topK, batch, json, csv, outFile, outDir, overwrite, precision, device, live, fps, decoder, results, shard,
        };
        command.SetAction(parse => CommandRunner.Run(parse, cancel => Execute(new Args(
            parse.GetValue(inputs) ?? [], parse.GetValue(checkpoint)!, parse.GetValue(labels), parse.GetValue(stride), parse.GetValue(frameStep),
            parse.GetValue(topK), parse.GetValue(batch), parse.GetValue(json), parse.GetValue(csv), parse.GetValue(outFile), parse.GetValue(outDir), parse.GetValue(overwrite),
            parse.GetValue(precision)!, parse.GetValue(device)!, parse.GetValue(live), parse.GetValue(fps), parse.GetValue(decoder)!,
            parse.GetValue(results), parse.GetValue(shard)), cancel),
            stopping: parse.GetValue(live) is null ? "stopping after this window" : "ending the stream" + (parse.GetValue(outFile) is { } o ? $" and finishing {o}" : ""),
            needsOpenCv: true));
        return command;
    }

    private static int Execute(Args a, CancellationToken cancel)
    {
        if (a.Json && a.Csv) throw new ArgumentException("choose one of --json and --csv");
        if (a.Json || a.Csv) ConsoleUi.MessagesToStderr();
        if (a.Out is not null && a.OutDir is not null) throw new ArgumentException("choose one of --out (one input) and --out-dir");
        if (a.TopK < 1) throw new ArgumentException($"--top-k must be at least 1, got {a.TopK}");
        if (a.BatchSize < 1) throw new ArgumentException($"--batch-size must be at least 1, got {a.BatchSize}");
        if (a.Live is not null && a.Inputs.Length > 0) throw new ArgumentException("--live takes its source itself; give no other inputs");
        if (a.Live is null && a.Inputs.Length == 0) throw new ArgumentException("no input: give video files, frame folders or patterns, or --live SOURCE");
        if (a.Out is not null) AnnotatedVideo.CodecFor(a.Out);
        if (a.Shard is not null && a.Results is null) throw new ArgumentException("--shard needs --results DIR: each shard writes its predictions there, and `c3d merge --out DIR` joins them");
        if (a.Live is not null && (a.Shard is not null || a.Results is not null)) throw new ArgumentException("--live takes neither --shard nor --results");
        var items = a.Live is null ? InputPaths.Expand(a.Inputs) : [];
        if (a.Out is not null && items.Count > 1) throw new ArgumentException($"--out takes one input, {items.Count} were given; use --out-dir");
        var outNames = OutputNames.Unique(items.Select(i => i.Path));
        // With --shard: names over the full input list (no two shards write one annotated video), then the shard's own inputs.
        var (record, mine) = ShardAssignment.Select(ShardJob, a.Shard, items.Select(i => i.Path).ToList(),
            $"checkpoint={Path.GetFullPath(a.Checkpoint)} labels={a.Labels} stride={a.Stride} frame_step={a.FrameStep} top_k={a.TopK} fps={a.Fps} precision={a.Precision}");
        string? resultsPath = a.Results is null ? null
            : record is null ? Path.Combine(a.Results, ResultsFile) : ShardFiles.PathFor(a.Results, ResultsFile, record.Spec);
        string? AnnotatedPath(int i) => a.Out ?? (a.OutDir is null ? null : Path.Combine(a.OutDir, outNames[i] + ".annotated" + OutputNames.AnnotatedExtension(items[i].Path)));
        // Every output is checked before any work: an input, or an existing file without --overwrite, is refused.
        string[] inputs = [.. items.Select(i => i.Path), .. a.Live is null ? [] : new[] { a.Live }, a.Checkpoint, .. a.Labels is null ? [] : new[] { a.Labels }];
        if (a.OutDir is not null) OutputPolicy.CheckFolder(a.OutDir, [], "--out-dir");
        if (a.Results is not null) OutputPolicy.CheckFolder(a.Results, [], "--results");
        OutputPolicy.CheckFiles((a.Live is null ? mine.Select(AnnotatedPath) : [a.Out]).Append(resultsPath).OfType<string>(),
            a.Overwrite || (record is not null && record.RanBefore(a.Results!)), inputs);

        var device = DeviceSelector.Resolve(a.Device);
        if (Bf16Support.Warning(InferencePrecisions.Parse(a.Precision), device) is { } slow) ConsoleUi.Warning(slow);
        using var recognizer = ActionRecognizer.Load(a.Checkpoint, new RecognizerOptions
        {
            Device = a.Device, Precision = InferencePrecisions.Parse(a.Precision), BatchSize = a.BatchSize, LabelsFile = a.Labels,
            Stride = a.Stride, FrameStep = a.FrameStep, TopK = a.TopK, FolderFps = a.Fps, Decoder = DecoderOption.Resolve(a.Decoder),
        });
        var names = recognizer.ClassNames;
        int k = Math.Min(a.TopK, names.Count);

        if (a.Live is not null) return Live(a, recognizer, cancel);

        if (a.FrameStep is not null && items.Any(i => i.Kind == InputKind.FrameFolder))
            ConsoleUi.Warning("frame folders are used as they are (already sampled); --frame-step applies to videos only");

        if (a.Results is not null)
        {
            OutputPolicy.CreateFolder(a.Results);
            record?.Save(a.Results);
        }
        var reports = new List<InputReport>();
        var failed = new List<InputFailure>();
        foreach (int i in mine)
        {
            cancel.ThrowIfCancellationRequested();
            var item = items[i];
            try
            {
                var recognition = recognizer.Recognize(item, null, cancel);
                var prediction = recognition.Prediction;
                foreach (var w in recognition.Warnings) ConsoleUi.Warning(w);
                var report = recognition.Report;
                reports.Add(report);
                if (!a.Json && !a.Csv) ShowTables(report, prediction);
                ConsoleUi.Info(Speed(prediction.Run));
                string? annotated = AnnotatedPath(i);
                if (annotated is not null)
                {
                    AnnotatedVideo.Write(prediction, annotated, names, cancel, recognizer.Sampling.Decoder);
                    ConsoleUi.Info($"annotated video: {annotated}");
                }
            }
            // A bad input is reported and skipped; an output that cannot be written (OutputException) stops the run.
            catch (Exception e) when (e is not OutputException && e is VideoReadException or FrameReadException or InvalidDataException or IOException
                                          or UnauthorizedAccessException or OpenCVException or CheckpointException)
            {
                ConsoleUi.Error(e.Message);
                failed.Add(new InputFailure(item.Path, e.Message));
            }
        }
        var document = new PredictionReport(reports, failed);
        if (a.Json) ConsoleUi.WriteJson(document);
        if (resultsPath is not null)
        {
            ConsoleUi.WriteJsonFile(resultsPath, document);
            record?.Completed().Save(a.Results!); // last: the shard's predictions are written
        }
        if (a.Csv)
        {
            var text = new StringWriter(CultureInfo.InvariantCulture);
            PredictionCsv.Write(text, reports, k);
            ConsoleUi.WriteText(text.ToString());
        }
        if (failed.Count > 0)
            ConsoleUi.Warning($"{failed.Count} of {mine.Length} inputs failed");
        // A shard whose every input failed is still done (exit 2): the merge judges the whole job.
        return record is not null && failed.Count > 0 ? CommandRunner.SomeInputsFailed : CommandRunner.ForInputs(mine.Length, failed.Count);
    }

    private static void ShowTables(InputReport report, Prediction prediction)
    {
        var run = prediction.Run;
        string F(double? s) => s is { } v ? v.ToString("0.00", CultureInfo.InvariantCulture) : "-";
        ConsoleUi.Table($"{run.Input}: {run.Windows.Count} windows (frame step {run.FrameStep})",
            ["#", "frames", "seconds", "top-1", "prob", "next"],
            report.Windows.Select((w, i) => new[]
            {
                i.ToString(CultureInfo.InvariantCulture), $"{w.StartFrame}-{w.EndFrame}", $"{F(w.StartSeconds)}-{F(w.EndSeconds)}",
                w.Top[0].Label, w.Top[0].Prob.ToString("0.000", CultureInfo.InvariantCulture),
                string.Join(", ", w.Top.Skip(1).Select(s => $"{s.Label} {s.Prob.ToString("0.000", CultureInfo.InvariantCulture)}")),
            }));
        ConsoleUi.Table($"{run.Input}: whole video (mean over {run.Windows.Count} windows)", ["rank", "index", "label", "prob"],
            report.Video.Top.Select((s, r) => new[]
            {
                (r + 1).ToString(CultureInfo.InvariantCulture), s.Index.ToString(CultureInfo.InvariantCulture), s.Label,
                s.Prob.ToString("0.000", CultureInfo.InvariantCulture),
            }));
    }

    private static string Speed(InputRun run)
    {
        double seconds = Math.Max(1e-6, run.Elapsed.TotalSeconds);
        string realTime = run.DurationSeconds is { } d ? $", {d / seconds:0.00}x real time" : "";
        return $"{run.Input}: {run.Windows.Count} windows from {run.SampledFrames} sampled of {run.SourceFrames} frames in {seconds:0.00} s ({run.Windows.Count / seconds:0.00} clips/s{realTime})";
    }

    private static int Live(Args a, ActionRecognizer recognizer, CancellationToken cancel)
    {
        if (a.Json || a.Csv || a.OutDir is not null) throw new ArgumentException("--live prints label changes as they happen; --json, --csv and --out-dir apply to files (use --out for a video)");
        using var stream = VideoDecoders.OpenStream(a.Live!, recognizer.Sampling.Decoder); // an unreachable stream: one line naming it (CommandRunner)
        var settings = recognizer.Sampling;
        ConsoleUi.Info($"live: {a.Live} ({stream.Width}x{stream.Height}, {stream.Fps:0.##} fps, frame step {settings.FrameStep}, stride {settings.Stride}); Ctrl-C stops");
        // Ctrl-C (SIGINT) or SIGTERM cancels the token: the stream ends cleanly and the annotated video is finished.
        var summary = recognizer.RecognizeLive(stream, change =>
        {
            string at = change.Seconds is { } s ? $"{s:0.00} s" : $"frame {change.Frame}";
            ConsoleUi.Info($"{at}: {change.Label} ({change.Prob:0.000})");
        }, a.Out, cancel);
        // No reconnection: the end of a stream (or a stream silent for longer than FfmpegReader.StreamTimeout) ends the run.
        ConsoleUi.Info($"live: {(summary.Cancelled ? "stopped" : "stream ended")} after {summary.Frames} frames, {summary.Windows} windows, {summary.Changes} label changes");
        if (a.Out is not null && summary.Frames > 0) ConsoleUi.Info($"annotated video: {a.Out}");
        return CommandRunner.Ok;
    }
}
