using TorchSharp;
using static TorchSharp.torch;

namespace C3dNet.Inference;

/// <summary>
/// Clips per forward pass when the user gives none, from measurements on our idle 2-core CPU (bench/README.md):
/// for full C3D, predict ran at 2.7-3.5x real time at batch 1, 2 and 4 alike (repeated runs overlap), 2.68x at 8,
/// and batch 1 needs the least memory (1.4-1.6 GiB peak against 2.0 at 4 and 2.8 at 8). A narrow net is dominated
/// by per-call overhead and wants batches (width x0.125: 18.8 clips/s at batch 8 against 3.9 at batch 1).
/// A GPU needs batches to be busy.
/// </summary>
internal static class InferenceBatchSize
{
    public const int FullCpu = 1, Batched = 8;

    public static int DefaultFor(Device device, double widthMultiplier) =>
        device.type == DeviceType.CPU && widthMultiplier >= 1 ? FullCpu : Batched;

    /// <summary>The user's value when given (at least 1), else the default for the device and network width.</summary>
    public static int Resolve(int? requested, Device device, double widthMultiplier) => requested switch
    {
        null => DefaultFor(device, widthMultiplier),
        < 1 => throw new ArgumentException($"--batch-size must be at least 1, got {requested}"),
        _ => requested.Value,
    };
}
