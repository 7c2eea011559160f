using C3dNet.Outputs;
using System.Diagnostics;
using C3dNet.Checkpoints;
using C3dNet.Datasets;
using C3dNet.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace C3dNet.Training;

/// <summary>
/// Trains a clip network (C3D, or a video ResNet: <see cref="TrainConfig.Architecture"/>) as the reference's train.py does (each epoch: train, then validate; test every N epochs;
/// snapshots), but with the scheduler stepping after the optimizer, deterministic evaluation clips, exact
/// resume, a NaN guard and a clean stop on cancellation: the current batch finishes, last.pth.tar records
/// the position inside the epoch, and the run can be resumed from there as if never interrupted.
/// BatchNorm (the ResNets) uses batch statistics and updates its running ones in training, and the running ones in
/// validation and test, as PyTorch's train()/eval() do. No console I/O: everything is reported through <see cref="IProgress{T}"/>.
/// </summary>
internal sealed class Trainer
{
    private readonly TrainingSetup s;
    private readonly IProgress<TrainProgress>? progress;
    private readonly CancellationToken cancellation;
    private double? bestValAccuracy;
    private long batchesTrained; // in this process, for the test seam

    private Trainer(TrainingSetup setup, IProgress<TrainProgress>? progress, CancellationToken cancellation)
    {
        s = setup;
        this.progress = progress;
        this.cancellation = cancellation;
        bestValAccuracy = setup.BestValAccuracy;
    }

    /// <summary>Runs training to <see cref="TrainConfig.Epochs"/> or until cancelled (then <see cref="TrainResult.Interrupted"/>).</summary>
    /// <exception cref="TrainingDivergedException">The loss became NaN or infinite.</exception>
    public static TrainResult Run(TrainConfig config, IProgress<TrainProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        using var setup = TrainingSetup.Create(config);
        return new Trainer(setup, progress, cancellationToken).Loop();
    }

    private TrainResult Loop()
    {
        var c = s.Config;
        progress?.Report(new TrainNotice(s.RecipeLine, IsWarning: false));
        foreach (var n in s.Notices) progress?.Report(new TrainNotice(n));
        progress?.Report(new RunStarted(s.Run.Path, s.StartEpoch, c.Epochs, s.Train.Videos.Count, s.Val?.Videos.Count ?? 0,
            s.Test?.Videos.Count ?? 0, s.ClassNames, s.Model.ParameterCount(), s.Device.ToString(), s.ResumedFrom,
            s.Model.Config.Architecture));
        var writer = torch.utils.tensorboard.SummaryWriter(s.Run.Path);
        var trainLoader = new ClipLoader(s.Train, c.BatchSize, c.ResolvedWorkers);
        var valLoader = s.Val is null ? null : new ClipLoader(s.Val, c.BatchSize, c.ResolvedWorkers);
        var testLoader = s.Test is null ? null : new ClipLoader(s.Test, c.BatchSize, c.ResolvedWorkers);
        var loaders = new[] { trainLoader, valLoader, testLoader }.OfType<ClipLoader>().ToList();
        var summaries = new List<EpochSummary>();
        var position = s.Position;
        if (s.Frozen is { } frozen && !frozen.Prepare(progress, cancellation))
        {
            // Cancelled while building the feature cache: resume builds the rest and starts the epoch as if never stopped.
            TrainingState.Save(s.Run.LastCheckpoint, s.Model, s.Optimizer, s.Schedule, c, s.ClassNames, s.StartEpoch, bestValAccuracy, position);
            return Result(s.StartEpoch, interrupted: true, summaries, loaders);
        }

        for (int epoch = s.StartEpoch; epoch < c.Epochs; epoch++)
        {
            var (train, reached, finished) = TrainEpoch(trainLoader, epoch, position);
            position = null;
            PhaseMetrics? val = null, test = null;
            if (finished && valLoader is not null) val = Evaluate(valLoader, epoch, TrainPhase.Val, train.Lr);
            bool runTest = c.TestEvery > 0 && (epoch + 1) % c.TestEvery == 0;
            if (finished && runTest && testLoader is not null) test = Evaluate(testLoader, epoch, TrainPhase.Test, train.Lr);
            if (!finished || cancellation.IsCancellationRequested)
            {
                // Resume redoes what is unfinished of this epoch: the rest of training, or validation and test.
                TrainingState.Save(s.Run.LastCheckpoint, s.Model, s.Optimizer, s.Schedule, c, s.ClassNames, epoch, bestValAccuracy, reached);
                return Result(epoch, interrupted: true, summaries, loaders);
            }

            bool isBest = val is not null && (bestValAccuracy is null || val.Accuracy > bestValAccuracy);
            if (isBest) bestValAccuracy = val!.Accuracy;
            var saved = new List<string> { s.Run.LastCheckpoint };
            TrainingState.Save(s.Run.LastCheckpoint, s.Model, s.Optimizer, s.Schedule, c, s.ClassNames, epoch + 1, bestValAccuracy, null);
            if (isBest) { CopyAtomically(s.Run.LastCheckpoint, s.Run.BestCheckpoint); saved.Add(s.Run.BestCheckpoint); }
            if (c.SnapshotEvery > 0 && (epoch + 1) % c.SnapshotEvery == 0)
            {
                string snapshot = s.Run.Snapshot(s.DatasetName, epoch);
                CopyAtomically(s.Run.LastCheckpoint, snapshot);
                saved.Add(snapshot);
            }

            var phases = new[] { train, val, test }.OfType<PhaseMetrics>().ToList();
            MetricsLog.Append(s.Run.MetricsFile, phases);
            foreach (var m in phases)
            {
                writer.add_scalar($"data/{m.Phase}_loss_epoch", (float)m.Loss, epoch);
                writer.add_scalar($"data/{m.Phase}_acc_epoch", (float)m.Accuracy, epoch);
            }
            writer.add_scalar("data/lr_epoch", (float)train.Lr, epoch);
            TrainingCurves.Save(s.Run.CurvesFile, MetricsLog.Read(s.Run.MetricsFile));
            var summary = new EpochSummary(epoch + 1, c.Epochs, train, val, test, isBest, saved);
            summaries.Add(summary);
            progress?.Report(new EpochCompleted(summary));
        }
        return Result(c.Epochs, interrupted: false, summaries, loaders);
    }

