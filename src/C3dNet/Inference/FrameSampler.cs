using OpenCvSharp;

namespace C3dNet.Inference;

/// <summary>
/// Samples frames a caller supplies: keeps every <see cref="SamplingSettings.FrameStep"/>-th (counting from the first),
/// as a copy at the model's frame size, so the caller's frames stay the caller's to reuse or dispose.
/// </summary>
internal sealed class FrameSampler(SamplingSettings settings, double? fps)
{
    private int position;

    public int SourceFrames { get; private set; }
    public int Width { get; private set; }
    public int Height { get; private set; }

    /// <summary>The sampled copy of <paramref name="frame"/>, or null when the frame step skips it.</summary>
    public SampledFrame? Sample(Mat frame)
    {
        if (frame.Empty()) throw new ArgumentException($"frame {SourceFrames} is empty");
        if (frame.Type() != MatType.CV_8UC3) throw new ArgumentException($"frame {SourceFrames} is {frame.Type()}; give 8-bit BGR frames (CV_8UC3)");
        if (SourceFrames == 0) (Width, Height) = (frame.Cols, frame.Rows);
        int index = SourceFrames++;
        if (index % settings.FrameStep != 0) return null;
        var small = new Mat();
        if (frame.Cols == settings.ResizeWidth && frame.Rows == settings.ResizeHeight) frame.CopyTo(small);
        else Cv2.Resize(frame, small, new Size(settings.ResizeWidth, settings.ResizeHeight), 0, 0, InterpolationFlags.Linear);
        // Supplied frames carry no timestamps: a constant frame rate is all the caller gives.
        return new SampledFrame(position++, index, small) { Seconds = fps is > 0 ? index / fps : null };
    }
}
