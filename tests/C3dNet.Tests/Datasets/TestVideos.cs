using C3dNet.Synthetic;
using OpenCvSharp;

namespace C3dNet.Tests.Datasets;

/// <summary>Small videos for tests: generated motion datasets and hand-made special cases.</summary>
internal static class TestVideos
{
    /// <summary>A small generated dataset (MoveLeft, MoveRight, …) under <paramref name="dir"/>.</summary>
    public static GeneratedDataset Generate(string dir, int classes = 3, int videosPerClass = 5, int frames = 40, int width = 96, int height = 72, long seed = 1) =>
        MotionVideoGenerator.Generate(new GeneratorOptions
        {
            OutDir = dir, Classes = classes, VideosPerClass = videosPerClass, Frames = frames, Width = width, Height = height, Seed = seed, ClipsPerGroup = 2,
        });

    /// <summary>An MJPG .avi whose frame i is a flat grey of level 4*i (so frames can be told apart) with a bar at x = i.</summary>
    public static void WriteCounting(string path, int frames, int width = 64, int height = 48)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var writer = new VideoWriter(path, VideoCaptureAPIs.OPENCV_MJPEG, FourCC.MJPG, 25, new Size(width, height), true);
        Assert.True(writer.IsOpened());
        for (int i = 0; i < frames; i++)
        {
            using var frame = new Mat(height, width, MatType.CV_8UC3, Scalar.All(4 * i % 256));
            Cv2.Rectangle(frame, new Rect(i % width, 0, 2, height), Scalar.White, -1);
            writer.Write(frame);
        }
    }

    /// <summary>Frames decoded from a video (caller disposes).</summary>
    public static List<Mat> ReadAll(string path)
    {
        using var capture = new VideoCapture(path);
        var frames = new List<Mat>();
        while (true)
        {
            var frame = new Mat();
            if (!capture.Read(frame) || frame.Empty()) { frame.Dispose(); break; }
            frames.Add(frame);
        }
        return frames;
    }

    /// <summary>Keeps the first <paramref name="fraction"/> of the file's bytes: a truncated download.</summary>
    public static void Truncate(string path, double fraction)
    {
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(int)(bytes.Length * fraction)]);
    }
}
