using TorchSharp.Modules;
using static TorchSharp.torch;

namespace C3dNet.Models;

/// <summary>
/// What inference and training need from a clip network, whatever its architecture (<see cref="C3D"/>,
/// <see cref="VideoResNet"/>): logits, named features, its config (with its <see cref="C3dConfig.Input"/>) and the
/// module itself. <see cref="ClipNetworks.Create"/> builds the one a config names.
/// </summary>
internal interface IClipNetwork : IDisposable
{
    C3dConfig Config { get; }
    /// <summary>The network as a TorchSharp module (train/eval, to(device), state_dict, parameters).</summary>
    nn.Module<Tensor, Tensor> Module { get; }
    /// <summary>The layers <see cref="Features"/> takes, the default first (C3D: fc6, fc7; the ResNets: pool).</summary>
    IReadOnlyList<string> FeatureLayers { get; }
    /// <summary>Logits (N, classes) for clips (N, 3, T, S, S).</summary>
    Tensor Logits(Tensor x);
    /// <summary>Features of <paramref name="layer"/> (one of <see cref="FeatureLayers"/>), (N, width).</summary>
    Tensor Features(Tensor x, string layer);
    /// <summary>
    /// The two parameter groups training uses: the backbone (learning at lr) and the classifier head (at the head's
    /// multiple): C3D conv1–fc7 and fc8, the ResNets everything before fc and fc; each in state_dict order.
    /// </summary>
    (IReadOnlyList<Parameter> Base, IReadOnlyList<Parameter> Head) ParameterGroups();
    /// <summary>Learned parameters (buffers not counted).</summary>
    long ParameterCount();
}

/// <summary>The one factory of clip networks: the architecture a config names, with fresh weights.</summary>
internal static class ClipNetworks
{
    public static IClipNetwork Create(C3dConfig config)
    {
        config.Validated();
        if (config.IsC3d) return new C3D(config);
        return new VideoResNet(config);
    }

    /// <summary>
    /// The state_dict shapes (parameters and buffers) of the network <paramref name="config"/> describes. C3D's are
    /// computed (a full C3D is 300 MB); a video ResNet's are read off one built model per architecture.
    /// </summary>
    public static IReadOnlyDictionary<string, long[]> StateShapes(C3dConfig config) =>
        config.IsC3d ? C3D.ParameterShapes(config) : VideoResNet.StateShapes(config.Architecture, config.NumClasses);
}
