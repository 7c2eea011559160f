using C3dNet.Datasets;
using OpenCvSharp;

namespace C3dNet.Tests.Datasets;

/// <summary>
/// Writes small frame datasets in the layout `c3d preprocess` produces (DATA/{split}/&lt;class&gt;/&lt;video&gt;/00001.jpg,
/// labels.txt), so the loader and trainer are tested without the preprocess branch. Classes differ only by
/// motion: a textured block moving left/right/up/down, or growing/shrinking, over a noisy background, so no
/// single frame tells the class. Seeded: the same seed writes the same pixels.
/// </summary>
internal static class MotionFrames
{
    public static readonly string[] AllClasses = ["MoveLeft", "MoveRight", "MoveUp", "MoveDown", "Grow", "Shrink"];

    public sealed record Options
    {
        public int Classes { get; init; } = 2;
        public int TrainPerClass { get; init; } = 8;
        public int ValPerClass { get; init; } = 2;
        public int TestPerClass { get; init; } = 2;
        public int Frames { get; init; } = 24;
        public int Width { get; init; } = 171;
        public int Height { get; init; } = 128;
        public int Seed { get; init; } = 1;
        /// <summary>The reference's unpadded names 00000.jpg, 00001.jpg, …, 000010.jpg instead of 00001.jpg ….</summary>
        public bool ReferenceNames { get; init; }
        public bool WriteLabels { get; init; } = true;
    }

    public static string[] Write(string root, Options o)
    {
        var classes = AllClasses.Take(o.Classes).ToArray();
        var rng = new Random(o.Seed);
        foreach (var (split, perClass) in new[] { ("train", o.TrainPerClass), ("val", o.ValPerClass), ("test", o.TestPerClass) })
        {
            if (perClass == 0) continue;
            for (int c = 0; c < classes.Length; c++)
                for (int v = 0; v < perClass; v++)
                    WriteVideo(Path.Combine(root, split, classes[c], $"v_{classes[c]}_g{v + 1:D2}_c01"), classes[c], o.Frames, rng, o);
        }
        if (o.WriteLabels) LabelFile.Write(Path.Combine(root, "labels.txt"), classes);
        return classes;
    }

    public static string FrameName(int i, bool reference) => reference ? $"0000{i}.jpg" : $"{i + 1:D5}.jpg";

    public static void WriteVideo(string dir, string motion, int frames, Random rng, Options o)
    {
        Directory.CreateDirectory(dir);
        int w = o.Width, h = o.Height;
        var background = new byte[w * h * 3];
        rng.NextBytes(background);
        var baseColor = new[] { rng.Next(40, 200), rng.Next(40, 200), rng.Next(40, 200) };
        for (int i = 0; i < background.Length; i++) background[i] = (byte)(baseColor[i % 3] + background[i] % 40 - 20);
        var colorA = new Scalar(rng.Next(256), rng.Next(256), rng.Next(256));
        var colorB = new Scalar(255 - colorA.Val0, 255 - colorA.Val1, 255 - colorA.Val2);
        double scale = w / 171.0;
        double size0 = (motion is "Grow" or "Shrink" ? rng.Next(26, 40) : rng.Next(20, 34)) * scale;
        double speed = (rng.NextDouble() * 1.2 + 1.6) * scale * 24.0 / frames;
        double growth = (rng.NextDouble() * 0.6 + 0.9) * scale * 24.0 / frames;
        double cx0 = w / 2.0 + (rng.NextDouble() - 0.5) * 24 * scale, cy0 = h / 2.0 + (rng.NextDouble() - 0.5) * 16 * scale;
        int cells = rng.Next(2, 5);
        using var frame = new Mat(h, w, MatType.CV_8UC3);
        for (int t = 0; t < frames; t++)
        {
            double dt = t - (frames - 1) / 2.0;
            double cx = cx0, cy = cy0, size = size0;
            switch (motion)
            {
                case "MoveLeft": cx -= speed * dt; break;
                case "MoveRight": cx += speed * dt; break;
                case "MoveUp": cy -= speed * dt * 0.75; break;
                case "MoveDown": cy += speed * dt * 0.75; break;
                case "Grow": size += growth * dt; break;
                case "Shrink": size -= growth * dt; break;
            }
            size = Math.Max(4, size);
            System.Runtime.InteropServices.Marshal.Copy(background, 0, frame.Data, background.Length);
            double cell = size / cells;
            for (int yy = 0; yy < cells; yy++)
                for (int xx = 0; xx < cells; xx++)
                {
                    var p1 = new Point((int)(cx - size / 2 + xx * cell), (int)(cy - size / 2 + yy * cell));
                    var p2 = new Point((int)(cx - size / 2 + (xx + 1) * cell) - 1, (int)(cy - size / 2 + (yy + 1) * cell) - 1);
                    Cv2.Rectangle(frame, p1, p2, (xx + yy) % 2 == 0 ? colorA : colorB, -1);
                }
            Cv2.ImWrite(Path.Combine(dir, FrameName(t, o.ReferenceNames)), frame, new ImageEncodingParam(ImwriteFlags.JpegQuality, 90));
        }
    }
}
