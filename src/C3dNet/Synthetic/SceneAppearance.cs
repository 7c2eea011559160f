using OpenCvSharp;

namespace C3dNet.Synthetic;

/// <summary>
/// What a group of clips looks like: a smooth, cluttered background and a textured shape (sprite
/// with an alpha mask). Drawn from the same distribution for every class, so appearance never
/// tells the class.
/// </summary>
internal sealed class SceneAppearance : IDisposable
{
    public Mat Background { get; }
    /// <summary>Square BGR sprite; the shape fits its inscribed circle so rotation never clips it.</summary>
    public Mat Sprite { get; }
    /// <summary>Alpha of the sprite, CV_32F in [0, 1].</summary>
    public Mat Alpha { get; }
    public int SpriteSide => Sprite.Cols;

    private SceneAppearance(Mat background, Mat sprite, Mat alpha) { Background = background; Sprite = sprite; Alpha = alpha; }

    public static SceneAppearance Create(Random rng, int width, int height)
    {
        int side = (int)Math.Round(Math.Min(width, height) * Uniform(rng, 0.42, 0.55));
        return new SceneAppearance(MakeBackground(rng, width, height), MakeTexture(rng, side), MakeShapeMask(rng, side));
    }

    private static Mat MakeBackground(Random rng, int width, int height)
    {
        // Colour blobs: a coarse random grid scaled up smoothly, around a dim base colour.
        var baseColour = RandomColour(rng, 30, 140);
        int rows = Math.Max(2, height / 20), cols = Math.Max(2, width / 20);
        var cells = new Vec3b[rows * cols];
        for (int i = 0; i < cells.Length; i++)
            cells[i] = new Vec3b(Jitter(rng, baseColour.Val0, 35), Jitter(rng, baseColour.Val1, 35), Jitter(rng, baseColour.Val2, 35));
        using var coarse = new Mat(rows, cols, MatType.CV_8UC3);
        coarse.SetArray(cells);
        var background = new Mat();
        Cv2.Resize(coarse, background, new Size(width, height), 0, 0, InterpolationFlags.Cubic);
        // Static clutter: a few thin rectangles and lines, dimmer than the moving shape.
        int clutter = rng.Next(2, 6);
        for (int i = 0; i < clutter; i++)
        {
            var colour = RandomColour(rng, 20, 160);
            var a = new Point(rng.Next(width), rng.Next(height));
            var b = new Point(rng.Next(width), rng.Next(height));
            if (rng.Next(2) == 0) Cv2.Rectangle(background, a, b, colour, 1, LineTypes.AntiAlias);
            else Cv2.Line(background, a, b, colour, rng.Next(1, 3), LineTypes.AntiAlias);
        }
        return background;
    }

    /// <summary>Stripes or checks in two bright colours at a random angle: texture makes rotation visible.</summary>
    private static Mat MakeTexture(Random rng, int side)
    {
        var a = RandomColour(rng, 150, 255);
        var b = RandomColour(rng, 40, 200);
        double period = Uniform(rng, side / 7.0, side / 3.5), angle = Uniform(rng, 0, Math.PI);
        bool checks = rng.Next(2) == 0;
        double cos = Math.Cos(angle), sin = Math.Sin(angle);
        var pixels = new Vec3b[side * side];
        var va = new Vec3b((byte)a.Val0, (byte)a.Val1, (byte)a.Val2);
        var vb = new Vec3b((byte)b.Val0, (byte)b.Val1, (byte)b.Val2);
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
            {
                double u = (x * cos + y * sin) / period, v = (-x * sin + y * cos) / period;
                bool first = checks ? (((int)Math.Floor(u) + (int)Math.Floor(v)) & 1) == 0 : ((int)Math.Floor(u) & 1) == 0;
                pixels[y * side + x] = first ? va : vb;
            }
        var texture = new Mat(side, side, MatType.CV_8UC3);
        texture.SetArray(pixels);
        return texture;
    }

