using System.CommandLine;
using System.Diagnostics;
using C3dNet.Cli.Ui;
using C3dNet.Datasets;
using C3dNet.Outputs;
using C3dNet.Models;
using C3dNet.Runtime;
using C3dNet.Video;

namespace C3dNet.Cli.Commands;

/// <summary>
/// `c3d preprocess --videos DIR --out DIR`: videos in the UCF101/HMDB51 layout → split frame folders,
/// labels.txt and manifest.json; parallel, resumable, and tolerant of bad files.
/// </summary>
internal static class PreprocessCommand
{
    public static Command Create()
    {
        var videos = new Option<string>("--videos") { Description = "Input folder: <videos>/<class>/<video file>", Required = true };
        var output = new Option<string>("--out") { Description = "Output folder: {train,val,test}/<class>/<video>/00001.jpg …, labels.txt, manifest.json", Required = true };
        var split = new Option<string>("--split") { Description = "random (per class, the reference), group (no UCF101 group in two splits) or official (the dataset's lists)", DefaultValueFactory = _ => "random" };
        split.AcceptOnlyFromAmong("random", "group", "official");
        var seed = new Option<long>("--seed") { Description = "Seed of the split", DefaultValueFactory = _ => 42 };
        var testFraction = new Option<double>("--test-fraction") { Description = "Fraction of each class for test (random, group)", DefaultValueFactory = _ => 0.2 };
        var valFraction = new Option<double>("--val-fraction") { Description = "Fraction of the rest (official: of train) for val", DefaultValueFactory = _ => 0.2 };
        var splitDir = new Option<string?>("--split-dir") { Description = "Folder with the official lists (UCF101 classInd/trainlist0N/testlist0N, or HMDB51 <class>_test_splitN.txt)" };
        var splitIndex = new Option<int>("--split-index") { Description = "Official split 1, 2 or 3", DefaultValueFactory = _ => 1 };
        var frameStep = new Option<int>("--frame-step") { Description = "Keep every k-th frame, k lowered (to 3, 2, 1) while frames // k <= 16", DefaultValueFactory = _ => FrameStepRule.DefaultStep };
        var width = new Option<int>("--width") { Description = "Frame width", DefaultValueFactory = _ => C3dConfig.ReferenceFrameWidth };
        var height = new Option<int>("--height") { Description = "Frame height", DefaultValueFactory = _ => C3dConfig.ReferenceFrameHeight };
        var quality = new Option<int>("--jpeg-quality") { Description = "JPEG quality 1-100 (OpenCV's default: 95)", DefaultValueFactory = _ => 95 };
        var minFrames = new Option<int>("--min-frames") { Description = "Skip videos that give fewer frames (0: keep them, marked short)", DefaultValueFactory = _ => 0 };
        var ffmpegOnly = new Option<bool>("--ffmpeg-only") { Description = "Decode every frame with FFmpeg, also for Motion-JPEG videos (slower; by default their kept frames are decoded alone, with libjpeg-turbo)" };
        var decoder = DecoderOption.Create();
        var jobs = new Option<int>("--jobs") { Description = "Videos processed in parallel (default: number of cores + 1)", DefaultValueFactory = _ => PreprocessOptions.DefaultJobs };
        var overwrite = new Option<bool>(OutputPolicy.OverwriteOption) { Description = "Replace the output (its train/val/test folders, labels.txt and manifest.json; other files are kept) instead of refusing one made with other options or other classes" };
        var strict = new Option<bool>("--strict") { Description = "Exit 2 (some inputs bad) also for video warnings and input problems, not only for failed videos" };
        var json = new Option<bool>("--json") { Description = "Print the summary as JSON" };
        var shard = ShardOption.Create();

        var command = new Command("preprocess", "Extract frames from a folder of videos into train/val/test frame folders")
        {
            videos, output, split, seed, testFraction, valFraction, splitDir, splitIndex, frameStep, width, height, quality, minFrames, ffmpegOnly, decoder, jobs, overwrite, strict, json, shard,
        };
        command.SetAction(parse =>
        {
            // Loads FFmpeg and warms the manifest's serialiser while CommandRunner loads OpenCV: start-up is serial time on one core.
            _ = DatasetPreprocessor.Preload(VideoDecoders.Parse(parse.GetValue(decoder)!));
            return CommandRunner.RunAsync(parse, cancel => Execute(new PreprocessOptions
            {
                VideosDir = parse.GetValue(videos)!,
                OutDir = parse.GetValue(output)!,
                Split = Enum.Parse<SplitMethod>(parse.GetValue(split)!, ignoreCase: true),
                Seed = parse.GetValue(seed),
                TestFraction = parse.GetValue(testFraction),
                ValFraction = parse.GetValue(valFraction),
                SplitDir = parse.GetValue(splitDir),
                SplitIndex = parse.GetValue(splitIndex),
                FrameStep = parse.GetValue(frameStep),
                Width = parse.GetValue(width),
                Height = parse.GetValue(height),
                JpegQuality = parse.GetValue(quality),
                MinFrames = parse.GetValue(minFrames),
                MotionJpegShortcut = !parse.GetValue(ffmpegOnly),
                Decoder = DecoderOption.Resolve(parse.GetValue(decoder)!),
                Jobs = parse.GetValue(jobs),
                Overwrite = parse.GetValue(overwrite),
                Shard = parse.GetValue(shard),
            }, parse.GetValue(strict), parse.GetValue(json), cancel),
                stopping: "dropping the videos in progress; finished videos are kept and a re-run completes the rest", needsTorch: false, needsOpenCv: true);
        });
        return command;
    }

