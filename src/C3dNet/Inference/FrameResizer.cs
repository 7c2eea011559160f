using OpenCvSharp;

namespace C3dNet.Inference;

/// <summary>Resizes decoded frames to the model's frame size as preprocessing does (cv2.resize, bilinear).</summary>
internal static class FrameResizer
{
    /// <summary>Returns a frame of <paramref name="width"/> x <paramref name="height"/>; <paramref name="frame"/> is consumed.</summary>
    public static Mat Fit(Mat frame, int width, int height)
    {
        if (frame.Cols == width && frame.Rows == height) return frame;
        var resized = new Mat();
        Cv2.Resize(frame, resized, new Size(width, height), 0, 0, InterpolationFlags.Linear);
        frame.Dispose();
        return resized;
    }
}
