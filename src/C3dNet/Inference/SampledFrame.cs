using OpenCvSharp;

namespace C3dNet.Inference;

/// <summary>
/// One frame kept by the sampler, already resized to the model's frame size.
/// <see cref="Position"/> counts sampled frames; <see cref="SourceIndex"/> is the frame number in the source (0-based).
/// <see cref="Seconds"/> and <see cref="Duration"/>: the decoder's presentation time and frame duration, when known.
/// </summary>
internal sealed record SampledFrame(int Position, int SourceIndex, Mat Frame) : IDisposable
{
    public double? Seconds { get; init; }
    public double? Duration { get; init; }

    public void Dispose() => Frame.Dispose();
}
