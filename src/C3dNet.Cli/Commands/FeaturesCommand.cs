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
/// `c3d features INPUT... (--checkpoint FILE | --pretrained FILE) --out DIR`: C3D fc6/fc7 features per
/// clip and per video as .npy files plus index.json.
/// </summary>
internal static class FeaturesCommand
{
    private sealed record Args(string[] Inputs, string? Checkpoint, string? Pretrained, string? Layer, int? Stride, int? FrameStep,
        int? BatchSize, string Out, bool Overwrite, string Precision, string Device, double? Fps, string Decoder, ShardSpec? Shard);

    /// <summary>The job name in features shard records.</summary>
    public const string ShardJob = "features";

    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs") { Description = "Video files, frame folders (00001.jpg …) or glob patterns", Arity = ArgumentArity.OneOrMore };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "A checkpoint (.pth.tar) or torchvision video ResNet weights (.pth)" };
        var pretrained = new Option<string?>("--pretrained") { Description = "Sports-1M C3D weights (c3d-pretrained.pth; no fc8 needed)" };
        var layer = new Option<string?>("--layer") { Description = "C3D: fc6 (default) or fc7, after ReLU; r3d_18/mc3_18/r2plus1d_18: pool (the 512-d vector before fc)" };
        layer.AcceptOnlyFromAmong(FeatureExtractor.Layers);
        var stride = new Option<int?>("--stride") { Description = "Sampled frames between clip starts (default: the clip length, so clips do not overlap)" };
        var frameStep = new Option<int?>("--frame-step") { Description = "Keep every k-th video frame (default: the checkpoint's)" };
        var batch = InferenceOptions.BatchSize();
        var outDir = new Option<string>("--out") { Description = "Folder for the .npy files and index.json", Required = true };
        var overwrite = new Option<bool>(OutputPolicy.OverwriteOption) { Description = "Replace index.json and .npy files of the same names in --out (other files there are kept)" };
        var precision = new Option<string>("--precision") { Description = "fp32 or bf16", DefaultValueFactory = _ => "fp32" };
        precision.AcceptOnlyFromAmong(InferencePrecisions.Choices);
        var device = new Option<string>("--device") { Description = "auto, cpu or cuda", DefaultValueFactory = _ => "auto" };
        device.AcceptOnlyFromAmong(DeviceSelector.Choices);
        var fps = new Option<double?>("--fps") { Description = "Frame rate of frame folders (recorded in index.json)" };
        var decoder = DecoderOption.Create();
        var shard = ShardOption.Create();
        var command = new Command("features", "Extract features per clip and per video (.npy): C3D's fc6/fc7, a video ResNet's pooled 512-d vector")
        {
            inputs, checkpoint, pretrained, layer, stride, frameStep, batch, outDir, overwrite, precision, device, fps, decoder, shard,
        };
        command.SetAction(parse => CommandRunner.Run(parse, cancel => Execute(new Args(
            parse.GetValue(inputs) ?? [], parse.GetValue(checkpoint), parse.GetValue(pretrained), parse.GetValue(layer), parse.GetValue(stride),
            parse.GetValue(frameStep), parse.GetValue(batch), parse.GetValue(outDir)!, parse.GetValue(overwrite), parse.GetValue(precision)!, parse.GetValue(device)!,
            parse.GetValue(fps), parse.GetValue(decoder)!, parse.GetValue(shard)), cancel), stopping: "stopping after this clip batch", needsOpenCv: true));
        return command;
    }

    private static int Execute(Args a, CancellationToken cancel)
    {
        if ((a.Checkpoint is null) == (a.Pretrained is null)) throw new ArgumentException("give one of --checkpoint FILE and --pretrained FILE");
        if (a.BatchSize < 1) throw new ArgumentException($"--batch-size must be at least 1, got {a.BatchSize}");
        string weights = (a.Checkpoint ?? a.Pretrained)!;
        var items = InputPaths.Expand(a.Inputs);
        // Names over the full input list, so the shards' .npy files never collide; a shard then does its own inputs only.
        var names = OutputNames.Unique(items.Select(i => i.Path));
        var (record, mine) = ShardAssignment.Select(ShardJob, a.Shard, items.Select(i => i.Path).ToList(),
            $"layer={a.Layer} weights={Path.GetFullPath(weights)} stride={a.Stride} frame_step={a.FrameStep} fps={a.Fps} precision={a.Precision}");
        string indexPath = record is null ? Path.Combine(a.Out, FeatureIndex.FileName) : ShardFiles.PathFor(a.Out, FeatureIndex.FileName, record.Spec);
        // Every file this run writes is checked before any work: earlier results are replaced only with --overwrite,
        // or when they are this shard's own from an earlier try of the same shard (its record says so).
        string[] inputs = [.. items.Select(i => i.Path), weights];
        OutputPolicy.CheckFolder(a.Out, []);
        var device = DeviceSelector.Resolve(a.Device);
        if (Bf16Support.Warning(InferencePrecisions.Parse(a.Precision), device) is { } slow) ConsoleUi.Warning(slow);
        using var recognizer = ActionRecognizer.LoadForFeatures(weights, new RecognizerOptions
        {
            Device = a.Device, Precision = InferencePrecisions.Parse(a.Precision), BatchSize = a.BatchSize, FrameStep = a.FrameStep, FolderFps = a.Fps,
            Decoder = DecoderOption.Resolve(a.Decoder),
        });
        var features = new FeatureOptions { Layer = a.Layer, Stride = a.Stride };
        string layerName = recognizer.FeatureLayer(features);
        OutputPolicy.CheckFiles(mine.Select(i => FeatureExtractor.FileNames(names[i], layerName)).SelectMany(f => new[] { f.Clips, f.Video }).Select(f => Path.Combine(a.Out, f)).Append(indexPath),
            a.Overwrite || record?.RanBefore(a.Out) == true, inputs);
        if (a.Pretrained is not null && recognizer.Kind != CheckpointKind.Pretrained)
            ConsoleUi.Warning($"{weights}: is a training checkpoint, not Sports-1M weights; using it as such");
        int stride = recognizer.FeatureSampling(features).Stride;
        OutputPolicy.CreateFolder(a.Out);
        record?.Save(a.Out);

        var entries = new List<FeatureEntry>();
        var failures = new List<FeatureFailure>();
        foreach (int i in mine)
        {
            cancel.ThrowIfCancellationRequested();
            try
            {
                var clips = recognizer.ExtractFeatures(items[i], features, null, cancel);
                foreach (var w in clips.Warnings) ConsoleUi.Warning(w);
                entries.Add(clips.Save(a.Out, names[i]));
            }
            // A bad input is reported and skipped; an output that cannot be written (OutputException) stops the run.
            catch (Exception e) when (e is not OutputException && e is VideoReadException or FrameReadException or InvalidDataException or IOException
                                          or UnauthorizedAccessException or OpenCVException)
            {
                ConsoleUi.Error(e.Message);
                failures.Add(new FeatureFailure(items[i].Path, e.Message));
            }
        }
        new FeatureIndex(layerName, recognizer.FeatureWidth, weights, recognizer.ClipLength, stride, entries, failures).SaveAs(indexPath);
        record?.Completed().Save(a.Out); // last: every output of the shard is written
        ConsoleUi.Table($"{layerName} features ({recognizer.FeatureWidth} wide) in {a.Out}", ["input", "clips", "clips file", "video file"],
            entries.Select(e => new[] { e.Input, e.Clips.ToString(CultureInfo.InvariantCulture), e.ClipsFile, e.VideoFile }));
        if (failures.Count > 0) ConsoleUi.Warning($"{failures.Count} of {mine.Length} inputs failed (listed under \"failed\" in {indexPath})");
        // A shard whose every input failed is still done (exit 2): the merge judges the whole job.
        return record is not null && failures.Count > 0 ? CommandRunner.SomeInputsFailed : CommandRunner.ForInputs(mine.Length, failures.Count);
    }
}
