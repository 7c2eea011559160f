using System.Collections;
using C3dNet.Checkpoints;
using C3dNet.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace C3dNet.Training;

/// <summary>How far into an epoch a run got before it was interrupted, and the phase sums so far.</summary>
internal sealed record EpochPosition(int BatchesDone, double LossSum, long Correct, int Clips)
{
    public Dictionary<string, object?> ToPickle() => new()
    {
        ["batches_done"] = BatchesDone, ["loss_sum"] = LossSum, ["correct"] = Correct, ["clips"] = Clips,
    };

    public static EpochPosition? FromPickle(object? value) => value is IDictionary d
        ? new EpochPosition(Convert.ToInt32(d["batches_done"]), Convert.ToDouble(d["loss_sum"]), Convert.ToInt64(d["correct"]), Convert.ToInt32(d["clips"]))
        : null;
}

/// <summary>
/// The extra checkpoint keys that make resume exact: lr schedule, torch's random state (dropout),
/// best validation accuracy, the seed and, for an interrupted epoch, the position in it.
/// The loader needs no saved state: its random choices derive from (seed, epoch, position).
/// </summary>
internal static class TrainingState
{
    public const string SchedulerKey = "scheduler", RngStateKey = "rng_state", BestValAccKey = "best_val_acc",
        SeedKey = "seed", EpochProgressKey = "epoch_progress";

    /// <summary>Writes a checkpoint of the live training state (atomically).</summary>
    public static void Save(string path, IClipNetwork model, OptimizerHelper optimizer, LearningRateSchedule schedule, TrainConfig config,
        IReadOnlyList<string> classNames, int completedEpochs, double? bestValAccuracy, EpochPosition? position)
    {
        using var ckpt = C3dCheckpoint.FromModel(model, completedEpochs, classNames);
        ckpt.OptimizerState = OptimizerStateIo.Capture(optimizer);
        ckpt.TrainConfig = config.ToJson();
        ckpt.Extra[SchedulerKey] = schedule.StateDict(completedEpochs);
        ckpt.Extra[RngStateKey] = random.get_rng_state();
        ckpt.Extra[BestValAccKey] = bestValAccuracy;
        ckpt.Extra[SeedKey] = config.Seed;
        if (position is not null) ckpt.Extra[EpochProgressKey] = position.ToPickle();
        ckpt.Save(path);
    }

    public static LearningRateSchedule? Schedule(C3dCheckpoint ckpt) =>
        ckpt.Extra.GetValueOrDefault(SchedulerKey) is IDictionary d ? LearningRateSchedule.FromStateDict(d) : null;

    public static double? BestValAccuracy(C3dCheckpoint ckpt) =>
        ckpt.Extra.GetValueOrDefault(BestValAccKey) is { } v ? Convert.ToDouble(v) : null;

    public static EpochPosition? Position(C3dCheckpoint ckpt) => EpochPosition.FromPickle(ckpt.Extra.GetValueOrDefault(EpochProgressKey));

    public static Tensor? RngState(C3dCheckpoint ckpt) => ckpt.Extra.GetValueOrDefault(RngStateKey) as Tensor;

    /// <summary>The base lr per group a PyTorch optimizer recorded ('initial_lr', set by its lr scheduler), else its current lr.</summary>
    public static double[]? InitialLearningRates(IDictionary? optimizerState)
    {
        if (optimizerState?["param_groups"] is not IEnumerable groups) return null;
        var lrs = new List<double>();
        foreach (var g in groups)
        {
            if (g is not IDictionary d) return null;
            var v = d.Contains("initial_lr") ? d["initial_lr"] : d["lr"];
            if (v is null) return null;
            lrs.Add(Convert.ToDouble(v));
        }
        return lrs.ToArray();
    }
}
