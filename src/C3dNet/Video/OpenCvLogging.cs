using System.Runtime.InteropServices;
using OpenCvSharp;

namespace C3dNet.Video;

/// <summary>
/// Quiets OpenCV's and FFmpeg's own messages on stderr (e.g. "[mjpeg @ 0x…] overread 8" for each damaged
/// frame, or "[ WARN] … can't open camera by index"): the tools report bad videos and cameras themselves, per
/// file, with a reason. Call before the first video is opened: OpenCV reads OPENCV_FFMPEG_LOGLEVEL when it loads
/// FFmpeg. A value the user set is kept.
/// </summary>
internal static partial class OpenCvLogging
{
    public static void Quiet()
    {
        Cv2.SetLogLevel(LogLevel.SILENT);
        // .NET's Environment.SetEnvironmentVariable does not reach native getenv on Unix: use libc.
        if (!OperatingSystem.IsWindows()) SetEnv("OPENCV_FFMPEG_LOGLEVEL", "-8", overwrite: 0); // AV_LOG_QUIET
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnv(string name, string value, int overwrite);
}
