using OpenCvSharp;

namespace C3dNet.Video;

/// <summary>
/// Which library decodes video files and network streams. Auto: the system's FFmpeg through the shim when it
/// loads with the library versions it was compiled against, else OpenCV's bundled FFmpeg. Cameras are always OpenCV's.
/// </summary>
public enum VideoDecoder
{
    /// <summary>The system's FFmpeg when the shim loads, else OpenCV's.</summary>
    Auto,
    /// <summary>The system's FFmpeg through the shim (libc3dav.so); an error when it does not load.</summary>
    Ffmpeg,
    /// <summary>OpenCV's bundled FFmpeg.</summary>
    OpenCv,
}

/// <summary>Chooses the decoder once per run and opens videos and streams with it.</summary>
internal static class VideoDecoders
{
    public static readonly string[] Choices = ["auto", "ffmpeg", "opencv"];

    public static VideoDecoder Parse(string name) => name.ToLowerInvariant() switch
    {
        "auto" => VideoDecoder.Auto,
        "ffmpeg" => VideoDecoder.Ffmpeg,
        "opencv" => VideoDecoder.OpenCv,
        _ => throw new ArgumentException($"--decoder must be one of {string.Join(", ", Choices)}, got '{name}'"),
    };

    /// <summary>
    /// The decoder a run uses (never Auto) and, when Auto had to fall back to OpenCV, the one notice to show.
    /// Throws <see cref="InvalidOperationException"/> when FFmpeg is asked for and cannot be used.
    /// </summary>
    public static (VideoDecoder Decoder, string? Notice) Resolve(VideoDecoder requested)
    {
        switch (requested)
        {
            case VideoDecoder.OpenCv: return (VideoDecoder.OpenCv, null);
            case VideoDecoder.Ffmpeg when !AvShim.Available:
                throw new InvalidOperationException($"--decoder ffmpeg: {AvShim.Problem}");
            case VideoDecoder.Ffmpeg: return (VideoDecoder.Ffmpeg, null);
            default:
                return AvShim.Available
                    ? (VideoDecoder.Ffmpeg, null)
                    : (VideoDecoder.OpenCv, $"decoding with OpenCV's FFmpeg (slower, no network streams): {AvShim.Problem}");
        }
    }

    /// <summary>Whether <paramref name="decoder"/> means the system's FFmpeg here (auto: when the shim loads).</summary>
    public static bool UseFfmpeg(VideoDecoder decoder) => decoder switch
    {
        VideoDecoder.Ffmpeg => true,
        VideoDecoder.OpenCv => false,
        _ => AvShim.Available,
    };

    /// <summary>
    /// Opens a video file. With FFmpeg, kept frames come already converted to <paramref name="size"/> when it is
    /// given; with OpenCV they come at the video's size (callers resize). Throws <see cref="VideoReadException"/>
    /// when the file is missing, empty, unreadable or not a video.
    /// </summary>
    public static IFrameSource OpenFile(string path, VideoDecoder decoder = VideoDecoder.Auto, int decoderThreads = 0, Size? size = null)
    {
        VideoReader.CheckReadable(path);
        return UseFfmpeg(decoder) ? FfmpegReader.Open(path, decoderThreads, size) : VideoReader.Open(path, decoderThreads);
    }

    /// <summary>A camera index ("0") opens with OpenCV; a URL with FFmpeg when it is in use (OpenCV's has no network protocols).</summary>
    public static IFrameSource OpenStream(string source, VideoDecoder decoder = VideoDecoder.Auto)
    {
        if (int.TryParse(source, out _)) return VideoReader.OpenStream(source);
        if (!source.Contains("://", StringComparison.Ordinal)) return OpenFile(source, decoder);
        return UseFfmpeg(decoder) ? FfmpegReader.Open(source, 0, null, isStream: true) : VideoReader.OpenStream(source);
    }
}
