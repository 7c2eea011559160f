using C3dNet.Models;

namespace C3dNet.Training.FrozenBackbone;

/// <summary>
/// Which layers of a frozen-backbone run train: the head's (all, or those --train-layers names), the others fixed
/// (requires_grad off, so they get no gradients and the optimizer leaves them as they are). The backbone stays in eval mode.
/// </summary>
internal static class FrozenLayers
{
    /// <summary>The head layers <paramref name="trainLayers"/> names (comma-separated; null: the whole head), checked against the network's head.</summary>
    public static IReadOnlyList<string> Resolve(IBackboneSplit split, string? trainLayers)
    {
        if (trainLayers is null) return split.HeadLayers;
        var names = trainLayers.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (names.Length == 0) throw new ArgumentException($"--train-layers names no layer: use some of {string.Join(", ", split.HeadLayers)}");
        foreach (var n in names)
            if (!split.HeadLayers.Contains(n))
                throw new ArgumentException($"--train-layers: '{n}' is not a head layer; a frozen backbone trains some of {string.Join(", ", split.HeadLayers)}");
        return split.HeadLayers.Where(names.Contains).ToList(); // forward order, each once
    }

    /// <summary>Turns gradients off for every parameter outside <paramref name="trained"/>.</summary>
    public static void Apply(IClipNetwork network, IReadOnlyList<string> trained)
    {
        foreach (var (name, p) in network.Module.named_parameters())
            p.requires_grad_(trained.Contains(BackboneSplit.LayerOf(name)));
    }

    /// <summary>The parameters that train.</summary>
    public static long TrainedParameters(IClipNetwork network) =>
        network.Module.parameters().Where(p => p.requires_grad).Sum(p => p.numel());

    /// <summary>Training mode for the head (dropout as in normal training), eval mode for the backbone.</summary>
    public static void TrainMode(IClipNetwork network)
    {
        network.Module.train();
        BackboneSplit.Of(network).BackboneEval();
    }
}
