using System.Collections;

namespace C3dNet.Training;

/// <summary>
/// The lr of each parameter group at a point of training: StepLR as in PyTorch (multiply by gamma every
/// <see cref="StepSize"/> completed epochs, the scheduler stepping after the optimizer), optionally times a
/// linear warm-up over the first <see cref="WarmupEpochs"/> epochs, batch by batch. Closed form, so a resumed
/// run (even mid-epoch) gets exactly the lr an uninterrupted run would. TorchSharp's schedulers have no
/// state_dict and no warm-up chaining, hence this small class.
/// </summary>
internal sealed class LearningRateSchedule
{
    public IReadOnlyList<double> BaseLrs { get; }
    public int StepSize { get; }
    public double Gamma { get; }
    public double WarmupEpochs { get; }

    public LearningRateSchedule(IReadOnlyList<double> baseLrs, int stepSize, double gamma, double warmupEpochs)
    {
        BaseLrs = baseLrs;
        StepSize = stepSize;
        Gamma = gamma;
        WarmupEpochs = warmupEpochs;
    }

    /// <summary>The factor applied to the base lrs during batch <paramref name="batch"/> of epoch <paramref name="epoch"/> (both 0-based).</summary>
    public double Factor(int epoch, int batch, int batchesPerEpoch)
    {
        double factor = StepSize > 0 ? Math.Pow(Gamma, epoch / StepSize) : 1;
        if (WarmupEpochs > 0)
        {
            double done = epoch * (double)batchesPerEpoch + batch + 1;
            factor *= Math.Min(1, done / (WarmupEpochs * Math.Max(1, batchesPerEpoch)));
        }
        return factor;
    }

    public double[] LearningRates(int epoch, int batch, int batchesPerEpoch)
    {
        double f = Factor(epoch, batch, batchesPerEpoch);
        return BaseLrs.Select(lr => lr * f).ToArray();
    }

    /// <summary>PyTorch StepLR's state_dict keys (plus warmup_epochs), with last_epoch = completed epochs.</summary>
    public Dictionary<string, object?> StateDict(int completedEpochs) => new()
    {
        ["type"] = "StepLR",
        ["step_size"] = StepSize,
        ["gamma"] = Gamma,
        ["base_lrs"] = new ArrayList(BaseLrs.ToList()),
        ["last_epoch"] = completedEpochs,
        ["_step_count"] = completedEpochs + 1,
        ["warmup_epochs"] = WarmupEpochs,
    };

    public static LearningRateSchedule FromStateDict(IDictionary state) => new(
        ((IEnumerable)state["base_lrs"]!).Cast<object>().Select(Convert.ToDouble).ToList(),
        Convert.ToInt32(state["step_size"]),
        Convert.ToDouble(state["gamma"]),
        state.Contains("warmup_epochs") ? Convert.ToDouble(state["warmup_epochs"]) : 0);
}
