using System.Diagnostics;
using OpenCvSharp;

namespace C3dNet.Tests.Video;

/// <summary>Test videos in real codecs: MPEG-4 Part 2 and MJPG through OpenCV's writer, H.264 and others through Debian's ffmpeg when present.</summary>
internal static class CodecVideos
{
    public const string FfmpegProgram = "/usr/bin/ffmpeg";
    public static bool HasFfmpeg => File.Exists(FfmpegProgram);
    public const string NoFfmpeg = "Debian's ffmpeg program (/usr/bin/ffmpeg) is not installed: apt-get install ffmpeg";

    /// <summary>A textured scene moving a little each frame (so codecs have real work), written with OpenCV's FFmpeg.</summary>
    public static void Write(string path, string fourcc, int frames, int width = 160, int height = 120, double fps = 25)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var writer = new VideoWriter(path, VideoCaptureAPIs.FFMPEG, FourCC.FromString(fourcc), fps, new Size(width, height), true);
        Assert.True(writer.IsOpened(), $"OpenCV cannot write {fourcc}");
        for (int i = 0; i < frames; i++)
        {
            using var frame = Scene(i, width, height);
            writer.Write(frame);
        }
    }

    public static Mat Scene(int i, int width, int height)
    {
        var frame = new Mat(height, width, MatType.CV_8UC3);
        var rng = new RNG(7);
        frame.SetTo(new Scalar(40 + i % 60, 90, 160 - i % 50));
        for (int k = 0; k < 12; k++)
        {
            int x = (rng.Uniform(0, width) + 2 * i * (k % 3 + 1)) % width, y = rng.Uniform(0, height);
            Cv2.Circle(frame, new Point(x, y), rng.Uniform(4, 20), new Scalar(rng.Uniform(0, 256), rng.Uniform(0, 256), rng.Uniform(0, 256)), -1);
        }
        Cv2.PutText(frame, $"{i}", new Point(5, height - 10), HersheyFonts.HersheySimplex, 0.8, Scalar.White, 2);
        return frame;
    }

    /// <summary>Runs Debian's ffmpeg (quiet, no stdin); fails the test with its output when it fails.</summary>
    public static void Ffmpeg(params string[] args)
    {
        var info = new ProcessStartInfo(FfmpegProgram) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-nostdin", "-hide_banner", "-loglevel", "error", "-y" }.Concat(args)) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"ffmpeg {string.Join(' ', args)}: {err}");
    }

    /// <summary>Re-encodes <paramref name="source"/> as H.264 (x264, with B-frames) in .mp4.</summary>
    public static void H264(string source, string path, params string[] extra) =>
        Ffmpeg(["-i", source, "-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p", .. extra, path]);

    /// <summary>Peak signal-to-noise ratio of two 8-bit images, in dB (infinity when equal).</summary>
    public static double Psnr(Mat a, Mat b) => Cv2.PSNR(a, b);
}
