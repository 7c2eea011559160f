namespace C3dNet.Models;

/// <summary>
/// Which source frames torchvision's <c>VideoClips</c> keeps when it resamples a video to another frame rate
/// (<c>compute_clips_for_video</c> and <c>_resample_video_idx</c>, torchvision 0.14), so that clips here hold the
/// frames torchvision's Kinetics-400 weights were evaluated on.
/// </summary>
internal static class FrameRateResampling
{
    /// <summary>
    /// Source indices for a video of <paramref name="frameCount"/> frames at <paramref name="sourceFps"/> seen at
    /// <paramref name="targetFps"/>. An integer step is a plain slice (every step-th frame of all of them); otherwise
    /// floor(i x step) for i below floor(frameCount x target / source), in float32 as torch computes it, so that
    /// rounding at the boundaries picks the same frame. Upsampling (target above source) repeats frames.
    /// </summary>
    public static int[] SourceIndices(int frameCount, double sourceFps, double targetFps)
    {
        if (frameCount < 0) throw new ArgumentException($"frame count must not be negative, got {frameCount}");
        if (!(sourceFps > 0) || !(targetFps > 0)) throw new ArgumentException($"frame rates must be positive, got {sourceFps} and {targetFps}");
        double step = sourceFps / targetFps;
        if (step == Math.Floor(step))
        {
            int k = (int)step;
            return Enumerable.Range(0, (frameCount + k - 1) / k).Select(i => i * k).ToArray();
        }
        int count = (int)Math.Floor(frameCount * (targetFps / sourceFps));
        float step32 = (float)step;
        return Enumerable.Range(0, count).Select(i => (int)MathF.Floor(i * step32)).ToArray();
    }
}
