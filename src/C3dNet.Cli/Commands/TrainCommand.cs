using System.CommandLine;
using System.Globalization;
using C3dNet.Cli.Ui;
using C3dNet.Outputs;
using C3dNet.Models;
using C3dNet.Runtime;
using C3dNet.Training;

namespace C3dNet.Cli.Commands;

/// <summary>
/// `c3d train --data DIR`: trains C3D with the reference's options and defaults, plus the from-scratch recipe
/// options (--optimizer adamw, --input-scale, --warmup-epochs, --clip-grad-norm, --crop-size, --resize).
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
        var batch = Opt("--batch-size", d.BatchSize, "Clips per batch");
        var optimizer = Opt("--optimizer", d.Optimizer, "sgd (the reference) or adamw (from scratch)");
        optimizer.AcceptOnlyFromAmong("sgd", "adamw");
        var lr = Opt("--lr", d.Lr, "Learning rate of conv1–fc7 (fc8: --head-lr-mult times this)");
        var momentum = Opt("--momentum", d.Momentum, "SGD momentum");
        var weightDecay = Opt("--weight-decay", d.WeightDecay, "Weight decay (SGD: L2; AdamW: decoupled)");
        var headMult = Opt("--head-lr-mult", d.HeadLrMultiplier, "fc8 learns at this multiple of --lr");
        var lrStep = Opt("--lr-step", d.LrStep, "Multiply the lr by --lr-gamma every N epochs (0: never)");
        var lrGamma = Opt("--lr-gamma", d.LrGamma, "StepLR factor");
        var warmup = Opt("--warmup-epochs", d.WarmupEpochs, "Linear lr warm-up over N epochs, batch by batch (0: none)");
        var clipNorm = new Option<double?>("--clip-grad-norm") { Description = "Clip the gradient norm to this (mmaction2: 40); default none" };
        var clipLen = Opt("--clip-len", d.ClipLength, "Frames per clip");
        var crop = Opt("--crop-size", d.CropSize, "Square crop fed to the network");
        var resize = new Option<string?>("--resize") { Description = "Frame size WxH crops are taken from; frames of another size are resized on load " +
            $"(default {C3dConfig.ReferenceFrameWidth}x{C3dConfig.ReferenceFrameHeight} scaled by crop/{C3dConfig.ReferenceCropSize})" };
        var width = Opt("--width-mult", d.WidthMultiplier, "Channel width multiplier (1 = the paper's C3D)");
        var inputScale = Opt("--input-scale", (double)d.InputScale, "Divide mean-subtracted pixels by this (1 = the reference; 64 helps from scratch)");
        var flip = Opt("--flip-prob", d.FlipProbability, "Probability of a horizontal flip of a training clip (0.5 = the reference; 0 when classes differ by left/right or clockwise/counter-clockwise motion)");
        var testEvery = Opt("--test-every", d.TestEvery, "Run the test split every N epochs (0: never)");
        var snapshotEvery = Opt("--snapshot-every", d.SnapshotEvery, "Write models/C3D-<dataset>_epoch-N.pth.tar every N epochs (0: never)");
        var valClips = Opt("--val-clips", d.ValClips, "Centre-crop clips per video in validation and test");
        var pretrained = new Option<string?>("--pretrained") { Description = "Sports-1M weights (c3d-pretrained.pth) for conv1–fc7; fc8 learns at 10x lr" };
        var resume = new Option<string?>("--resume") { Description = "Checkpoint file or run folder to continue from (ours or the reference's train.py)" };
        var device = Opt("--device", d.Device, "auto, cpu or cuda");
        device.AcceptOnlyFromAmong(DeviceSelector.Choices);
        var seed = Opt("--seed", d.Seed, "Seed for every random choice");
        var runDir = new Option<string?>("--run-dir") { Description = "Run folder (default: run/run_N, N one more than the last)" };
        var overwrite = new Option<bool>(OutputPolicy.OverwriteOption) { Description = "Start again in a --run-dir that holds an earlier run: its checkpoints, metrics, curves and TensorBoard files are replaced, other files kept (--resume continues it instead)" };
        var maxBatches = new Option<int?>("--max-batches") { Description = "Stop each phase after N batches (smoke runs)" };
        var workers = Opt("--workers", d.Workers, "Loader threads (0: half the cores, 1 to 4)");
        var datasetName = new Option<string?>("--dataset-name") { Description = "Name in snapshot file names (default: the data folder's name)" };

        var command = new Command("train", "Train C3D on a frame dataset (checkpoints, TensorBoard, metrics.jsonl, curves.png)")
        {
            data, epochs, batch, optimizer, lr, momentum, weightDecay, headMult, lrStep, lrGamma, warmup, clipNorm, clipLen, crop, resize,
            width, inputScale, flip, testEvery, snapshotEvery, valClips, pretrained, resume, device, seed, runDir, overwrite, maxBatches, workers, datasetName,
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
            var (rw, rh) = ParseSize(V(resize, nameof(TrainConfig.ResizeWidth), nameof(TrainConfig.ResizeHeight)));
            var config = new TrainConfig
            {
                Data = V(data, nameof(TrainConfig.Data)), Epochs = V(epochs, nameof(TrainConfig.Epochs)), BatchSize = V(batch, nameof(TrainConfig.BatchSize)),
                Optimizer = V(optimizer, nameof(TrainConfig.Optimizer)), Lr = V(lr, nameof(TrainConfig.Lr)), Momentum = V(momentum, nameof(TrainConfig.Momentum)),
                WeightDecay = V(weightDecay, nameof(TrainConfig.WeightDecay)), HeadLrMultiplier = V(headMult, nameof(TrainConfig.HeadLrMultiplier)),
                LrStep = V(lrStep, nameof(TrainConfig.LrStep)), LrGamma = V(lrGamma, nameof(TrainConfig.LrGamma)),
                WarmupEpochs = V(warmup, nameof(TrainConfig.WarmupEpochs)), ClipGradNorm = V(clipNorm, nameof(TrainConfig.ClipGradNorm)),
                ClipLength = V(clipLen, nameof(TrainConfig.ClipLength)), CropSize = V(crop, nameof(TrainConfig.CropSize)), ResizeWidth = rw, ResizeHeight = rh,
                WidthMultiplier = V(width, nameof(TrainConfig.WidthMultiplier)), InputScale = (float)V(inputScale, nameof(TrainConfig.InputScale)),
                FlipProbability = V(flip, nameof(TrainConfig.FlipProbability)), TestEvery = V(testEvery, nameof(TrainConfig.TestEvery)),
                SnapshotEvery = V(snapshotEvery, nameof(TrainConfig.SnapshotEvery)), ValClips = V(valClips, nameof(TrainConfig.ValClips)),
                Pretrained = V(pretrained, nameof(TrainConfig.Pretrained)), Resume = V(resume, nameof(TrainConfig.Resume)),
                Device = V(device, nameof(TrainConfig.Device)), Seed = V(seed, nameof(TrainConfig.Seed)), RunDir = V(runDir, nameof(TrainConfig.RunDir)), Overwrite = parse.GetValue(overwrite),
                MaxBatches = V(maxBatches, nameof(TrainConfig.MaxBatches)), Workers = V(workers, nameof(TrainConfig.Workers)),
                DatasetName = V(datasetName, nameof(TrainConfig.DatasetName)),
            };
            return Execute(config with { Given = given }, cancel);
        }, stopping: "finishing this batch and writing last.pth.tar", needsOpenCv: true));
        return command;
    }

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
