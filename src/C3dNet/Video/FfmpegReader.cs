using System.Runtime.InteropServices;
using OpenCvSharp;

namespace C3dNet.Video;

/// <summary>
/// Sequential decoding with the system's FFmpeg through the shim (<see cref="AvShim"/>). Every frame is
/// decoded; only kept frames are converted, from the decoder's YUV to BGR (one unscaled libswscale call),
/// then resized to <see cref="OutputSize"/> when given (bilinear, cv2.resize). Rotation metadata is applied as OpenCV
/// applies it (the picture is turned upright; width and height swap for 90 and 270 degrees).
/// Times are the decoder's: pts x time base from the start of the stream.
/// H.264 files: frames that are not kept and that no other frame refers to (non-reference) are not decoded at all;
/// they still count, so indices and <see cref="FramesGrabbed"/> are those of decoding everything (checked as frames
/// come; when the count cannot be kept exact the video is decoded again without skipping, transparently).
/// </summary>
internal sealed class FfmpegReader : IFrameSource
{
    private nint handle;
    private readonly int rotation;
    private readonly int threads;
    private readonly bool isStream;
    private GCHandle keepHandle;

    public string Source { get; }
    public string Decoder => AvShim.DecoderName;
    public double Fps { get; }
    public int ReportedFrameCount { get; }
    public int Width { get; }
    public int Height { get; }
    public int FramesGrabbed { get; private set; }
    /// <summary>FFmpeg's name of the video codec: "mpeg4", "h264", "mjpeg", …</summary>
    public string Codec { get; }
    /// <summary>Size kept frames are converted to; null: the picture's own size.</summary>
    public Size? OutputSize { get; }

    /// <summary>Frames not decoded (non-reference H.264 frames not kept), so far.</summary>
    public int FramesSkipped { get; private set; }

    private FfmpegReader(string source, nint handle, Size? outputSize, int threads, bool isStream)
    {
        Source = source;
        this.handle = handle;
        this.threads = threads;
        this.isStream = isStream;
        OutputSize = outputSize;
        Codec = AvShim.Codec(handle);
        var (w, h, fps, frames, rot) = AvShim.Info(handle);
        rotation = rot;
        bool turned = rot is 90 or 270;
        Width = turned ? h : w;
        Height = turned ? w : h;
        Fps = fps;
        ReportedFrameCount = (int)Math.Clamp(frames, 0, int.MaxValue);
    }

    /// <summary>How long a network stream may stay silent (connecting or reading) before it counts as lost.</summary>
    public static readonly TimeSpan StreamTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Opens a video file, or a URL (http, udp, rtsp, rtmp, … as the system's FFmpeg supports) when
    /// <paramref name="isStream"/>. Throws <see cref="VideoReadException"/> when it cannot be opened as a video.
    /// </summary>
    public static FfmpegReader Open(string source, int decoderThreads = 0, Size? outputSize = null, bool isStream = false)
    {
        nint handle = AvShim.Open(source, decoderThreads, isStream ? StreamTimeout : null, out string? problem);
        if (handle == 0)
            throw new VideoReadException(source, isStream
                ? $"the stream cannot be opened ({problem})"
                : $"cannot be opened as a video (not a video, an unsupported codec, or unreadable: {problem})");
        return new FfmpegReader(source, handle, outputSize, decoderThreads, isStream);
    }

    public IEnumerable<DecodedFrame> Frames(Func<int, bool>? keep, CancellationToken cancel)
    {
        ObjectDisposedException.ThrowIf(handle == 0, this);
        // Converted at the coded size (libswscale's unscaled YUV to BGR has SIMD code: 0.025 ms for 320x240 here,
        // where its scaled BGR24 output is C: 0.23 ms straight to 171x128), turned upright, then resized as OpenCV's path is.
        var coded = rotation is 90 or 270 ? new Size(Height, Width) : new Size(Width, Height);
        // Files only: a live stream has no look-ahead to spare, and its frames are all wanted anyway.
        if (keep is not null && !isStream && FramesGrabbed == 0 && !keepHandle.IsAllocated)
        {
            keepHandle = GCHandle.Alloc(keep);
            if (!AvShim.SkipUnkept(handle, keepHandle)) keepHandle.Free();
        }
        using var stop = cancel.Register(() => AvShim.Interrupt(handle));
        int yielded = -1; // the last index yielded: after a restart, frames up to it are passed over
        for (int count = 0; ; count++)
        {
            cancel.ThrowIfCancellationRequested();
            int r = AvShim.Next(handle, out int index, out double seconds, out double duration);
            if (r == -2)
            {
                // Skipping could not keep the count exact: decode the video again, everything, and go on after the last frame yielded.
                Restart();
                count = -1;
                continue;
            }
            if (r <= 0)
            {
                cancel.ThrowIfCancellationRequested();
                if (r < 0) throw new VideoReadException(Source, AvShim.Error(handle));
                FramesGrabbed = Math.Max(FramesGrabbed, count + FramesSkipped);
                yield break;
            }
            if (!keepHandle.IsAllocated) index = count;
            FramesSkipped = keepHandle.IsAllocated ? AvShim.FramesSkipped(handle) : FramesSkipped;
            FramesGrabbed = Math.Max(FramesGrabbed, index + 1);
            if (index <= yielded) continue;
            if (keep is not null && !keep(index)) continue;
            yielded = index;
            var frame = Convert(coded);
            if (rotation != 0) frame = Upright(frame);
            if (OutputSize is { } size && frame.Size() != size) frame = Resize(frame, size);
            yield return new DecodedFrame(index, frame)
            {
                Seconds = double.IsFinite(seconds) ? seconds : null,
                Duration = double.IsFinite(duration) ? duration : null,
            };
        }
    }

    private void Restart()
    {
        nint again = AvShim.Open(Source, threads, isStream ? StreamTimeout : null, out string? problem);
        if (again == 0) throw new VideoReadException(Source, $"cannot be opened again ({problem})");
        AvShim.Close(handle);
        handle = again;
        if (keepHandle.IsAllocated) keepHandle.Free();
        FramesSkipped = 0;
    }

    /// <summary>The decoded frame as BGR at <paramref name="size"/>, in one libswscale call.</summary>
    private unsafe Mat Convert(Size size)
    {
        var frame = new Mat(size.Height, size.Width, MatType.CV_8UC3);
        if (AvShim.Convert(handle, size.Width, size.Height, (byte*)frame.DataPointer, (int)frame.Step()) == 0) return frame;
        frame.Dispose();
        throw new VideoReadException(Source, AvShim.Error(handle));
    }

    /// <summary>Bilinear, as the reference's cv2.resize and the OpenCV path.</summary>
    private static Mat Resize(Mat frame, Size size)
    {
        var resized = new Mat();
        Cv2.Resize(frame, resized, size, 0, 0, InterpolationFlags.Linear);
        frame.Dispose();
        return resized;
    }

    private Mat Upright(Mat frame)
    {
        var flag = rotation switch
        {
            90 => RotateFlags.Rotate90Clockwise,
            180 => RotateFlags.Rotate180,
            270 => RotateFlags.Rotate90Counterclockwise,
            _ => (RotateFlags?)null,
        };
        if (flag is not { } f) return frame;
        var turned = new Mat();
        Cv2.Rotate(frame, turned, f);
        frame.Dispose();
        return turned;
    }

    public void Dispose()
    {
        if (handle == 0) return;
        AvShim.Close(handle);
        handle = 0;
        if (keepHandle.IsAllocated) keepHandle.Free();
    }
}
