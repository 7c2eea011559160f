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
        var step = Step(sourceFps, targetFps);
        int count = step.Integer is int k ? (frameCount + k - 1) / k : (int)Math.Floor(frameCount * (targetFps / sourceFps));
        return Enumerable.Range(0, count).Select(i => Pick(i, step)).ToArray();
    }

    /// <summary>The source step per kept frame: an integer one (a plain slice), or the float32 torch computes with.</summary>
    private readonly record struct SourceStep(int? Integer, float Float);

    private static SourceStep Step(double sourceFps, double targetFps)
    {
        if (!(sourceFps > 0) || !(targetFps > 0) || !double.IsFinite(sourceFps) || !double.IsFinite(targetFps))
            throw new ArgumentException($"frame rates must be positive, got {sourceFps} and {targetFps}");
        double step = sourceFps / targetFps;
        return new SourceStep(step == Math.Floor(step) ? (int)step : null, (float)step);
    }

    /// <summary>The source index of kept frame <paramref name="i"/>.</summary>
    private static int Pick(int i, SourceStep step) => step.Integer is int k ? i * k : (int)MathF.Floor(i * step.Float);

    /// <summary>
    /// The same picks for a stream of unknown length (a camera, a live URL), one source frame at a time: how many times
    /// each frame is kept (0, 1, or more when upsampling). Over a whole video it keeps what <see cref="SourceIndices"/>
    /// keeps, except that at a non-integer step it may keep one more frame at the very end (SourceIndices counts the
    /// frames it keeps from the video's length first).
    /// </summary>
    public sealed class Stream
    {
        private readonly SourceStep step;
        private int next; // the next kept frame's number

        public Stream(double sourceFps, double targetFps) => step = Step(sourceFps, targetFps);

        /// <summary>How many times source frame <paramref name="index"/> is kept; call it for increasing indices.</summary>
        public int Uses(int index)
        {
            while (Pick(next, step) < index) next++; // frames skipped by the source are not waited for
            int uses = 0;
            while (Pick(next, step) == index) { uses++; next++; }
            return uses;
        }
    }
}
