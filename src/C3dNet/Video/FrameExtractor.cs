using C3dNet.Outputs;
using Microsoft.Win32.SafeHandles;
using OpenCvSharp;

namespace C3dNet.Video;

/// <summary>How frames are taken from a video and written: the reference's step rule, frame size and JPEG quality.</summary>
internal sealed record FrameExtractionSettings
{
    public int InitialStep { get; init; } = FrameStepRule.DefaultStep;
    public int ClipLength { get; init; } = Models.C3dConfig.ReferenceClipLength;
    public int Width { get; init; } = Models.C3dConfig.ReferenceFrameWidth;
    public int Height { get; init; } = Models.C3dConfig.ReferenceFrameHeight;
    public int JpegQuality { get; init; } = 95;
    /// <summary>FFmpeg threads per video (0: FFmpeg's default). 1 is best when videos run in parallel.</summary>
    public int DecoderThreads { get; init; } = 1;
    /// <summary>Which FFmpeg decodes (<see cref="VideoDecoders"/>); the system's FFmpeg resizes kept frames itself.</summary>
    public VideoDecoder Decoder { get; init; } = VideoDecoder.Auto;
    /// <summary>
    /// Motion-JPEG videos: read packets and decode only the kept frames with libjpeg-turbo (several times faster;
    /// pixels within rounding and chroma upsampling of FFmpeg's). False: FFmpeg decodes every frame of every video.
    /// </summary>
    public bool MotionJpegShortcut { get; init; } = true;
}

/// <summary>
/// What one extraction did. <see cref="FramesDecoded"/> is counted, not taken from the container; <see cref="Decoder"/>
/// is what decoded the frames written (<see cref="IFrameSource.Decoder"/>).
/// </summary>
internal sealed record FrameExtraction(int FramesDecoded, int ReportedFrames, double Fps, int FrameStep, int FramesWritten, string? Warning, string Decoder);

/// <summary>
/// Writes every k-th decoded frame of a video as 00001.jpg, 00002.jpg, … (five digits, so names sort in
/// time order), resized to the configured size. k follows <see cref="FrameStepRule"/> on the number of
/// frames that actually decode: the container's count picks the step first; when decoding proves it
/// wrong in a way that changes the step, the video is extracted again with the right step.
/// Frames that are not kept are only grabbed, never colour-converted; Motion-JPEG frames that are not kept
/// are not even decoded (<see cref="FrameExtractionSettings.MotionJpegShortcut"/>).
/// </summary>
internal static class FrameExtractor
{
    /// <summary>Names stay five digits up to here, so they keep sorting in time order.</summary>
    public const int MaxFrames = 99_999;

    public static string FrameName(int number) => $"{number:D5}.jpg";

    /// <summary>
    /// Extracts <paramref name="videoPath"/> into <paramref name="folder"/> (created; existing frames are replaced).
    /// Throws <see cref="VideoReadException"/> when the video cannot be opened or yields no frame.
    /// </summary>
    public static FrameExtraction Extract(string videoPath, string folder, FrameExtractionSettings settings, CancellationToken cancel = default)
    {
        OutputPolicy.CreateFolder(folder);
        IFrameSource Open() => VideoDecoders.OpenFile(videoPath, settings.Decoder, settings.DecoderThreads, new Size(settings.Width, settings.Height));
        // The system's FFmpeg opens fast and names the codec, so OpenCV is asked only about Motion-JPEG files;
        // without it, OpenCV's probe for Motion-JPEG comes first, as before.
        IFrameSource? reader = VideoDecoders.UseFfmpeg(settings.Decoder) ? Open() : null;
        try
        {
            if (settings.MotionJpegShortcut && (reader is not FfmpegReader ff || ff.Codec == "mjpeg") && OpenMotionJpeg(videoPath) is { } mjpeg)
            {
                try { return Extract(mjpeg, () => OpenMotionJpeg(videoPath)!, videoPath, folder, settings, cancel); }
                // Damaged or unusual JPEG data: FFmpeg's decoder conceals damage, so it gets the last word.
                catch (Exception e) when (e is InvalidDataException or VideoReadException or OpenCVException) { ClearFrames(folder); }
                finally { mjpeg.Dispose(); }
            }
            reader ??= Open();
            return Extract(reader, Open, videoPath, folder, settings, cancel);
        }
        finally { reader?.Dispose(); }
    }

