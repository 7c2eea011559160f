using OpenCvSharp;

namespace C3dNet.Video;

/// <summary>Thrown when a video cannot be opened or decoded; the message names the file and the problem.</summary>
public sealed class VideoReadException(string path, string problem) : Exception($"{path}: {problem}")
{
    /// <summary>The video file or stream.</summary>
    public string Path { get; } = path;
    /// <summary>What is wrong with it (the message without the path).</summary>
    public string Problem { get; } = problem;
}

/// <summary>
/// Sequential decoding of a video file or stream with OpenCV (FFmpeg inside). Frames are BGR as
/// OpenCV decodes them. Frames that are not wanted are only grabbed, never colour-converted.
/// </summary>
internal sealed class VideoReader : IDisposable, IFrameSource
{
    private readonly VideoCapture capture;

    public string Source { get; }
    /// <summary>"opencv VERSION": OpenCvSharp's OpenCV and the FFmpeg bundled with it.</summary>
    public string Decoder => Name;
    internal static readonly string Name = $"opencv {Cv2.GetVersionString()}";
    public double Fps { get; }
    /// <summary>The container's frame count: often wrong, so count decoded frames where it matters.</summary>
    public int ReportedFrameCount { get; }
    public int Width { get; }
    public int Height { get; }

    private VideoReader(string source, VideoCapture capture)
    {
        Source = source;
        this.capture = capture;
        Fps = capture.Fps;
        ReportedFrameCount = Math.Max(0, (int)capture.FrameCount);
        Width = capture.FrameWidth;
        Height = capture.FrameHeight;
    }

    /// <summary>Frames grabbed so far (decoded, whether kept or not): the true frame count once the stream is exhausted.</summary>
    public int FramesGrabbed { get; private set; }

    /// <summary>Opens a video file. Throws <see cref="VideoReadException"/> when it is missing, empty, unreadable or not a video.</summary>
    public static VideoReader Open(string path)
    {
        CheckReadable(path);
        return OpenCapture(path, new VideoCapture(path));
    }

    /// <summary>
    /// Opens a video file with FFmpeg, using at most <paramref name="decoderThreads"/> decoding threads (0: FFmpeg's
    /// default, one per core). One thread per video is the efficient choice when several videos decode in parallel.
    /// Only FFmpeg is tried: other OpenCV backends add nothing for files and print noise when they fail.
    /// </summary>
    public static VideoReader Open(string path, int decoderThreads)
    {
        CheckReadable(path);
        return OpenCapture(path, decoderThreads > 0
            ? new VideoCapture(path, VideoCaptureAPIs.FFMPEG, [CapPropNThreads, decoderThreads])
            : new VideoCapture(path, VideoCaptureAPIs.FFMPEG));
    }

    /// <summary>cv::CAP_PROP_N_THREADS (OpenCV 4.6+), an open-time parameter the OpenCvSharp enum does not name.</summary>
    private const int CapPropNThreads = 70;

    internal static void CheckReadable(string path)
    {
        if (Directory.Exists(path)) throw new VideoReadException(path, "is a folder, not a video file");
        var info = new FileInfo(path);
        if (info.LinkTarget is { } target && !LinkResolves(info))
            throw new VideoReadException(path, $"broken link to {target}");
        if (!info.Exists) throw new VideoReadException(path, "file not found");
        if (info.Length == 0) throw new VideoReadException(path, "file is empty (0 bytes)");
        try { using var _ = File.OpenRead(path); }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new VideoReadException(path, $"cannot be read ({e.Message})");
        }
    }

    private static bool LinkResolves(FileInfo link)
    {
        try { return link.ResolveLinkTarget(returnFinalTarget: true) is { Exists: true }; }
        catch (IOException) { return false; } // a cycle of links
    }

    /// <summary>Opens a camera index ("0") or a stream URL that OpenCV understands.</summary>
    public static VideoReader OpenStream(string source) =>
        OpenCapture(source, int.TryParse(source, out int camera) ? new VideoCapture(camera) : new VideoCapture(source));

    private static VideoReader OpenCapture(string source, VideoCapture capture)
    {
        if (!capture.IsOpened())
        {
            capture.Dispose();
            throw new VideoReadException(source, "cannot be opened as a video (not a video, an unsupported codec, or unreadable)");
        }
        return new VideoReader(source, capture);
    }

    /// <summary>
    /// Decodes frames in order, yielding those <paramref name="keep"/> accepts, with OpenCV's time of each
    /// (CAP_PROP_POS_MSEC: the decoder's pts from the start of the stream; no duration).
    /// The yielded Mat is owned by the caller. Stops at the end of the stream or on cancellation.
    /// </summary>
    public IEnumerable<DecodedFrame> Frames(Func<int, bool>? keep = null, CancellationToken cancel = default)
    {
        for (int index = 0; ; index++)
        {
            cancel.ThrowIfCancellationRequested();
            if (!capture.Grab()) yield break;
            FramesGrabbed++;
            if (keep is not null && !keep(index)) continue;
            var frame = new Mat();
            if (!capture.Retrieve(frame) || frame.Empty())
            {
                frame.Dispose();
                yield break;
            }
            yield return new DecodedFrame(index, frame) { Seconds = TimeOf(capture) };
        }
    }

    /// <summary>The grabbed frame's time in seconds, or null when OpenCV has none.</summary>
    internal static double? TimeOf(VideoCapture capture)
    {
        double ms = capture.Get(VideoCaptureProperties.PosMsec);
        return double.IsFinite(ms) && ms >= 0 ? ms / 1000 : null;
    }

    /// <summary>Counts the frames that actually decode (grabs only); the reader is spent afterwards.</summary>
    public int CountFrames(CancellationToken cancel = default)
    {
        int n = 0;
        while (capture.Grab()) { cancel.ThrowIfCancellationRequested(); n++; }
        FramesGrabbed += n;
        return n;
    }

    public void Dispose() => capture.Dispose();
}
