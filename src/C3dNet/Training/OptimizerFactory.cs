using C3dNet.Models;
using TorchSharp.Modules;
using static TorchSharp.torch.optim;

namespace C3dNet.Training;

/// <summary>
/// The optimizer a <see cref="TrainConfig"/> asks for, always over a network's two parameter groups
/// (<see cref="IClipNetwork.ParameterGroups"/>: C3D conv1–fc7 and fc8, as the reference, so that optimizer state keeps the
/// reference's opt_dict layout; the ResNets everything before fc and fc).
/// </summary>
internal static class OptimizerFactory
{
    public static OptimizerHelper Create(IClipNetwork model, TrainConfig config) => config.Optimizer switch
    {
        "sgd" => ReferenceOptimizer.CreateSgd(model, config.Lr, config.Momentum, config.WeightDecay, config.HeadLrMultiplier),
        "adamw" => CreateAdamW(model, config.Lr, config.WeightDecay, config.HeadLrMultiplier),
        _ => throw new ArgumentException($"unknown optimizer '{config.Optimizer}': use sgd or adamw"),
    };

    public static AdamW CreateAdamW(IClipNetwork model, double lr, double weightDecay, double headLrMultiplier)
    {
        var (baseParams, head) = model.ParameterGroups();
        var groups = new[]
        {
            new AdamW.ParamGroup(baseParams, lr: lr, weight_decay: weightDecay),
            new AdamW.ParamGroup(head, lr: lr * headLrMultiplier, weight_decay: weightDecay),
        };
        return AdamW(groups, lr, weight_decay: weightDecay);
    }

    /// <summary>The lr of each parameter group.</summary>
    public static double[] LearningRates(OptimizerHelper optimizer) => optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();

    public static void SetLearningRates(OptimizerHelper optimizer, IReadOnlyList<double> lrs)
    {
        int i = 0;
        foreach (var g in optimizer.ParamGroups) g.LearningRate = lrs[i++];
    }
}
