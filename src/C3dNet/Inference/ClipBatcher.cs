using C3dNet.Models;

namespace C3dNet.Inference;

/// <summary>
/// Collects clips into one reusable batch buffer (centre crop, no flip, as the model was trained to
/// see) and hands each full batch, and the last partial one, to <paramref name="run"/>.
/// </summary>
internal sealed class ClipBatcher<T>(int batchSize, C3dConfig config, Action<float[], IReadOnlyList<T>> run)
{
    private readonly int clipFloats = InputTensor.Length(config.ClipLength, config.CropSize);
    private readonly ModelInput input = config.Input;
    private readonly List<T> pending = [];
    private float[]? buffer;

    public void Add(IReadOnlyList<OpenCvSharp.Mat> frames, T tag)
    {
        if (batchSize < 1) throw new ArgumentException($"--batch-size must be at least 1, got {batchSize}");
        buffer ??= new float[batchSize * clipFloats];
        var box = CropBox.Center(frames[0].Rows, frames[0].Cols, config.CropSize);
        InputTensor.Write(buffer.AsSpan(pending.Count * clipFloats, clipFloats), frames, box, flip: false, input);
        pending.Add(tag);
        if (pending.Count == batchSize) Flush();
    }

    public void Flush()
    {
        if (pending.Count == 0) return;
        run(buffer!, pending);
        pending.Clear();
    }
}
