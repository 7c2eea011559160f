using static TorchSharp.torch;

namespace C3dNet.Models;

/// <summary>
/// A clip network as a backbone (the layers a frozen-backbone run keeps fixed) and a head (the layers it trains):
/// logits = <see cref="HeadLogits"/>(<see cref="BackboneFeatures"/>(clips)), exactly the network's forward. C3D: conv1–conv5b
/// with pool5 features, head fc6–fc8; the video ResNets: stem–layer4 with the pooled vector, head fc.
/// </summary>
internal interface IBackboneSplit
{
    /// <summary>The backbone's top-level layer names (the first part of their state_dict keys).</summary>
    IReadOnlyList<string> BackboneLayers { get; }
    /// <summary>The head's layers in forward order (C3D: fc6, fc7, fc8; the ResNets: fc); the last one gives the logits.</summary>
    IReadOnlyList<string> HeadLayers { get; }
    /// <summary>Values per clip of <see cref="BackboneFeatures"/> (C3D: the flattened pool5, 8,192 at full size).</summary>
    long BackboneWidth { get; }
    /// <summary>The backbone's output for clips (N, 3, T, S, S), flattened to (N, <see cref="BackboneWidth"/>).</summary>
    Tensor BackboneFeatures(Tensor clips);
    /// <summary>The head's logits (N, classes) for backbone features (N, <see cref="BackboneWidth"/>); dropout as the current mode.</summary>
    Tensor HeadLogits(Tensor features);
    /// <summary>Puts the backbone's modules in eval mode (batch norm statistics fixed), leaving the head's as they are.</summary>
    void BackboneEval();
}

/// <summary>The backbone/head split of a clip network.</summary>
internal static class BackboneSplit
{
    public static IBackboneSplit Of(IClipNetwork network) =>
        network as IBackboneSplit ?? throw new ArgumentException($"{network.Config.Architecture} has no backbone/head split");

    /// <summary>The top-level layer of a state_dict key ("conv5b.weight" → conv5b, "layer4.1.bn2.running_mean" → layer4).</summary>
    public static string LayerOf(string stateKey) => stateKey.Split('.')[0];
}
