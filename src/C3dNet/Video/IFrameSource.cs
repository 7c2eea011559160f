using OpenCvSharp;

namespace C3dNet.Video;

/// <summary>Sequential frames of one video, decoded only where asked for.</summary>
internal interface IFrameSource : IDisposable
{
    double Fps { get; }
    int ReportedFrameCount { get; }
    /// <summary>Frames read so far, kept or not: the true frame count once the stream is exhausted.</summary>
    int FramesGrabbed { get; }
    IEnumerable<(int Index, Mat Frame)> Frames(Func<int, bool>? keep, CancellationToken cancel);
}
