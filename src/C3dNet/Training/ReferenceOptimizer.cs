using C3dNet.Models;
using TorchSharp.Modules;
using static TorchSharp.torch.optim;

namespace C3dNet.Training;

/// <summary>The reference's optimizer: SGD over two groups, conv1–fc7 at lr and fc8 at 10×lr (a ResNet: all but fc, and fc).</summary>
internal static class ReferenceOptimizer
{
    /// <summary>The reference's SGD settings; <see cref="TrainConfig"/>'s defaults are these.</summary>
    public const double Lr = 1e-3, Momentum = 0.9, WeightDecay = 5e-4, HeadLrMultiplier = 10;

    public static SGD CreateSgd(IClipNetwork model, double lr = Lr, double momentum = Momentum, double weightDecay = WeightDecay,
        double headLrMultiplier = HeadLrMultiplier)
    {
        var (baseParams, head) = model.ParameterGroups();
        var groups = new[]
        {
            new SGD.ParamGroup(baseParams, lr: lr, momentum: momentum, weight_decay: weightDecay),
            new SGD.ParamGroup(head, lr: lr * headLrMultiplier, momentum: momentum, weight_decay: weightDecay),
        };
        return SGD(groups, lr, momentum, weight_decay: weightDecay);
    }
}
