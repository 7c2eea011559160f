using OpenCvSharp;

namespace C3dNet.Tests.Inference;

/// <summary>
/// Generated motion videos: a bright square moving right, left, down or up (wrapping at the edges)
/// over a dark, noisy background. The class is only visible in the motion, not in a single frame.
/// </summary>
internal sealed record MotionVideo(int Class, double X0, double Y0, double Speed, int Brightness, int Seed)
{
    public static readonly string[] ClassNames = ["MoveRight", "MoveLeft", "MoveDown", "MoveUp"];
    public const int Width = 80, Height = 64, Side = 16;

    public static MotionVideo Random(int cls, Random rng) =>
        new(cls, rng.NextDouble() * Width, rng.NextDouble() * Height, 1.2 + rng.NextDouble() * 0.8, 170 + rng.Next(80), rng.Next());

    /// <summary>Frame <paramref name="t"/> (BGR, 80x64).</summary>
    public Mat Render(int t)
    {
        var frame = new Mat(Height, Width, MatType.CV_8UC3);
        var noise = new Random(Seed ^ (t * 7919));
        var bytes = new byte[Width * Height * 3];
        for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)(35 + noise.Next(20));
        System.Runtime.InteropServices.Marshal.Copy(bytes, 0, frame.Data, bytes.Length);
        (double dx, double dy) = Class switch { 0 => (1, 0), 1 => (-1, 0), 2 => (0, 1), _ => (0, -1) };
        int x = Mod((int)Math.Round(X0 + dx * Speed * t), Width), y = Mod((int)Math.Round(Y0 + dy * Speed * t), Height);
        var colour = new Scalar(Brightness, Brightness, Brightness);
        foreach (int ox in new[] { 0, -Width })
            foreach (int oy in new[] { 0, -Height })
                Cv2.Rectangle(frame, new Rect(x + ox, y + oy, Side, Side), colour, -1);
        return frame;
    }

    private static int Mod(int a, int m) => ((a % m) + m) % m;

    /// <summary>Writes <paramref name="frames"/> frames at 25 fps with the codec the extension implies (.avi MJPG, .mkv FFV1).</summary>
    public string Write(string path, int frames, double fps = 25)
    {
        FourCC codec = Path.GetExtension(path) == ".mkv" ? FourCC.FromString("FFV1") : FourCC.MJPG;
        using var writer = new VideoWriter(path, codec, fps, new Size(Width, Height));
        if (!writer.IsOpened()) throw new IOException($"cannot write {path}");
        for (int t = 0; t < frames; t++)
        {
            using var f = Render(t);
            writer.Write(f);
        }
        return path;
    }
}
