using C3dNet.Checkpoints;
using C3dNet.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace C3dNet.Inference;

/// <summary>
/// A clip network (C3D or a video ResNet, <see cref="IClipNetwork"/>) ready for inference: weights loaded, eval mode,
/// on its device, in its precision. Takes batches laid out by <see cref="InputTensor"/> as its
/// <see cref="C3dConfig.Input"/> says and returns float32 results per clip.
/// </summary>
internal sealed class ClipModel : IDisposable
{
    public IClipNetwork Network { get; }
    public C3dConfig Config => Network.Config;
    public Device Device { get; }
    public InferencePrecision Precision { get; }
    public int ClipFloats => InputTensor.Length(Config.ClipLength, Config.CropSize);

    public ClipModel(IClipNetwork network, Device device, InferencePrecision precision)
    {
        Network = network;
        Device = device;
        Precision = precision;
        network.Module.eval(); // BatchNorm uses its running statistics, dropout is off
        network.Module.to(device);
        if (precision == InferencePrecision.Bf16) network.Module.to(ScalarType.BFloat16);
    }

    /// <summary>Builds the network the checkpoint describes and loads its weights (Sports-1M files fill conv1–fc7).</summary>
    public static ClipModel FromCheckpoint(C3dCheckpoint checkpoint, string sourceName, Device device, InferencePrecision precision)
    {
        var network = ClipNetworks.Create(checkpoint.ModelConfig);
        try
        {
            checkpoint.LoadInto(network, sourceName);
        }
        catch
        {
            network.Dispose();
            throw;
        }
        return new ClipModel(network, device, precision);
    }

    /// <summary>Softmax class probabilities for the first <paramref name="clips"/> clips of <paramref name="batch"/>.</summary>
    public float[][] Probabilities(float[] batch, int clips) =>
        Run(batch, clips, x => nn.functional.softmax(Network.Logits(x).to_type(ScalarType.Float32), 1), "class probabilities");

    /// <summary>Logits (before softmax) for the first <paramref name="clips"/> clips of <paramref name="batch"/>.</summary>
    public float[][] Logits(float[] batch, int clips) => Run(batch, clips, x => Network.Logits(x).to_type(ScalarType.Float32), "logits");

    /// <summary>Features of one of <see cref="IClipNetwork.FeatureLayers"/>: C3D's fc6 or fc7 after ReLU (as the C3D feature tool stores them), a ResNet's pooled 512-d vector.</summary>
    public float[][] Features(float[] batch, int clips, string layer) =>
        Run(batch, clips, x => Network.Features(x, layer).to_type(ScalarType.Float32), $"{layer} features");

    private float[][] Run(float[] batch, int clips, Func<Tensor, Tensor> compute, string what)
    {
        if (clips < 1 || clips * ClipFloats > batch.Length)
            throw new ArgumentException($"batch holds {batch.Length / ClipFloats} clips, {clips} asked for");
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var shape = new long[] { clips, 3, Config.ClipLength, Config.CropSize, Config.CropSize };
        var x = tensor(batch.AsMemory(0, clips * ClipFloats), shape);
        x = x.to(Device);
        if (Precision == InferencePrecision.Bf16) x = x.to_type(ScalarType.BFloat16);
        var y = compute(x).cpu().contiguous();
        var flat = y.data<float>().ToArray();
        FiniteOutputs.Check(flat, what);
        int width = (int)y.shape[1];
        return Enumerable.Range(0, clips).Select(i => flat.AsSpan(i * width, width).ToArray()).ToArray();
    }

    public void Dispose() => Network.Dispose();
}
