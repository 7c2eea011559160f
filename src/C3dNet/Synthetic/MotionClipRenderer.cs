using OpenCvSharp;

namespace C3dNet.Synthetic;

/// <summary>Renders the frames of one clip: the textured shape at its pose over the background, plus sensor noise.</summary>
internal static class MotionClipRenderer
{
    /// <summary>Noise is cut from one larger field at a random offset per frame: as random to the eye, far cheaper to make.</summary>
    private const int NoiseMargin = 24;

    /// <summary>Frames in the order they are to be written (reversed for the reversed class of a pair). Caller disposes them.</summary>
    public static List<Mat> Render(MotionClass motionClass, SceneAppearance scene, Random rng, int frames, int width, int height)
    {
        var motion = ClipMotion.Create(motionClass.Kind, rng, width, height, scene.SpriteSide, frames);
        double noiseSigma = SceneAppearance.Uniform(rng, 2, 8);
        var noiseRng = new RNG((ulong)rng.NextInt64(1, long.MaxValue));
        using var noiseField = new Mat(height + NoiseMargin, width + NoiseMargin, MatType.CV_16SC3);
        noiseRng.Fill(noiseField, DistributionType.Normal, InputArray.Create(new Scalar(0)), InputArray.Create(new Scalar(noiseSigma)));

        var frameRect = new Rect(0, 0, width, height);
        var result = new List<Mat>(frames);
        using var warpedSprite = new Mat();
        using var alpha = new Mat();
        using var inverse = new Mat();
        double centre = scene.SpriteSide / 2.0;
        for (int t = 0; t < frames; t++)
        {
            var pose = motion.At(t, frames);
            var frame = scene.Background.Clone();
            result.Add(frame);
            // Warp only into the box the shape can cover (its bounding circle): a fraction of the frame.
            double reach = centre * pose.Scale * 1.02 + 1;
            var box = Rect.FromLTRB((int)Math.Floor(pose.X - reach), (int)Math.Floor(pose.Y - reach),
                                    (int)Math.Ceiling(pose.X + reach), (int)Math.Ceiling(pose.Y + reach)).Intersect(frameRect);
            if (box.Width > 0 && box.Height > 0)
            {
                using var transform = Cv2.GetRotationMatrix2D(new Point2f((float)centre, (float)centre), pose.AngleDegrees, pose.Scale);
                transform.Set(0, 2, transform.At<double>(0, 2) + pose.X - centre - box.X);
                transform.Set(1, 2, transform.At<double>(1, 2) + pose.Y - centre - box.Y);
                Cv2.WarpAffine(scene.Sprite, warpedSprite, transform, box.Size, InterpolationFlags.Linear, BorderTypes.Constant, Scalar.All(0));
                Cv2.WarpAffine(scene.Alpha, alpha, transform, box.Size, InterpolationFlags.Linear, BorderTypes.Constant, Scalar.All(0));
                Cv2.Subtract(Scalar.All(1), alpha, inverse);
                using var region = new Mat(frame, box);
                Cv2.BlendLinear(warpedSprite, region, alpha, inverse, region);
            }
            using var noise = new Mat(noiseField, new Rect(rng.Next(NoiseMargin + 1), rng.Next(NoiseMargin + 1), width, height));
            Cv2.Add(frame, noise, frame, null, MatType.CV_8UC3.Value);
        }
        if (motionClass.Reversed) result.Reverse();
        return result;
    }
}