    private static async Task<int> Execute(PreprocessOptions options, bool strict, bool json, CancellationToken cancel)
    {
        PreprocessSummary summary;
        try
        {
            summary = await CommandProgress.Run(!json, "preprocess", (report, token) =>
            {
                var clock = Stopwatch.StartNew();
                var progress = new SyncProgress<PreprocessProgress>(p => report(p.VideosDone, p.VideosTotal,
                    $"{p.VideosDone}/{p.VideosTotal} videos, {p.FramesWrittenThisRun / Math.Max(clock.Elapsed.TotalSeconds, 1e-3):F0} frames/s" +
                    (p.Failed > 0 ? $", {p.Failed} failed" : "")));
                return DatasetPreprocessor.Run(options, progress, token);
            }, cancel);
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException) // the output disk: full, read-only, gone
        {
            ConsoleUi.Error($"writing {options.OutDir} failed: {e.Message}");
            return CommandRunner.Failed;
        }
        catch (OperationCanceledException)
        {
            ConsoleUi.Warning($"stopped: finished videos are kept in {options.OutDir}; run the same command again to complete it");
            return CommandRunner.Cancelled;
        }

        if (json) ConsoleUi.WriteJson(summary);
        else Print(summary);

        // A shard may own no usable video at all (say shard 7 of 7 of six videos); the merge judges the whole job.
        if (summary.Usable == 0 && options.Shard is null)
        {
            ConsoleUi.Error($"no video could be processed ({summary.Failed} failed); see the reasons above and {PreprocessManifest.PathIn(summary.OutDir, options.Shard)}");
            return CommandRunner.Failed;
        }
        // Exit 2: done, but some inputs were bad; --strict counts warnings and input problems too.
        if (strict && summary.Problems > 0)
        {
            ConsoleUi.Error($"--strict: {summary.Failures.Count} failed videos, {summary.Warnings.Count} warnings, {summary.Issues.Count} input problems");
            return CommandRunner.SomeInputsFailed;
        }
        return summary.Failed > 0 ? CommandRunner.SomeInputsFailed : CommandRunner.Ok;
    }

    private static void Print(PreprocessSummary s)
    {
        ConsoleUi.Table($"{s.OutDir} ({s.Classes.Count} classes)", ["split", "classes", "videos", "frames"],
            s.Splits.Select(x => new[] { x.Split, x.Classes.ToString(), x.Videos.ToString("N0"), x.Frames.ToString("N0") }));
        if (s.Failures.Count > 0) ConsoleUi.Table("failed videos", ["video", "reason"], s.Failures.Select(f => new[] { f.Path, f.Problem }));
        if (s.Warnings.Count > 0) ConsoleUi.Table("warnings", ["video", "warning"], s.Warnings.Select(f => new[] { f.Path, f.Problem }));
        if (s.Issues.Count > 0) ConsoleUi.Table("input problems (not processed)", ["path", "problem"], s.Issues.Select(f => new[] { f.Path, f.Problem }));
        string extra = (s.Short > 0 ? $", {s.Short} short (kept, under one clip)" : "") + (s.Skipped > 0 ? $", {s.Skipped} skipped (--min-frames)" : "")
                       + (s.NotInSplit > 0 ? $", {s.NotInSplit} in no split" : "");
        string line = $"{s.Processed} videos extracted in {s.Seconds:F1} s ({s.VideosPerSecond:F2} videos/s), {s.Resumed} already complete, {s.Failed} failed{extra}";
        if (s.Failed > 0) ConsoleUi.Warning(line);
        else ConsoleUi.Success(line);
    }
}
