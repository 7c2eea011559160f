using OpenCvSharp;

namespace C3dNet.Inference;

/// <summary>
/// What the annotated video draws: a box with the current top-1 label and probability in the top-left
/// corner, and a thin timeline bar along the bottom edge (one colour per class over the whole video,
/// a white marker at the current frame). Nothing is drawn outside <see cref="LabelBand"/> and <see cref="BarBand"/>.
/// </summary>
internal static class Overlay
{
    /// <summary>Rows 0..LabelBand(height) may hold the label box.</summary>
    public static int LabelBand(int height) => Math.Clamp(height / 12, 12, 40);

    /// <summary>The last BarBand(height) rows hold the timeline.</summary>
    public static int BarBand(int height) => Math.Clamp(height / 60, 3, 10);

    public static string Text(string label, float prob) => $"{label} {prob:0.00}";

    /// <summary>Draws the label box, drawing inside the label band only; the text is ASCII (OpenCV's Hershey fonts).</summary>
    public static void DrawLabel(Mat frame, string text)
    {
        text = Ascii(text);
        int band = Math.Min(LabelBand(frame.Rows), frame.Rows), pad = Math.Max(2, band / 6);
        int thickness = Math.Max(1, band / 20);
        var unit = Cv2.GetTextSize(text, HersheyFonts.HersheySimplex, 1.0, thickness, out int unitBaseline);
        double scale = (band - 2 * pad) / (double)(unit.Height + unitBaseline + thickness);
        var size = Cv2.GetTextSize(text, HersheyFonts.HersheySimplex, scale, thickness, out _);
        int width = Math.Min(frame.Cols, size.Width + 2 * pad);
        // Drawing into a view of the box keeps anti-aliasing and descenders from touching the picture.
        using var box = new Mat(frame, new Rect(0, 0, width, band));
        box.SetTo(new Scalar(32, 32, 32));
        Cv2.PutText(box, text, new Point(pad, pad + size.Height), HersheyFonts.HersheySimplex, scale, Scalar.White, thickness, LineTypes.AntiAlias);
    }

    /// <summary>The timeline strip for a frame width: <paramref name="classAt"/>[x] is the top-1 class at column x (-1: none).</summary>
    public static Mat TimelineBar(int[] classAt, int frameHeight)
    {
        var bar = new Mat(BarBand(frameHeight), classAt.Length, MatType.CV_8UC3, Scalar.Black);
        var colours = classAt.Distinct().Where(c => c >= 0).ToDictionary(c => c, Colour);
        for (int x = 0; x < classAt.Length; x++)
            if (classAt[x] >= 0) Cv2.Line(bar, new Point(x, 0), new Point(x, bar.Rows - 1), colours[classAt[x]], 1);
        return bar;
    }

    /// <summary>Copies the timeline strip to the bottom rows and marks the current column.</summary>
    public static void DrawTimeline(Mat frame, Mat bar, int currentX)
    {
        int rows = frame.Rows, cols = frame.Cols, top = rows - bar.Rows;
        using (var roi = new Mat(frame, new Rect(0, top, cols, bar.Rows))) bar.CopyTo(roi);
        Cv2.Rectangle(frame, new Rect(Math.Clamp(currentX - 1, 0, cols - 2), top, 2, bar.Rows), Scalar.White, -1);
    }

    /// <summary>A distinct colour per class (golden-ratio hues).</summary>
    public static Scalar Colour(int classIndex)
    {
        double hue = classIndex * 0.61803398875 % 1.0 * 180;
        using var hsv = new Mat(1, 1, MatType.CV_8UC3, new Scalar(hue, 200, 230));
        using var bgr = new Mat();
        Cv2.CvtColor(hsv, bgr, ColorConversionCodes.HSV2BGR);
        var c = bgr.At<Vec3b>(0, 0);
        return new Scalar(c.Item0, c.Item1, c.Item2);
    }

    private static string Ascii(string s) => new(s.Select(c => c is >= ' ' and <= '~' ? c : '?').ToArray());
}
