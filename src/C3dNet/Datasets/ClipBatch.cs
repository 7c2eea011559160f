using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace C3dNet.Datasets;

/// <summary>A video left out because one of its frames could not be read.</summary>
internal sealed record LoadFailure(string Video, string Message);

/// <summary>
/// A batch of clips as the loader assembled it: the clip floats in a pooled buffer, labels and the
/// videos they came from. Disposing returns the buffer to the loader; the loader does it when the
/// consumer moves on, so tensors made from a batch must be copies (<see cref="Inputs"/> copies).
/// </summary>
internal sealed class ClipBatch : IDisposable
{
    private readonly Action<float[]>? returnBuffer;
    private float[]? buffer;
    private readonly long[] shape;

    /// <summary>Position of the batch in its pass (0-based, counting batches that were skipped on resume).</summary>
    public int Index { get; }
    /// <summary>Clips in the batch; fewer than the batch size for the last batch or when a video failed.</summary>
    public int Count { get; }
    public long[] Labels { get; }
    /// <summary>Index of each clip's video in the dataset.</summary>
    public int[] Videos { get; }
    /// <summary>Index of each clip in the pass's list of clips.</summary>
    public int[] Clips { get; }
    /// <summary>Videos found unreadable while this batch was made.</summary>
    public IReadOnlyList<LoadFailure> Failures { get; }

    internal ClipBatch(int index, float[] buffer, long[] clipShape, long[] labels, int[] videos, int[] clips, IReadOnlyList<LoadFailure> failures, Action<float[]>? returnBuffer)
    {
        Index = index;
        this.buffer = buffer;
        Count = labels.Length;
        shape = [Count, .. clipShape];
        Labels = labels;
        Videos = videos;
        Clips = clips;
        Failures = failures;
        this.returnBuffer = returnBuffer;
    }

    /// <summary>The clip floats, Count x 3 x T x S x S.</summary>
    public ReadOnlySpan<float> Data => (buffer ?? throw new ObjectDisposedException(nameof(ClipBatch))).AsSpan(0, (int)(shape.Aggregate(1L, (a, b) => a * b)));

    /// <summary>A new (Count, 3, T, S, S) float tensor on <paramref name="device"/> holding a copy of the clips.</summary>
    public Tensor Inputs(Device? device = null)
    {
        var t = empty(shape, ScalarType.Float32);
        Data.CopyTo(MemoryMarshal.Cast<byte, float>(t.bytes));
        if (device is null || device.type == DeviceType.CPU) return t;
        using (t) return t.to(device);
    }

    /// <summary>A new int64 tensor of the labels.</summary>
    public Tensor Targets(Device? device = null) => tensor(Labels, ScalarType.Int64, device);

    public void Dispose()
    {
        var b = Interlocked.Exchange(ref buffer, null);
        if (b is not null) returnBuffer?.Invoke(b);
    }
}
