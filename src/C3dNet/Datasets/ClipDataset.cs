using C3dNet.Models;
using C3dNet.Runtime;
using OpenCvSharp;

namespace C3dNet.Datasets;

/// <summary>Which clip to cut: video, first frame, spatial crop and horizontal flip.</summary>
internal readonly record struct ClipSpec(int Video, int Start, CropBox Crop, bool Flip);

/// <summary>
/// Clips from a list of videos as the network takes them (<see cref="InputTensor"/> with the config's
/// <see cref="ModelInput"/>): training clips at a random
/// start with one random crop and a horizontal flip (probability 0.5 by default); evaluation clips at evenly spaced starts with
/// the centre crop. Frames are read one by one, only those a clip needs, and resized to the model's frame size
/// when stored at another size. Every random choice derives from (seed, epoch, position): the same seed gives
/// the same clips whatever the thread timing, and a resumed run draws exactly what an uninterrupted one would.
/// Clips are cut from each video's <see cref="Timeline"/>: its frames as they are for a model that takes every k-th frame
/// (C3D: preprocessing kept those), or resampled to the model's frame rate (the ResNets' 15 fps) from the folder's own.
/// </summary>
internal sealed class ClipDataset
{
    public IReadOnlyList<VideoEntry> Videos { get; }
    public C3dConfig Config { get; }
    /// <summary>Floats in one clip tensor (3 x T x S x S).</summary>
    public int ClipFloats => InputTensor.Length(Config.ClipLength, Config.CropSize);
    private readonly ModelInput input;
    /// <summary>Per video, the indices into its frames that the model's clips are cut from, in time order.</summary>
    private readonly int[][] timelines;
    /// <summary>Shape of a batch of <paramref name="count"/> clips.</summary>
    public long[] BatchShape(int count) => [count, 3, Config.ClipLength, Config.CropSize, Config.CropSize];

    public ClipDataset(IReadOnlyList<VideoEntry> videos, C3dConfig config)
    {
        if (config.CropSize > config.ResizeWidth || config.CropSize > config.ResizeHeight)
            throw new ArgumentException($"crop {config.CropSize}x{config.CropSize} does not fit frames of {config.ResizeWidth}x{config.ResizeHeight}: choose a smaller --crop-size or a larger --resize");
        Videos = videos;
        Config = config;
        input = config.Input;
        timelines = videos.Select(v => Timeline(v, input)).ToArray();
    }

    /// <summary>
    /// The frames of <paramref name="video"/> a model sees, as indices into its frame files. A model that samples at a
    /// frame rate (<see cref="TemporalSampling.FramesPerSecond"/>) sees the folder resampled from its frame rate
    /// (<see cref="VideoEntry.FramesPerSecond"/>: source fps over the frame step kept) as torchvision's resampling does
    /// (<see cref="FrameRateResampling"/>): a 30 fps video preprocessed with --frame-step 2 is used as it is, one at
    /// --frame-step 1 every other frame. Folders of unknown rate, and every-k-th-frame models, use every frame.
    /// </summary>
    public static int[] Timeline(VideoEntry video, ModelInput input)
    {
        int n = video.Frames.Count;
        if (input.Sampling.FramesPerSecond is double target && video.FramesPerSecond is double rate
            && FrameRateResampling.SourceIndices(n, rate, target) is { Length: > 0 } picks)
            return picks;
        return Enumerable.Range(0, n).ToArray();
    }

    /// <summary>
    /// What a frame-rate model cannot get right from <paramref name="videos"/>' frames, one line each: folders of unknown
    /// frame rate (used as they are) and folders slower than the model's rate (frames repeat). Nothing for C3D.
    /// </summary>
    public static IReadOnlyList<string> SamplingNotices(IReadOnlyList<VideoEntry> videos, C3dConfig config, string where)
    {
        if (config.Input.Sampling.FramesPerSecond is not double target) return [];
        var notices = new List<string>();
        int unknown = videos.Count(v => v.FramesPerSecond is null);
        if (unknown > 0)
            notices.Add($"{where}: {unknown} of {videos.Count} videos have no frame rate in manifest.json; {config.Architecture} samples at {target:0.###} fps, so their frames are used as they are");
        var slow = videos.Where(v => v.FramesPerSecond < target * 0.999).ToList();
        if (slow.Count > 0)
            notices.Add($"{where}: {slow.Count} of {videos.Count} videos have frames at {slow.Min(v => v.FramesPerSecond):0.###} fps, below {config.Architecture}'s {target:0.###} fps, so frames repeat: " +
                $"preprocess with a smaller --frame-step (source fps / {target:0.###}, e.g. 2 for 30 fps videos)");
        return notices;
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
            int start = ClipSampler.RandomStart(timelines[v].Length, Config.ClipLength, rng);
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
            foreach (int start in ClipSampler.EvenStarts(timelines[v].Length, Config.ClipLength, clipsPerVideo))
                specs.Add(new ClipSpec(v, start, crop, false));
        return specs.ToArray();
    }

    /// <summary>Reads the frames of <paramref name="spec"/> and writes the clip tensor into <paramref name="dest"/>.</summary>
    /// <exception cref="FrameReadException">A frame is missing or cannot be decoded.</exception>
    public void Write(ClipSpec spec, Span<float> dest)
    {
        var video = Videos[spec.Video];
        var timeline = timelines[spec.Video];
        var indices = ClipSampler.FrameIndices(spec.Start, Config.ClipLength, timeline.Length).Select(i => timeline[i]).ToArray();
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
            InputTensor.Write(dest, frames, spec.Crop, spec.Flip, input);
        }
        finally
        {
            foreach (var m in decoded.Values) m.Dispose();
        }
    }
}
