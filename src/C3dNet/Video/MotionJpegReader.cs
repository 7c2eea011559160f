using OpenCvSharp;

namespace C3dNet.Video;

/// <summary>
/// Reads a Motion-JPEG video packet by packet without decoding (FFmpeg's raw mode) and decodes only the
/// frames asked for, with libjpeg-turbo. Every MJPEG frame is a complete JPEG image, so frames that are
/// not kept cost nothing but reading; this build's FFmpeg decodes MJPEG without SIMD, libjpeg-turbo with.
/// Pixels differ from FFmpeg's decoding only by rounding and chroma upsampling (mean about 1 level of 255).
/// </summary>
internal sealed class MotionJpegReader : IFrameSource
{
    private readonly VideoCapture capture;

    public string Source { get; }
    public string Decoder { get; } = $"{VideoReader.Name} (Motion-JPEG: kept frames decoded as JPEGs)";
    public double Fps { get; }
    public int Width { get; }
    public int Height { get; }
    public int ReportedFrameCount { get; }
    public int FramesGrabbed { get; private set; }

    private MotionJpegReader(string source, VideoCapture capture)
    {
        Source = source;
        this.capture = capture;
        Width = capture.FrameWidth;
        Height = capture.FrameHeight;
        Fps = capture.Fps;
        ReportedFrameCount = Math.Max(0, (int)capture.FrameCount);
    }

    /// <summary>A reader when <paramref name="path"/> is a Motion-JPEG video FFmpeg can demux, else null.</summary>
    public static MotionJpegReader? TryOpen(string path)
    {
        var capture = new VideoCapture(path, VideoCaptureAPIs.FFMPEG, [(int)VideoCaptureProperties.Format, -1]);
        if (capture.IsOpened() && string.Equals(capture.FourCC, "MJPG", StringComparison.OrdinalIgnoreCase)
                               && capture.Get(VideoCaptureProperties.Format) == -1)
            return new MotionJpegReader(path, capture);
        capture.Dispose();
        return null;
    }

    /// <summary>
    /// Yields the kept frames, decoded to BGR. A packet that is not a whole JPEG (a truncated tail) ends the
    /// stream, as FFmpeg's decoding would. Throws <see cref="InvalidDataException"/> when a kept frame does not
    /// decode, so the caller can fall back to FFmpeg's decoder, which conceals damage.
    /// </summary>
    public IEnumerable<DecodedFrame> Frames(Func<int, bool>? keep, CancellationToken cancel)
    {
        using var packet = new Mat();
        for (int index = 0; ; index++)
        {
            cancel.ThrowIfCancellationRequested();
            if (!capture.Grab() || !capture.Retrieve(packet) || !IsWholeJpeg(packet)) yield break;
            FramesGrabbed++;
            if (keep is not null && !keep(index)) continue;
            var frame = Cv2.ImDecode(packet, ImreadModes.Color);
            if (frame.Empty())
            {
                frame.Dispose();
                throw new InvalidDataException($"frame {index} is not a decodable JPEG");
            }
            yield return new DecodedFrame(index, frame) { Seconds = VideoReader.TimeOf(capture) };
        }
    }

    /// <summary>Starts with SOI (FF D8) and has EOI (FF D9) in its last bytes (AVI chunks may be padded).</summary>
    private static unsafe bool IsWholeJpeg(Mat packet)
    {
        long n = packet.Total() * packet.ElemSize();
        if (n < 4 || !packet.IsContinuous()) return false;
        byte* p = (byte*)packet.DataPointer;
        if (p[0] != 0xFF || p[1] != 0xD8) return false;
        for (long i = n - 2; i >= Math.Max(2, n - 8); i--)
            if (p[i] == 0xFF && p[i + 1] == 0xD9) return true;
        return false;
    }

    public void Dispose() => capture.Dispose();
}
