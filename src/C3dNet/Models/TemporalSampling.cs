namespace C3dNet.Models;

/// <summary>
/// Which source frames a model's clips are made of: every k-th decoded frame (C3D: the frames preprocessing
/// extracted, <see cref="Video.FrameStepRule"/>), or the video resampled to a frame rate as torchvision's
/// <c>VideoClips</c> does (<see cref="FrameRateResampling"/>). Exactly one of the two is set.
/// </summary>
internal sealed record TemporalSampling
{
    /// <summary>Every k-th decoded frame.</summary>
    public int? FrameStep { get; init; }
    /// <summary>Resampled to this frame rate.</summary>
    public double? FramesPerSecond { get; init; }

    public static TemporalSampling EveryKthFrame(int step) => new TemporalSampling { FrameStep = step }.Validated();
    public static TemporalSampling AtFramesPerSecond(double fps) => new TemporalSampling { FramesPerSecond = fps }.Validated();

    public TemporalSampling Validated()
    {
        if (FrameStep is null == FramesPerSecond is null)
            throw new ArgumentException("temporal sampling needs exactly one of a frame step and a frame rate");
        if (FrameStep is < 1) throw new ArgumentException($"frame step must be at least 1, got {FrameStep}");
        if (FramesPerSecond is double fps && !(fps > 0 && double.IsFinite(fps))) throw new ArgumentException($"frame rate must be positive, got {fps}");
        return this;
    }

    public override string ToString() => FrameStep is int k ? $"frame step {k}" : $"{FramesPerSecond:0.###} fps";
}