    private TrainResult Result(int completed, bool interrupted, List<EpochSummary> summaries, List<ClipLoader> loaders) =>
        new(s.Run.Path, completed, interrupted, s.Run.LastCheckpoint, File.Exists(s.Run.BestCheckpoint) ? s.Run.BestCheckpoint : null,
            bestValAccuracy, summaries, loaders.SelectMany(l => l.Failures).Concat(s.Frozen?.Failures ?? []).ToList());

    private int BatchesThisEpoch(ClipLoader loader)
    {
        int all = loader.BatchCount(s.Train.Videos.Count);
        return Math.Min(all, s.Config.MaxBatches ?? all);
    }

    /// <summary>One training epoch from <paramref name="start"/> (a resumed position) on; returns the position reached and whether the epoch's training is complete.</summary>
    private (PhaseMetrics Metrics, EpochPosition Reached, bool Finished) TrainEpoch(ClipLoader loader, int epoch, EpochPosition? start)
    {
        var c = s.Config;
        var clips = s.Frozen?.TrainClips(epoch) ?? s.Train.TrainEpoch(c.Seed, epoch, c.FlipProbability);
        int batches = BatchesThisEpoch(loader);
        int first = start?.BatchesDone ?? 0;
        double lossSum = start?.LossSum ?? 0;
        long correct = start?.Correct ?? 0;
        int seen = start?.Clips ?? 0, next = first;
        double lr = s.Schedule.LearningRates(epoch, Math.Min(first, Math.Max(0, batches - 1)), batches)[0];
        var clock = Stopwatch.StartNew();
        progress?.Report(new PhaseStarted(epoch + 1, TrainPhase.Train, Math.Max(0, batches - first)));
        TrainMode();
        bool cancelled = false;
        try
        {
            foreach (var batch in s.Frozen?.Batches(TrainPhase.Train, loader, clips, first, cancellation) ?? loader.Batches(clips, first, cancellation))
            {
                if (batch.Index >= batches) break;
                ReportFailures(batch);
                var lrs = s.Schedule.LearningRates(epoch, batch.Index, batches);
                OptimizerFactory.SetLearningRates(s.Optimizer, lrs);
                lr = lrs[0];
                var (loss, right) = Step(batch, epoch);
                lossSum += loss * batch.Count;
                correct += right;
                seen += batch.Count;
                next = batch.Index + 1;
                progress?.Report(new BatchCompleted(epoch + 1, TrainPhase.Train, next - first, batches - first, seen, lossSum / seen, (double)correct / seen, lr));
                TestSeam.UnitDone("batch", ++batchesTrained, cancellation);
                if (cancellation.IsCancellationRequested) { cancelled = true; break; }
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested) { cancelled = true; }
        var metrics = new PhaseMetrics(epoch + 1, "train", seen > 0 ? lossSum / seen : double.NaN, seen > 0 ? (double)correct / seen : 0, lr, seen, clock.Elapsed.TotalSeconds);
        return (metrics, new EpochPosition(next, lossSum, correct, seen), !cancelled || next >= batches);
    }

    /// <summary>One optimizer step; returns the batch's mean loss and the number of correct clips.</summary>
    private (double Loss, long Correct) Step(ClipBatch batch, int epoch)
    {
        using var scope = NewDisposeScope();
        var x = batch.Inputs(s.Device);
        var y = batch.Targets(s.Device);
        s.Optimizer.zero_grad();
        var logits = Logits(x);
        var loss = nn.functional.cross_entropy(logits, y);
        double value = loss.item<float>();
        if (!double.IsFinite(value)) throw Diverged("loss", value, epoch, batch.Index);
        loss.backward();
        if (s.Config.ClipGradNorm is { } maxNorm)
        {
            double norm = nn.utils.clip_grad_norm_(s.Model.Module.parameters(), maxNorm);
            if (!double.IsFinite(norm)) throw Diverged("gradient norm", norm, epoch, batch.Index);
        }
        s.Optimizer.step();
        long right = logits.argmax(1).eq(y).sum().item<long>();
        return (value, right);
    }

    private TrainingDivergedException Diverged(string what, double value, int epoch, int batch)
    {
        string last = File.Exists(s.Run.LastCheckpoint) ? $"the last good checkpoint, {s.Run.LastCheckpoint}, is kept" : "no checkpoint was written yet";
        return new TrainingDivergedException(
            $"the {what} became {value} in epoch {epoch + 1}, batch {batch + 1} (lr {OptimizerFactory.LearningRates(s.Optimizer)[0]:G3}): training stopped; {last}. " +
            $"From scratch, use --recipe {TrainingRecipe.ScratchName} (without your own optimizer options), or a lower --lr.");
    }

    /// <summary>Loss and clip accuracy over the split's centre-crop clips, in eval mode without gradients.</summary>
    private PhaseMetrics Evaluate(ClipLoader loader, int epoch, TrainPhase phase, double lr)
    {
        var clips = loader.Dataset.EvalClips(s.Config.ValClips);
        int all = loader.BatchCount(clips.Length);
        int batches = Math.Min(all, s.Config.MaxBatches ?? all);
        var clock = Stopwatch.StartNew();
        progress?.Report(new PhaseStarted(epoch + 1, phase, batches));
        s.Model.Module.eval();
        double lossSum = 0;
        long correct = 0;
        int seen = 0;
        using (no_grad())
        {
            try
            {
                foreach (var batch in s.Frozen?.Batches(phase, loader, clips, 0, cancellation) ?? loader.Batches(clips, 0, cancellation))
                {
                    if (batch.Index >= batches) break;
                    ReportFailures(batch);
                    using (var scope = NewDisposeScope())
                    {
                        var y = batch.Targets(s.Device);
                        var logits = Logits(batch.Inputs(s.Device));
                        lossSum += nn.functional.cross_entropy(logits, y).item<float>() * batch.Count;
                        correct += logits.argmax(1).eq(y).sum().item<long>();
                    }
                    seen += batch.Count;
                    progress?.Report(new BatchCompleted(epoch + 1, phase, batch.Index + 1, batches, seen, lossSum / seen, (double)correct / seen, lr));
                    if (cancellation.IsCancellationRequested) break;
                }
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested) { }
        }
        TrainMode();
        string name = phase.ToString().ToLowerInvariant();
        return new PhaseMetrics(epoch + 1, name, seen > 0 ? lossSum / seen : double.NaN, seen > 0 ? (double)correct / seen : 0, lr, seen, clock.Elapsed.TotalSeconds);
    }

    // A frozen backbone (TrainingSetup.Frozen) trains the head on cached features, the backbone in eval mode.
    private Tensor Logits(Tensor inputs) => s.Frozen?.Logits(inputs) ?? s.Model.Logits(inputs);

    private void TrainMode()
    {
        if (s.Frozen is { } frozen) frozen.TrainMode();
        else s.Model.Module.train();
    }

    private void ReportFailures(ClipBatch batch)
    {
        foreach (var f in batch.Failures) progress?.Report(new TrainNotice($"{f.Video}: {f.Message}"));
    }

    private static void CopyAtomically(string from, string to) =>
        AtomicFile.Write(to, temp => File.Copy(from, temp, overwrite: true));
}
