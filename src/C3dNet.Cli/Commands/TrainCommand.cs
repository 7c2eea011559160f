using System.CommandLine;
using System.Globalization;
using C3dNet.Cli.Ui;
using C3dNet.Outputs;
using C3dNet.Models;
using C3dNet.Runtime;
using C3dNet.Training;

namespace C3dNet.Cli.Commands;

/// <summary>
/// `c3d train --data DIR`: trains C3D (or a video ResNet: --arch, or the architecture of a --pretrained file) with the options of a recipe (--recipe: reference for fine-tuning, scratch from scratch;
/// TrainingRecipe), each option given explicitly winning over the recipe.
/// Ctrl-C finishes the batch, writes last.pth.tar, prints the command that resumes, and exits with 130; that command
/// (--resume RUN) takes every option from the run's saved config, except those it gives itself.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var d = new TrainConfig { Data = "" };
        var data = new Option<string>("--data") { Description = "Frame dataset folder (output of c3d preprocess)", Required = true };
        var epochs = Opt("--epochs", d.Epochs, "Epochs to train (in all, counting those a resumed run has done)");
        var recipe = Opt("--recipe", d.Recipe, "auto (reference with --pretrained or --resume, else scratch), " +
            $"reference (for fine-tuning: {TrainingRecipe.Reference.Summary()}) or scratch ({TrainingRecipe.Scratch.Summary()}). Options given explicitly win over the recipe");
        recipe.AcceptOnlyFromAmong(TrainingRecipe.Choices);
        // The recipe's options have no fixed default: the recipe sets those not given (TrainingRecipe).
        var batch = FromRecipe<int>("--batch-size", "Clips per batch");
        var optimizer = FromRecipe<string>("--optimizer", "sgd (the reference) or adamw (from scratch)");
        optimizer.AcceptOnlyFromAmong("sgd", "adamw");
        var lr = FromRecipe<double>("--lr", "Learning rate of the backbone (C3D conv1–fc7, a ResNet all but fc; the classifier: --head-lr-mult times this)");
        var momentum = FromRecipe<double>("--momentum", "SGD momentum");
        var weightDecay = FromRecipe<double>("--weight-decay", "Weight decay (SGD: L2; AdamW: decoupled)");
        var headMult = FromRecipe<double>("--head-lr-mult", "The classifier (fc8, or fc) learns at this multiple of --lr");
        var lrStep = FromRecipe<int>("--lr-step", "Multiply the lr by --lr-gamma every N epochs (0: never)");
        var lrGamma = FromRecipe<double>("--lr-gamma", "StepLR factor");
        var warmup = FromRecipe<double>("--warmup-epochs", "Linear lr warm-up over N epochs, batch by batch (0: none)");
        var clipNorm = FromRecipe<double>("--clip-grad-norm", "Clip the gradient norm to this (mmaction2: 40; 0: no clipping)");
        var clipLen = Opt("--clip-len", d.ClipLength, "Frames per clip");
        var crop = Opt("--crop-size", d.CropSize, "Square crop fed to the network");
        var resize = new Option<string?>("--resize") { Description = "Frame size WxH crops are taken from; frames of another size are resized on load " +
            $"(default {C3dConfig.ReferenceFrameWidth}x{C3dConfig.ReferenceFrameHeight} scaled by crop/{C3dConfig.ReferenceCropSize})" };
        var width = Opt("--width-mult", d.WidthMultiplier, "Channel width multiplier (1 = the paper's C3D)");
        var inputScale = FromRecipe<double>("--input-scale", "Divide mean-subtracted pixels by this (1 = the reference; 64 helps from scratch)");
        var flip = Opt("--flip-prob", d.FlipProbability, "Probability of a horizontal flip of a training clip (0.5 = the reference; 0 when classes differ by left/right or clockwise/counter-clockwise motion)");
        var testEvery = Opt("--test-every", d.TestEvery, "Run the test split every N epochs (0: never)");
        var snapshotEvery = Opt("--snapshot-every", d.SnapshotEvery, "Write models/C3D-<dataset>_epoch-N.pth.tar every N epochs (0: never)");
        var valClips = Opt("--val-clips", d.ValClips, "Centre-crop clips per video in validation and test");
        var arch = InitCommand.ArchOption();
        var pretrained = new Option<string?>("--pretrained") { Description = "Weights to fine-tune, all but the classifier (a new one for the data's classes, at --head-lr-mult x lr): " +
            "Sports-1M c3d-pretrained.pth (conv1–fc7), a c3d checkpoint, or a torchvision r3d_18/mc3_18/r2plus1d_18 state_dict (its architecture is the file's)" };
        var resume = new Option<string?>("--resume") { Description = "Checkpoint file or run folder to continue from (ours or the reference's train.py)" };
        var device = Opt("--device", d.Device, "auto, cpu or cuda");
        device.AcceptOnlyFromAmong(DeviceSelector.Choices);
        var seed = Opt("--seed", d.Seed, "Seed for every random choice");
        var runDir = new Option<string?>("--run-dir") { Description = "Run folder (default: run/run_N, N one more than the last)" };
        var overwrite = new Option<bool>(OutputPolicy.OverwriteOption) { Description = "Start again in a --run-dir that holds an earlier run: its checkpoints, metrics, curves and TensorBoard files are replaced, other files kept (--resume continues it instead)" };
        var maxBatches = new Option<int?>("--max-batches") { Description = "Stop each phase after N batches (smoke runs)" };
        var workers = Opt("--workers", d.Workers, "Loader threads (0: half the cores, 1 to 4)");
        var datasetName = new Option<string?>("--dataset-name") { Description = "Name in snapshot file names (default: the data folder's name)" };
        // Frozen backbone (C3dNet.Training.FrozenBackbone).
        var freeze = new Option<bool>("--freeze-backbone") { Description = "Keep conv1–conv5b fixed (eval mode, no gradients) and train only fc6–fc8, on pool5 features computed once into a feature cache and reused every epoch" };
        var trainLayers = new Option<string?>("--train-layers") { Description = "The head layers that train, comma-separated (e.g. fc8; implies --freeze-backbone; default: fc6,fc7,fc8)" };
        var cacheClips = Opt("--cache-clips", d.CacheClips, "Frozen backbone: clip variants (start, crop, flip) cached per training video; each epoch draws one per video");
        var cacheDir = new Option<string?>("--cache-dir") { Description = "Frozen backbone: feature cache folder, to share it between runs (default: RUN/feature-cache); rebuilt when data, backbone weights or clip settings differ" };
        var noCache = new Option<bool>("--no-feature-cache") { Description = "Frozen backbone: run the backbone live on every batch, on the clips the cache would hold (slow; for checking the cache)" };

        var command = new Command("train", "Train C3D (or a video ResNet, --arch) on a frame dataset (checkpoints, TensorBoard, metrics.jsonl, curves.png)")
        {
            data, arch, epochs, recipe, batch, optimizer, lr, momentum, weightDecay, headMult, lrStep, lrGamma, warmup, clipNorm, clipLen, crop, resize,
            width, inputScale, flip, testEvery, snapshotEvery, valClips, pretrained, resume, device, seed, runDir, overwrite, maxBatches, workers, datasetName,
            freeze, trainLayers, cacheClips, cacheDir, noCache,
        };
        command.SetAction(parse => CommandRunner.Run(parse, cancel =>
        {
            // The options given on this command line; on --resume the others come from the saved run (TrainConfig.Given).
            var given = new HashSet<string>();
            T V<T>(Option<T> option, params string[] properties)
            {
                if (parse.GetResult(option) is { Implicit: false }) given.UnionWith(properties);
                return parse.GetValue(option)!;
            }
            // A recipe option not given takes TrainConfig's placeholder here; TrainingRecipe replaces it when the run starts.
            T R<T>(Option<T> option, string property, T placeholder)
            {
                if (parse.GetResult(option) is not { Implicit: false }) return placeholder;
                given.Add(property);
                return parse.GetValue(option)!;
            }
            var (rw, rh) = ParseSize(V(resize, nameof(TrainConfig.ResizeWidth), nameof(TrainConfig.ResizeHeight)));
            var config = new TrainConfig
            {
                Data = V(data, nameof(TrainConfig.Data)), Epochs = V(epochs, nameof(TrainConfig.Epochs)), Recipe = V(recipe, nameof(TrainConfig.Recipe)),
                BatchSize = R(batch, nameof(TrainConfig.BatchSize), d.BatchSize), Optimizer = R(optimizer, nameof(TrainConfig.Optimizer), d.Optimizer),
                Lr = R(lr, nameof(TrainConfig.Lr), d.Lr), Momentum = R(momentum, nameof(TrainConfig.Momentum), d.Momentum),
                WeightDecay = R(weightDecay, nameof(TrainConfig.WeightDecay), d.WeightDecay),
                HeadLrMultiplier = R(headMult, nameof(TrainConfig.HeadLrMultiplier), d.HeadLrMultiplier),
                LrStep = R(lrStep, nameof(TrainConfig.LrStep), d.LrStep), LrGamma = R(lrGamma, nameof(TrainConfig.LrGamma), d.LrGamma),
                WarmupEpochs = R(warmup, nameof(TrainConfig.WarmupEpochs), d.WarmupEpochs),
                ClipGradNorm = R(clipNorm, nameof(TrainConfig.ClipGradNorm), d.ClipGradNorm ?? 0) is var norm && norm == 0 ? null : norm,
                ClipLength = V(clipLen, nameof(TrainConfig.ClipLength)), CropSize = V(crop, nameof(TrainConfig.CropSize)), ResizeWidth = rw, ResizeHeight = rh,
                WidthMultiplier = V(width, nameof(TrainConfig.WidthMultiplier)), InputScale = (float)R(inputScale, nameof(TrainConfig.InputScale), d.InputScale),
                FlipProbability = V(flip, nameof(TrainConfig.FlipProbability)), TestEvery = V(testEvery, nameof(TrainConfig.TestEvery)),
                SnapshotEvery = V(snapshotEvery, nameof(TrainConfig.SnapshotEvery)), ValClips = V(valClips, nameof(TrainConfig.ValClips)),
                Architecture = V(arch, nameof(TrainConfig.Architecture)), Pretrained = V(pretrained, nameof(TrainConfig.Pretrained)), Resume = V(resume, nameof(TrainConfig.Resume)),
                Device = V(device, nameof(TrainConfig.Device)), Seed = V(seed, nameof(TrainConfig.Seed)), RunDir = V(runDir, nameof(TrainConfig.RunDir)), Overwrite = parse.GetValue(overwrite),
                MaxBatches = V(maxBatches, nameof(TrainConfig.MaxBatches)), Workers = V(workers, nameof(TrainConfig.Workers)),
                DatasetName = V(datasetName, nameof(TrainConfig.DatasetName)),
                FreezeBackbone = V(freeze, nameof(TrainConfig.FreezeBackbone)), TrainLayers = V(trainLayers, nameof(TrainConfig.TrainLayers)),
                CacheClips = V(cacheClips, nameof(TrainConfig.CacheClips)), CacheDir = V(cacheDir, nameof(TrainConfig.CacheDir)),
                CacheFeatures = !V(noCache, nameof(TrainConfig.CacheFeatures)),
            };
            return Execute(config with { Given = given }, cancel);
        }, stopping: "finishing this batch and writing last.pth.tar", needsOpenCv: true));
        return command;
    }

    private static Option<T> FromRecipe<T>(string name, string description) =>
        new(name) { Description = description + " [default: from --recipe]" };

    private static Option<T> Opt<T>(string name, T defaultValue, string description) =>
        new(name) { Description = description, DefaultValueFactory = _ => defaultValue };

    private static (int?, int?) ParseSize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return (null, null);
        var parts = text.ToLowerInvariant().Split('x');
        if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int w) &&
            int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out int h) && w > 0 && h > 0)
            return (w, h);
        throw new ArgumentException($"--resize expects WIDTHxHEIGHT such as 171x128, got '{text}'");
    }

    private static int Execute(TrainConfig config, CancellationToken cancel)
    {
        var result = TrainingView.Show(view => Trainer.Run(config, view, cancel));
        foreach (var f in result.Failures) ConsoleUi.Warning($"left out: {f.Video}: {f.Message}");
        if (result.Interrupted)
        {
            ConsoleUi.Warning($"interrupted during epoch {result.EpochsCompleted + 1}: saved {result.LastCheckpoint}");
            // Every other option comes back from the run's saved config (TrainConfig.ContinuingFrom).
            ConsoleUi.WriteText($"resume with: ./c3d train --data {Quote(config.Data)} --resume {Quote(result.RunDir)}\n"); // unwrapped, to copy and paste
            return CommandRunner.Cancelled;
        }
        ConsoleUi.Success($"done: {result.EpochsCompleted} epochs; last {result.LastCheckpoint}" +
                          (result.BestCheckpoint is null ? "" : $"; best {result.BestCheckpoint} (val acc {result.BestValAccuracy:F3})"));
        ConsoleUi.Info($"TensorBoard: tensorboard --logdir {Quote(result.RunDir)}");
        return CommandRunner.Ok;
    }

    /// <summary>A path as one shell word (single-quoted unless it is plain).</summary>
    private static string Quote(string s) =>
        s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || "/._-+=:,@".Contains(c)) ? s : "'" + s.Replace("'", "'\\''") + "'";
}
