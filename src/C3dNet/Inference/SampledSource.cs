using C3dNet.Models;
using C3dNet.Datasets;
using C3dNet.Video;
using OpenCvSharp;

namespace C3dNet.Inference;

/// <summary>What an input is: a video file, a folder of frames that were already sampled, or frames a program supplied.</summary>
internal enum InputKind { Video, FrameFolder, Frames }

/// <summary>Frames of one input, sampled and resized for the model, read lazily in order.</summary>
internal interface ISampledSource : IDisposable
{
    string Input { get; }
    /// <summary>Frames per second of the source, or null when unknown (frame folders without --fps).</summary>
    double? Fps { get; }
    /// <summary>Source frames per sampled frame (1 for frame folders; rounded when resampling to a frame rate).</summary>
    int FrameStep { get; }
    int Width { get; }
    int Height { get; }
    /// <summary>Source frames seen so far (after enumerating: all of them).</summary>
    int SourceFrames { get; }
    IEnumerable<SampledFrame> Frames(CancellationToken cancel = default);
}

/// <summary>
/// A video file decoded once, keeping every k-th frame. k is the asked step, lowered for short videos
/// by <see cref="FrameStepRule"/> exactly as preprocessing does (the container's frame count decides;
/// when it is missing the frames are counted first). For a model that samples at a frame rate
/// (<see cref="SamplingSettings.FramesPerSecond"/>) it keeps the frames torchvision's resampling picks from the
/// video's frame rate and frame count instead (a frame picked twice, when upsampling, is given twice).
/// </summary>
internal sealed class VideoSource : ISampledSource
{
    private readonly IFrameSource reader;
    private readonly SamplingSettings settings;
    /// <summary>When resampling to a frame rate: how many times each source frame is used (null: every FrameStep-th).</summary>
    private readonly Dictionary<int, int>? picks;

    public string Input { get; }
    public double? Fps { get; }
    public int FrameStep { get; }
    public int Width => reader.Width;
    public int Height => reader.Height;
    /// <summary>The frame count the step was chosen from.</summary>
    public int ExpectedFrames { get; }
    public int SourceFrames => reader.FramesGrabbed;

    private VideoSource(string path, IFrameSource reader, SamplingSettings settings, int expectedFrames, int step)
    {
        Input = path;
        this.reader = reader;
        this.settings = settings;
        ExpectedFrames = expectedFrames;
        FrameStep = step;
        Fps = reader.Fps > 0 && double.IsFinite(reader.Fps) ? reader.Fps : null;
        if (settings.FramesPerSecond is double target)
        {
            double fps = Fps ?? throw new InvalidDataException($"{path}: the video reports no frame rate, and this model samples clips at {target:0.###} fps");
            picks = FrameRateResampling.SourceIndices(expectedFrames, fps, target).GroupBy(i => i).ToDictionary(g => g.Key, g => g.Count());
            FrameStep = Math.Max(1, (int)Math.Round(fps / target));
        }
    }

    /// <summary>True when the frames are picked by frame rate (the frame count decides which; see <see cref="WindowedInference"/>).</summary>
    public bool ResamplesFrameRate => picks is not null;

    /// <summary>
    /// Opens <paramref name="path"/>; <paramref name="step"/> forces a frame step instead of the rule's choice,
    /// <paramref name="frameCount"/> the frame count instead of the container's.
    /// </summary>
    public static VideoSource Open(string path, SamplingSettings settings, int? step = null, int? frameCount = null)
    {
        IFrameSource Open() => VideoDecoders.OpenFile(path, settings.Decoder, 0, new Size(settings.ResizeWidth, settings.ResizeHeight));
        var reader = Open();
        try
        {
            int expected = frameCount ?? reader.ReportedFrameCount;
            if (expected <= 0)
            {
                using var counter = Open();
                foreach (var _ in counter.Frames(_ => false, default)) { }
                expected = counter.FramesGrabbed;
            }
            return new VideoSource(path, reader, settings, expected, step ?? StepFor(expected, settings));
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>The step preprocessing would use for a video of <paramref name="frames"/> frames.</summary>
    public static int StepFor(int frames, SamplingSettings settings) =>
        FrameStepRule.Choose(frames, settings.FrameStep, settings.ClipLength);

    public IEnumerable<SampledFrame> Frames(CancellationToken cancel = default)
    {
        int position = 0;
        Func<int, bool> keep = picks is null ? i => i % FrameStep == 0 : picks.ContainsKey;
        foreach (var f in reader.Frames(keep, cancel))
        {
            var resized = FrameResizer.Fit(f.Frame, settings.ResizeWidth, settings.ResizeHeight);
            int uses = picks?[f.Index] ?? 1;
            for (int u = 1; u < uses; u++)
                yield return new SampledFrame(position++, f.Index, resized.Clone()) { Seconds = f.Seconds, Duration = f.Duration };
            yield return new SampledFrame(position++, f.Index, resized) { Seconds = f.Seconds, Duration = f.Duration };
        }
    }

    public void Dispose() => reader.Dispose();
}

/// <summary>A folder of frame images, used as they are (already sampled), resized when not at the model's frame size.</summary>
internal sealed class FolderSource : ISampledSource
{
    private readonly IReadOnlyList<string> files;
    private readonly SamplingSettings settings;
    private int seen;

    public string Input { get; }
    public double? Fps { get; }
    public int FrameStep => 1;
    public int Width { get; }
    public int Height { get; }
    public int SourceFrames => seen;
    public int FileCount => files.Count;

    private FolderSource(string dir, IReadOnlyList<string> files, SamplingSettings settings, Size size)
    {
        Input = dir;
        this.files = files;
        this.settings = settings;
        Fps = settings.FolderFps;
        Width = size.Width;
        Height = size.Height;
    }

    public static FolderSource Open(string dir, SamplingSettings settings)
    {
        var files = FrameFolder.RequireFrames(dir);
        using var first = Read(files[0]);
        return new FolderSource(dir, files, settings, first.Size());
    }

    public IEnumerable<SampledFrame> Frames(CancellationToken cancel = default)
    {
        for (int i = 0; i < files.Count; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var frame = Read(files[i]);
            seen = i + 1;
            yield return new SampledFrame(i, i, FrameResizer.Fit(frame, settings.ResizeWidth, settings.ResizeHeight));
        }
    }

    /// <summary>Reads one frame image as 8-bit BGR; throws naming the file when it is not an image or a truncated JPEG.</summary>
    public static Mat Read(string file) => FrameFolder.Decode(file);

    public void Dispose() { }
}
