using C3dNet.Datasets;
using C3dNet.Video;
using OpenCvSharp;

namespace C3dNet.Inference;

/// <summary>What an input is: a video file, a folder of frames that were already sampled, or frames a program supplied.</summary>
public enum InputKind { Video, FrameFolder, Frames }

/// <summary>Frames of one input, sampled and resized for the model, read lazily in order.</summary>
public interface ISampledSource : IDisposable
{
    string Input { get; }
    /// <summary>Frames per second of the source, or null when unknown (frame folders without --fps).</summary>
    double? Fps { get; }
    /// <summary>Source frames per sampled frame (1 for frame folders).</summary>
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
/// when it is missing the frames are counted first).
/// </summary>
public sealed class VideoSource : ISampledSource
{
    private readonly IFrameSource reader;
    private readonly SamplingSettings settings;
    private int lastIndex = -1;

    public string Input { get; }
    public double? Fps { get; }
    public int FrameStep { get; }
    public int Width => reader.Width;
    public int Height => reader.Height;
    /// <summary>The frame count the step was chosen from.</summary>
    public int ExpectedFrames { get; }
    public int SourceFrames => lastIndex + 1;

    private VideoSource(string path, IFrameSource reader, SamplingSettings settings, int expectedFrames, int step)
    {
        Input = path;
        this.reader = reader;
        this.settings = settings;
        ExpectedFrames = expectedFrames;
        FrameStep = step;
        Fps = reader.Fps > 0 && double.IsFinite(reader.Fps) ? reader.Fps : null;
    }

    /// <summary>Opens <paramref name="path"/>; <paramref name="step"/> forces a frame step instead of the rule's choice.</summary>
    public static VideoSource Open(string path, SamplingSettings settings, int? step = null)
    {
        IFrameSource Open() => VideoDecoders.OpenFile(path, settings.Decoder, 0, new Size(settings.ResizeWidth, settings.ResizeHeight));
        var reader = Open();
        try
        {
            int expected = reader.ReportedFrameCount;
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
        foreach (var f in reader.Frames(i => { lastIndex = i; return i % FrameStep == 0; }, cancel))
            yield return new SampledFrame(position++, f.Index, FrameResizer.Fit(f.Frame, settings.ResizeWidth, settings.ResizeHeight))
            {
                Seconds = f.Seconds,
                Duration = f.Duration,
            };
    }

    public void Dispose() => reader.Dispose();
}

/// <summary>A folder of frame images, used as they are (already sampled), resized when not at the model's frame size.</summary>
public sealed class FolderSource : ISampledSource
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
