using OpenCvSharp;

namespace C3dNet.Video;

/// <summary>
/// One decoded frame: its number in decoding order (0-based), the picture (owned by the receiver; BGR),
/// and the decoder's presentation time: <see cref="Seconds"/> from the start of the stream and
/// <see cref="Duration"/> in seconds, each null when the stream does not say.
/// </summary>
internal readonly record struct DecodedFrame(int Index, Mat Frame)
{
    public double? Seconds { get; init; }
    public double? Duration { get; init; }
}

/// <summary>Sequential frames of one video, decoded only where asked for.</summary>
internal interface IFrameSource : IDisposable
{
    string Source { get; }
    /// <summary>What decodes the frames, with its version: "ffmpeg (libavcodec 59.37.100)", "opencv 4.13.0", …</summary>
    string Decoder { get; }
    double Fps { get; }
    int ReportedFrameCount { get; }
    /// <summary>Size of the decoded pictures (after rotation metadata is applied), before any resizing.</summary>
    int Width { get; }
    int Height { get; }
    /// <summary>Frames read so far, kept or not: the true frame count once the stream is exhausted.</summary>
    int FramesGrabbed { get; }
    /// <summary>
    /// Decodes frames in order, yielding those <paramref name="keep"/> accepts (all when null). Stops at the
    /// end of the stream; throws <see cref="OperationCanceledException"/> on cancellation. <paramref name="keep"/> must
    /// depend on the index only: it may be asked ahead of decoding, more than once per index (frames not kept need not be decoded).
    /// </summary>
    IEnumerable<DecodedFrame> Frames(Func<int, bool>? keep, CancellationToken cancel);
}
