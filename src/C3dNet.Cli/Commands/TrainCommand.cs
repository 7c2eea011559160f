using System.CommandLine;
using System.Globalization;
using System.Runtime.InteropServices;
using C3dNet.Cli.Ui;
using C3dNet.Models;
using C3dNet.Runtime;
using C3dNet.Training;

namespace C3dNet.Cli.Commands;

/// <summary>
/// `c3d train --data DIR`: trains C3D with the reference's options and defaults, plus the from-scratch recipe
/// options (--optimizer adamw, --input-scale, --warmup-epochs, --clip-grad-norm, --crop-size, --resize).
/// Ctrl-C finishes the batch, writes last.pth.tar, prints the command that resumes, and exits with 130.
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
        var maxBatches = new Option<int?>("--max-batches") { Description = "Stop each phase after N batches (smoke runs)" };
        var workers = Opt("--workers", d.Workers, "Loader threads (0: half the cores, 1 to 4)");
        var datasetName = new Option<string?>("--dataset-name") { Description = "Name in snapshot file names (default: the data folder's name)" };

        var command = new Command("train", "Train C3D on a frame dataset (checkpoints, TensorBoard, metrics.jsonl, curves.png)")
        {
            data, epochs, batch, optimizer, lr, momentum, weightDecay, headMult, lrStep, lrGamma, warmup, clipNorm, clipLen, crop, resize,
            width, inputScale, flip, testEvery, snapshotEvery, valClips, pretrained, resume, device, seed, runDir, maxBatches, workers, datasetName,
        };
        command.SetAction(parse => CommandRunner.Run(() =>
        {
            var (rw, rh) = ParseSize(parse.GetValue(resize));
            var config = new TrainConfig
            {
                Data = parse.GetValue(data)!, Epochs = parse.GetValue(epochs), BatchSize = parse.GetValue(batch),
                Optimizer = parse.GetValue(optimizer)!, Lr = parse.GetValue(lr), Momentum = parse.GetValue(momentum),
                WeightDecay = parse.GetValue(weightDecay), HeadLrMultiplier = parse.GetValue(headMult), LrStep = parse.GetValue(lrStep),
                LrGamma = parse.GetValue(lrGamma), WarmupEpochs = parse.GetValue(warmup), ClipGradNorm = parse.GetValue(clipNorm),
                ClipLength = parse.GetValue(clipLen), CropSize = parse.GetValue(crop), ResizeWidth = rw, ResizeHeight = rh,
                WidthMultiplier = parse.GetValue(width), InputScale = (float)parse.GetValue(inputScale), FlipProbability = parse.GetValue(flip), TestEvery = parse.GetValue(testEvery),
                SnapshotEvery = parse.GetValue(snapshotEvery), ValClips = parse.GetValue(valClips), Pretrained = parse.GetValue(pretrained),
                Resume = parse.GetValue(resume), Device = parse.GetValue(device)!, Seed = parse.GetValue(seed), RunDir = parse.GetValue(runDir),
                MaxBatches = parse.GetValue(maxBatches), Workers = parse.GetValue(workers), DatasetName = parse.GetValue(datasetName),
            };
            return Execute(config);
        }, needsOpenCv: true));
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

    private static int Execute(TrainConfig config)
    {
        using var stop = new CancellationTokenSource();
        void OnSignal(PosixSignalContext ctx)
        {
            if (stop.IsCancellationRequested) return; // a second Ctrl-C ends the process the usual way
            ctx.Cancel = true;
            stop.Cancel();
            ConsoleUi.Warning("stopping: finishing this batch and writing last.pth.tar (Ctrl-C again to abort at once)");
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);

        TrainResult result;
        try
        {
            result = TrainingView.Show(view => Trainer.Run(config, view, stop.Token));
        }
        catch (TrainingDivergedException e)
        {
            ConsoleUi.Error(e.Message);
            return CommandRunner.Failed;
        }
        foreach (var f in result.Failures) ConsoleUi.Warning($"left out: {f.Video}: {f.Message}");
        if (result.Interrupted)
        {
            ConsoleUi.Warning($"interrupted during epoch {result.EpochsCompleted + 1}: saved {result.LastCheckpoint}");
            ConsoleUi.Info($"resume with: ./c3d train --data {Quote(config.Data)} --resume {Quote(result.RunDir)}" +
                           (config.Epochs != new TrainConfig { Data = "" }.Epochs ? $" --epochs {config.Epochs}" : ""));
            return CommandRunner.Cancelled;
        }
        ConsoleUi.Success($"done: {result.EpochsCompleted} epochs; last {result.LastCheckpoint}" +
                          (result.BestCheckpoint is null ? "" : $"; best {result.BestCheckpoint} (val acc {result.BestValAccuracy:F3})"));
        ConsoleUi.Info($"TensorBoard: tensorboard --logdir {Quote(result.RunDir)}");
        return CommandRunner.Ok;
    }

    private static string Quote(string s) => s.Contains(' ') ? $"\"{s}\"" : s;
}