    private static MotionJpegReader? OpenMotionJpeg(string videoPath)
    {
        if (!File.Exists(videoPath) || new FileInfo(videoPath).Length == 0) return null; // VideoReader reports these
        return MotionJpegReader.TryOpen(videoPath);
    }

    private static FrameExtraction Extract(IFrameSource reader, Func<IFrameSource> reopen, string videoPath, string folder,
                                           FrameExtractionSettings settings, CancellationToken cancel)
    {
        int reported = reader.ReportedFrameCount;
        double fps = reader.Fps;
        // Guess the step from the container; most videos are long enough that any count gives the initial step.
        int step = FrameStepRule.Choose(reported > 0 ? reported : int.MaxValue, settings.InitialStep, settings.ClipLength);
        int written = WriteFrames(reader, folder, step, settings, cancel);
        int decoded = reader.FramesGrabbed;
        if (decoded == 0) throw new VideoReadException(videoPath, "no frame could be decoded (corrupt, truncated or not a video)");

        int rightStep = FrameStepRule.Choose(decoded, settings.InitialStep, settings.ClipLength);
        if (rightStep != step)
        {
            ClearFrames(folder);
            step = rightStep;
            using var again = reopen();
            written = WriteFrames(again, folder, step, settings, cancel);
            decoded = again.FramesGrabbed;
        }

        string? warning = null;
        if (reported > 0 && decoded < reported * 0.95 - 1)
            warning = $"the container reports {reported} frames but only {decoded} decode (truncated or damaged?); kept the {decoded}";
        if (decoded > (long)MaxFrames * step)
            warning = $"only the first {MaxFrames} extracted frames are kept (five-digit names)";
        return new FrameExtraction(decoded, reported, fps, step, written, warning, reader.Decoder);
    }

    private static int WriteFrames(IFrameSource reader, string folder, int step, FrameExtractionSettings s, CancellationToken cancel)
    {
        var size = new Size(s.Width, s.Height);
        var jpeg = new ImageEncodingParam(ImwriteFlags.JpegQuality, s.JpegQuality);
        int written = 0;
        using var resized = new Mat();
        foreach (var (_, frame) in reader.Frames(i => i % step == 0 && i / step < MaxFrames, cancel))
        {
            using (frame)
            {
                Mat output = frame;
                if (frame.Width != s.Width || frame.Height != s.Height)
                {
                    Cv2.Resize(frame, resized, size); // bilinear, as the reference's cv2.resize
                    output = resized;
                }
                Cv2.ImEncode(".jpg", output, out byte[] bytes, jpeg);
                string file = Path.Combine(folder, FrameName(++written));
                // A frame that cannot be written is the output's failure (disk full, read-only), not the video's.
                try { WriteNew(file, bytes); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw AtomicFile.Failure(file, e); }
            }
        }
        return written;
    }

    /// <summary>
    /// Writes a frame file as a new file (an existing one is deleted first). Not File.WriteAllBytes: .NET opens without
    /// O_TRUNC and then truncates to 0 bytes, which on ext4 marks the file for writeback at close (auto_da_alloc), so every
    /// close started the frame's disk write: a tenth of preprocessing's cpu time, measured.
    /// </summary>
    private static void WriteNew(string file, byte[] bytes)
    {
        SafeFileHandle handle;
        try { handle = File.OpenHandle(file, FileMode.CreateNew, FileAccess.Write); }
        catch (IOException) when (File.Exists(file))
        {
            File.Delete(file);
            handle = File.OpenHandle(file, FileMode.CreateNew, FileAccess.Write);
        }
        using (handle) RandomAccess.Write(handle, bytes, 0);
    }

    private static void ClearFrames(string folder)
    {
        foreach (var file in Directory.EnumerateFiles(folder, "*.jpg")) File.Delete(file);
    }
}
