using System.CommandLine;
using C3dNet.Checkpoints;
using C3dNet.Cli.Ui;
using C3dNet.Datasets;
using C3dNet.Models;
using C3dNet.Outputs;
using C3dNet.Runtime;

namespace C3dNet.Cli.Commands;

/// <summary>
/// `c3d init`: writes a fresh checkpoint of C3D or a torchvision video ResNet (<c>--arch</c>; random init as the
/// architecture's own, or pretrained weights for everything below the classifier: Sports-1M for C3D, a torchvision
/// state_dict for the ResNets) with class names and model config, e.g. to start fine-tuning or to hand a model to PyTorch.
/// </summary>
internal static class InitCommand
{
    public static Command Create()
    {
        var arch = ArchOption();
        var output = new Option<string>("--out") { Description = "Checkpoint file to write (.pth.tar)", Required = true };
        var classes = new Option<int?>("--classes") { Description = "Number of classes (or give --labels)" };
        var labels = new Option<string?>("--labels") { Description = "Class list, '1 ClassName' per line (e.g. shared UCF101 labels)" };
        var width = new Option<double>("--width-mult") { Description = "Channel-width multiplier (1.0 = the paper's C3D)", DefaultValueFactory = _ => 1.0 };
        var clip = new Option<int>("--clip-len") { Description = "Frames per clip", DefaultValueFactory = _ => C3dConfig.ReferenceClipLength };
        var crop = new Option<int>("--crop-size") { Description = "Square crop fed to the network", DefaultValueFactory = _ => C3dConfig.ReferenceCropSize };
        var pretrained = new Option<string?>("--pretrained") { Description = "Initial weights below the classifier: Sports-1M c3d-pretrained.pth (conv1–fc7) for C3D, a torchvision state_dict (all but fc) for the ResNets" };
        var seed = new Option<long>("--seed") { Description = "Seed for the random initialisation", DefaultValueFactory = _ => 42 };
        var overwrite = new Option<bool>(OutputPolicy.OverwriteOption) { Description = "Replace --out if it exists (never when it is --pretrained or --labels)" };
        var command = new Command("init", "Write a fresh checkpoint (C3D or a video ResNet; random or pretrained) that PyTorch and c3d can load")
            { arch, output, classes, labels, width, clip, crop, pretrained, seed, overwrite };
        command.SetAction(parse => CommandRunner.Run(parse, _ =>
        {
            string path = parse.GetValue(output)!;
            OutputPolicy.CheckFile(path, parse.GetValue(overwrite), new[] { parse.GetValue(pretrained), parse.GetValue(labels) }.OfType<string>());
            IReadOnlyList<string>? names = parse.GetValue(labels) is { } labelPath ? LabelFile.Read(labelPath) : null;
            int numClasses = parse.GetValue(classes) ?? names?.Count
                ?? throw new ArgumentException("give --classes N or --labels FILE");
            if (names is not null && names.Count != numClasses)
                throw new ArgumentException($"--classes {numClasses} disagrees with {names.Count} classes in {parse.GetValue(labels)}");
            Seeding.SeedTorch(parse.GetValue(seed));
            int cropSize = parse.GetValue(crop);
            var (frameWidth, frameHeight) = C3dConfig.FrameSizeFor(cropSize);
            // Validated as the loader checks every checkpoint, so init never writes one that predict cannot run.
            string architecture = parse.GetValue(arch)!;
            var config = (architecture == C3dConfig.C3dArchitecture
                ? new C3dConfig
                {
                    NumClasses = numClasses, WidthMultiplier = parse.GetValue(width),
                    ClipLength = parse.GetValue(clip), CropSize = cropSize, ResizeWidth = frameWidth, ResizeHeight = frameHeight,
                }
                : C3dConfig.ForVideoResNet(architecture, numClasses, ModelInput.Kinetics400 with
                {
                    ClipLength = parse.GetValue(clip), CropSize = cropSize, ResizeWidth = frameWidth, ResizeHeight = frameHeight,
                }) with { WidthMultiplier = parse.GetValue(width) }).Validated();
            using var model = ClipNetworks.Create(config);
            if (parse.GetValue(pretrained) is { } weightsPath)
            {
                using var weights = CheckpointLoader.Load(weightsPath, CheckpointUse.Backbone);
                if (weights.ModelConfig.Architecture != config.Architecture)
                    throw new ArgumentException($"{weightsPath}: holds {weights.ModelConfig.Architecture} weights, not {config.Architecture} (--arch)");
                weights.LoadInto(model, weightsPath, backboneOnly: true);
            }
            using var ckpt = C3dCheckpoint.FromModel(model, epoch: 0, classNames: names);
            ckpt.Save(path);
            ConsoleUi.Success($"wrote {path}: {(config.IsC3d ? "C3D" : config.Architecture)}, {ckpt.ParameterCount:N0} parameters, {numClasses} classes");
            return CommandRunner.Ok;
        }, stopping: null)); // seconds of work, written atomically: Ctrl-C ends it at once
        return command;
    }

    /// <summary>`--arch c3d|r3d_18|mc3_18|r2plus1d_18` where a model is created (init, train); C3D by default.</summary>
    public static Option<string> ArchOption()
    {
        var arch = new Option<string>("--arch")
        {
            Description = "Architecture: c3d, or torchvision's r3d_18, mc3_18, r2plus1d_18 (Kinetics-400 input: RGB, 15 fps, mean/std)",
            DefaultValueFactory = _ => C3dConfig.C3dArchitecture,
        };
        arch.AcceptOnlyFromAmong([.. C3dConfig.Architectures]);
        return arch;
    }
}
