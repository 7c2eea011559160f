namespace C3dNet.Synthetic;

/// <summary>Where the shape is in one frame: centre, rotation (degrees, OpenCV's sense: positive is counter-clockwise) and scale.</summary>
internal readonly record struct Pose(double X, double Y, double AngleDegrees, double Scale);

/// <summary>
/// The forward motion of one clip of a <see cref="MotionKind"/>: rightwards, downwards, clockwise or
/// growing. Speeds, start positions and drifts are random; the reversed class replays the frames
/// backwards, so both classes of a pair see the same frame distribution.
/// </summary>
internal sealed class ClipMotion
{
    private readonly Func<double, Pose> poseAt;

    private ClipMotion(Func<double, Pose> poseAt) => this.poseAt = poseAt;

    /// <summary>The pose at frame <paramref name="t"/> of <paramref name="frames"/>.</summary>
    public Pose At(int t, int frames) => poseAt(frames <= 1 ? 0 : t / (double)(frames - 1));

    public static ClipMotion Create(MotionKind kind, Random rng, int width, int height, int spriteSide, int frames)
    {
        double half = spriteSide / 2.0;
        double angle0 = SceneAppearance.Uniform(rng, 0, 360);
        // Sizes of still-sized shapes cover the same range the growing ones sweep through.
        double size = SceneAppearance.Uniform(rng, 0.45, 0.95);
        // Small drift so that no class is the only one with a still or a moving shape.
        double driftX = SceneAppearance.Uniform(rng, -0.06, 0.06) * width, driftY = SceneAppearance.Uniform(rng, -0.06, 0.06) * height;
        double Along(double extent, double travel) => SceneAppearance.Uniform(rng, half * 0.5, Math.Max(half * 0.5, extent - travel - half * 0.5));
        double Anywhere(double extent) => SceneAppearance.Uniform(rng, half * 0.8, Math.Max(half * 0.8, extent - half * 0.8));

        switch (kind)
        {
            case MotionKind.TranslateX:
            {
                double travel = SceneAppearance.Uniform(rng, 0.35, 0.6) * width;
                double x0 = Along(width, travel), y0 = Anywhere(height);
                return new ClipMotion(u => new Pose(x0 + travel * u, y0 + driftY * u, angle0, size));
            }
            case MotionKind.TranslateY:
            {
                double travel = SceneAppearance.Uniform(rng, 0.35, 0.6) * height;
                double x0 = Anywhere(width), y0 = Along(height, travel);
                return new ClipMotion(u => new Pose(x0 + driftX * u, y0 + travel * u, angle0, size));
            }
            case MotionKind.Rotate:
            {
                // Clockwise on screen is a negative OpenCV angle. At most 7 degrees per frame keeps the
                // direction unambiguous even after the preprocessing frame step (up to 4).
                double perFrame = SceneAppearance.Uniform(rng, 3, 7);
                double total = perFrame * Math.Max(1, frames - 1);
                double x0 = Anywhere(width), y0 = Anywhere(height);
                return new ClipMotion(u => new Pose(x0 + driftX * u, y0 + driftY * u, angle0 - total * u, size));
            }
            case MotionKind.Scale:
            {
                double ratio = SceneAppearance.Uniform(rng, 1.8, 2.2);
                double smallest = SceneAppearance.Uniform(rng, 0.42, 1.0 / ratio);
                double x0 = Anywhere(width), y0 = Anywhere(height);
                return new ClipMotion(u => new Pose(x0 + driftX * u, y0 + driftY * u, angle0, smallest * Math.Pow(ratio, u)));
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }
}
