namespace C3dNet.Video;

/// <summary>
/// The reference's frame-step rule: keep every k-th frame, k starting at 4 and lowered (3, 2, 1)
/// while frames // k &lt;= 16, so that short videos still give a 16-frame clip when possible.
/// Training extraction and inference sampling both use it, so the model sees one frame rate.
/// </summary>
internal static class FrameStepRule
{
    public const int DefaultStep = 4;

    /// <summary>The step for a video of <paramref name="frameCount"/> frames.</summary>
    public static int Choose(int frameCount, int initialStep = DefaultStep, int clipLength = Models.C3dConfig.ReferenceClipLength)
    {
        if (initialStep < 1) throw new ArgumentException($"frame step must be at least 1, got {initialStep}");
        int step = initialStep;
        while (step > 1 && frameCount / step <= clipLength) step--;
        return step;
    }

    /// <summary>Number of frames kept from <paramref name="frameCount"/> at <paramref name="step"/> (frames 0, k, 2k, …).</summary>
    public static int KeptFrames(int frameCount, int step) => frameCount <= 0 ? 0 : (frameCount + step - 1) / step;
}