    /// <summary>A random shape (polygon, star, ellipse or cross) as a soft alpha mask.</summary>
    private static Mat MakeShapeMask(Random rng, int side)
    {
        using var mask = new Mat(side, side, MatType.CV_8UC1, Scalar.All(0));
        var c = new Point2d(side / 2.0, side / 2.0);
        double r = side / 2.0 * 0.92;
        double turn = Uniform(rng, 0, 2 * Math.PI);
        switch (rng.Next(5))
        {
            case 0: FillPolygon(mask, RegularPolygon(c, r, rng.Next(3, 7), turn)); break;
            case 1: FillPolygon(mask, Star(c, r, r * Uniform(rng, 0.4, 0.6), rng.Next(4, 7), turn)); break;
            case 2:
                Cv2.Ellipse(mask, new Point((int)c.X, (int)c.Y), new Size((int)r, (int)(r * Uniform(rng, 0.45, 0.75))),
                    turn * 180 / Math.PI, 0, 360, Scalar.All(255), -1, LineTypes.AntiAlias);
                break;
            case 3: FillPolygon(mask, Cross(c, r, r * Uniform(rng, 0.3, 0.45), turn)); break;
            default: FillPolygon(mask, Arrowish(c, r, turn)); break;
        }
        var alpha = new Mat();
        mask.ConvertTo(alpha, MatType.CV_32F, 1 / 255.0);
        return alpha;
    }

    private static void FillPolygon(Mat mask, IEnumerable<Point2d> points) =>
        Cv2.FillPoly(mask, [points.Select(p => new Point((int)Math.Round(p.X), (int)Math.Round(p.Y)))], Scalar.All(255), LineTypes.AntiAlias);

    private static IEnumerable<Point2d> RegularPolygon(Point2d c, double r, int n, double turn) =>
        Enumerable.Range(0, n).Select(i => Polar(c, r, turn + 2 * Math.PI * i / n));

    private static IEnumerable<Point2d> Star(Point2d c, double outer, double inner, int n, double turn) =>
        Enumerable.Range(0, 2 * n).Select(i => Polar(c, i % 2 == 0 ? outer : inner, turn + Math.PI * i / n));

    private static IEnumerable<Point2d> Cross(Point2d c, double r, double half, double turn)
    {
        // A plus sign with one longer arm, so it has no rotational symmetry.
        (double x, double y)[] outline =
        [
            (half, half), (r, half), (r, -half), (half, -half), (half, -r * 0.7), (-half, -r * 0.7), (-half, -half),
            (-r * 0.7, -half), (-r * 0.7, half), (-half, half), (-half, r), (half, r),
        ];
        return outline.Select(p => Rotate(c, p.x, p.y, turn));
    }

    private static IEnumerable<Point2d> Arrowish(Point2d c, double r, double turn)
    {
        (double x, double y)[] outline = [(r, 0), (0, -r * 0.8), (0, -r * 0.35), (-r * 0.9, -r * 0.35), (-r * 0.9, r * 0.35), (0, r * 0.35), (0, r * 0.8)];
        return outline.Select(p => Rotate(c, p.x, p.y, turn));
    }

    private static Point2d Polar(Point2d c, double r, double angle) => new(c.X + r * Math.Cos(angle), c.Y + r * Math.Sin(angle));
    private static Point2d Rotate(Point2d c, double x, double y, double a) =>
        new(c.X + x * Math.Cos(a) - y * Math.Sin(a), c.Y + x * Math.Sin(a) + y * Math.Cos(a));

    private static Scalar RandomColour(Random rng, int min, int max) => new(rng.Next(min, max), rng.Next(min, max), rng.Next(min, max));
    private static byte Jitter(Random rng, double value, int amount) => (byte)Math.Clamp(value + rng.Next(-amount, amount + 1), 0, 255);
    internal static double Uniform(Random rng, double min, double max) => min + (max - min) * rng.NextDouble();

    public void Dispose()
    {
        Background.Dispose();
        Sprite.Dispose();
        Alpha.Dispose();
    }
}
