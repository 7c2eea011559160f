using System.CommandLine;
using System.Globalization;
using C3dNet.Checkpoints;
using C3dNet.Cli.Ui;
using C3dNet.Datasets;
using C3dNet.Inference;
using C3dNet.Outputs;
using C3dNet.Runtime;
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
        int? BatchSize, string Out, bool Overwrite, string Precision, string Device, double? Fps);

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
        var command = new Command("features", "Extract features per clip and per video (.npy): C3D's fc6/fc7, a video ResNet's pooled 512-d vector")
        {
            inputs, checkpoint, pretrained, layer, stride, frameStep, batch, outDir, overwrite, precision, device, fps,
        };
        command.SetAction(parse => CommandRunner.Run(parse, cancel => Execute(new Args(
            parse.GetValue(inputs) ?? [], parse.GetValue(checkpoint), parse.GetValue(pretrained), parse.GetValue(layer), parse.GetValue(stride),
            parse.GetValue(frameStep), parse.GetValue(batch), parse.GetValue(outDir)!, parse.GetValue(overwrite), parse.GetValue(precision)!, parse.GetValue(device)!,
            parse.GetValue(fps)), cancel), stopping: "stopping after this clip batch", needsOpenCv: true));
        return command;
    }

    private static int Execute(Args a, CancellationToken cancel)
    {
        if ((a.Checkpoint is null) == (a.Pretrained is null)) throw new ArgumentException("give one of --checkpoint FILE and --pretrained FILE");
        if (a.BatchSize < 1) throw new ArgumentException($"--batch-size must be at least 1, got {a.BatchSize}");
        string weights = (a.Checkpoint ?? a.Pretrained)!;
        var items = InputPaths.Expand(a.Inputs);
        var names = OutputNames.Unique(items.Select(i => i.Path));
        // Every file this run writes is checked before any work: earlier results are replaced only with --overwrite.
        string[] inputs = [.. items.Select(i => i.Path), weights];
        OutputPolicy.CheckFolder(a.Out, []);
        using var checkpoint = CheckpointLoader.Load(weights, CheckpointUse.Backbone);
        string layerName = a.Layer ?? FeatureExtractor.DefaultLayer(checkpoint.ModelConfig);
        OutputPolicy.CheckFiles(names.Select(n => FeatureExtractor.FileNames(n, layerName)).SelectMany(f => new[] { f.Clips, f.Video }).Append(FeatureIndex.FileName).Select(f => Path.Combine(a.Out, f)),
            a.Overwrite, inputs);
        var device = DeviceSelector.Resolve(a.Device);
        if (Bf16Support.Warning(InferencePrecisions.Parse(a.Precision), device) is { } slow) ConsoleUi.Warning(slow);
        if (a.Pretrained is not null && checkpoint.Kind != CheckpointKind.Pretrained)
            ConsoleUi.Warning($"{weights}: is a training checkpoint, not Sports-1M weights; using it as such");
        using var model = ClipModel.FromCheckpoint(checkpoint, weights, device, InferencePrecisions.Parse(a.Precision));
        int stride = a.Stride ?? model.Config.ClipLength;
        var settings = SamplingSettings.For(model.Config, stride, a.FrameStep, a.Fps);
        var extractor = new FeatureExtractor(model, settings, InferenceBatchSize.Resolve(a.BatchSize, device, model.Config.WidthMultiplier), layerName);
        OutputPolicy.CreateFolder(a.Out);

        var entries = new List<FeatureEntry>();
        var failures = new List<FeatureFailure>();
        for (int i = 0; i < items.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            try
            {
                var run = extractor.Extract(items[i], null, cancel);
                foreach (var w in run.Warnings) ConsoleUi.Warning(w);
                entries.Add(extractor.Save(run, a.Out, names[i]));
            }
            // A bad input is reported and skipped; an output that cannot be written (OutputException) stops the run.
            catch (Exception e) when (e is not OutputException && e is VideoReadException or FrameReadException or InvalidDataException or IOException
                                          or UnauthorizedAccessException or OpenCVException)
            {
                ConsoleUi.Error(e.Message);
                failures.Add(new FeatureFailure(items[i].Path, e.Message));
            }
        }
        new FeatureIndex(layerName, extractor.Width, weights, model.Config.ClipLength, stride, entries, failures).Save(a.Out);
        ConsoleUi.Table($"{layerName} features ({extractor.Width} wide) in {a.Out}", ["input", "clips", "clips file", "video file"],
            entries.Select(e => new[] { e.Input, e.Clips.ToString(CultureInfo.InvariantCulture), e.ClipsFile, e.VideoFile }));
        if (failures.Count > 0) ConsoleUi.Warning($"{failures.Count} of {items.Count} inputs failed (listed under \"failed\" in {FeatureIndex.FileName})");
        return CommandRunner.ForInputs(items.Count, failures.Count);
    }
}
