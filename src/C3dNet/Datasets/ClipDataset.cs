using C3dNet.Models;
using C3dNet.Runtime;
using OpenCvSharp;

namespace C3dNet.Datasets;

/// <summary>Which clip to cut: video, first frame, spatial crop and horizontal flip.</summary>
internal readonly record struct ClipSpec(int Video, int Start, CropBox Crop, bool Flip);

/// <summary>
/// Clips from a list of videos as the network takes them (<see cref="ClipTensor"/>): training clips at a random
/// start with one random crop and a horizontal flip (probability 0.5 by default); evaluation clips at evenly spaced starts with
/// the centre crop. Frames are read one by one, only those a clip needs, and resized to the model's frame size
/// when stored at another size. Every random choice derives from (seed, epoch, position): the same seed gives
/// the same clips whatever the thread timing, and a resumed run draws exactly what an uninterrupted one would.
/// </summary>
internal sealed class ClipDataset
{
    public IReadOnlyList<VideoEntry> Videos { get; }
    public C3dConfig Config { get; }
    /// <summary>Floats in one clip tensor (3 x T x S x S).</summary>
    public int ClipFloats => ClipTensor.Length(Config.ClipLength, Config.CropSize);
    /// <summary>Shape of a batch of <paramref name="count"/> clips.</summary>
    public long[] BatchShape(int count) => [count, 3, Config.ClipLength, Config.CropSize, Config.CropSize];

    public ClipDataset(IReadOnlyList<VideoEntry> videos, C3dConfig config)
    {
        if (config.CropSize > config.ResizeWidth || config.CropSize > config.ResizeHeight)
            throw new ArgumentException($"crop {config.CropSize}x{config.CropSize} does not fit frames of {config.ResizeWidth}x{config.ResizeHeight}: choose a smaller --crop-size or a larger --resize");
        Videos = videos;
        Config = config;
    }

    /// <summary>
    /// One training clip per video in a seeded random order, as the reference's shuffled DataLoader. Flips happen with
    /// <paramref name="flipProbability"/> (the reference: 0.5); classes told apart by horizontal direction (left vs
    /// right, clockwise vs counter-clockwise) need 0, since a flip turns one into the other.
    /// </summary>
    public ClipSpec[] TrainEpoch(long seed, int epoch, double flipProbability = 0.5)
    {
        var order = Enumerable.Range(0, Videos.Count).ToArray();
        Seeding.For(seed, $"shuffle/{epoch}").Shuffle(order);
        var specs = new ClipSpec[order.Length];
        for (int i = 0; i < order.Length; i++)
        {
            var rng = Seeding.For(seed, $"clip/{epoch}/{i}");
            int v = order[i];
            int start = ClipSampler.RandomStart(Videos[v].Frames.Count, Config.ClipLength, rng);
            var crop = CropBox.Random(Config.ResizeHeight, Config.ResizeWidth, Config.CropSize, rng);
            specs[i] = new ClipSpec(v, start, crop, rng.NextDouble() < flipProbability);
        }
        return specs;
    }

    /// <summary><paramref name="clipsPerVideo"/> evenly spaced centre-crop clips per video, video by video.</summary>
    public ClipSpec[] EvalClips(int clipsPerVideo)
    {
        var crop = CropBox.Center(Config.ResizeHeight, Config.ResizeWidth, Config.CropSize);
        var specs = new List<ClipSpec>(Videos.Count * clipsPerVideo);
        for (int v = 0; v < Videos.Count; v++)
            foreach (int start in ClipSampler.EvenStarts(Videos[v].Frames.Count, Config.ClipLength, clipsPerVideo))
                specs.Add(new ClipSpec(v, start, crop, false));
        return specs.ToArray();
    }

    /// <summary>Reads the frames of <paramref name="spec"/> and writes the clip tensor into <paramref name="dest"/>.</summary>
    /// <exception cref="FrameReadException">A frame is missing or cannot be decoded.</exception>
    public void Write(ClipSpec spec, Span<float> dest)
    {
        var video = Videos[spec.Video];
        var indices = ClipSampler.FrameIndices(spec.Start, Config.ClipLength, video.Frames.Count);
        // A looped short video needs each distinct frame once.
        var decoded = new Dictionary<int, Mat>();
        var frames = new Mat[indices.Length];
        try
        {
            for (int i = 0; i < indices.Length; i++)
            {
                if (!decoded.TryGetValue(indices[i], out var mat))
                    decoded[indices[i]] = mat = FrameFolder.Read(video.Frames[indices[i]], Config.ResizeWidth, Config.ResizeHeight);
                frames[i] = mat;
            }
            ClipTensor.Write(dest, frames, spec.Crop, spec.Flip, Config);
        }
        finally
        {
            foreach (var m in decoded.Values) m.Dispose();
        }
    }
}
