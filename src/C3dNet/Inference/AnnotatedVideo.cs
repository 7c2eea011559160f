using C3dNet.Datasets;
using C3dNet.Outputs;
using C3dNet.Video;
using OpenCvSharp;

namespace C3dNet.Inference;

/// <summary>
/// Writes an input again with its prediction drawn on every frame (<see cref="Overlay"/>): same size,
/// frame count and fps as the input. Each frame shows the window whose centre is nearest to it.
/// </summary>
internal static class AnnotatedVideo
{
    /// <summary>Frame rate used for frame folders that have none.</summary>
    public const double DefaultFolderFps = 25;

    /// <summary>The codec OpenCV writes for an output extension (.avi MJPG, .mp4/.mov/.m4v MPEG-4 Part 2, .mkv lossless FFV1).</summary>
    public static FourCC CodecFor(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".avi" => FourCC.MJPG,
        ".mp4" or ".m4v" or ".mov" => FourCC.FromString("mp4v"),
        ".mkv" => FourCC.FromString("FFV1"),
        var ext => throw new ArgumentException($"{path}: cannot write '{ext}' videos; use .mp4, .avi or .mkv"),
    };

    /// <summary>For each source frame, the index in <paramref name="windows"/> of the window with the nearest centre.</summary>
    public static int[] WindowPerFrame(IReadOnlyList<WindowOutput> windows, int frameCount)
    {
        var result = new int[frameCount];
        if (windows.Count == 0) { Array.Fill(result, -1); return result; }
        var centres = windows.Select(w => (w.StartFrame + w.EndFrame) / 2.0).ToArray();
        for (int f = 0; f < frameCount; f++)
        {
            int best = 0;
            for (int i = 1; i < centres.Length; i++)
                if (Math.Abs(centres[i] - f) < Math.Abs(centres[best] - f)) best = i;
            result[f] = best;
        }
        return result;
    }

    public static void Write(Prediction prediction, string outPath, IReadOnlyList<string> classNames, CancellationToken cancel = default,
                             VideoDecoder decoder = VideoDecoder.Auto)
    {
        var run = prediction.Run;
        var codec = CodecFor(outPath);
        var perFrame = WindowPerFrame(run.Windows, run.SourceFrames);
        var top1 = run.Windows.Select(w => TopK.Of(w.Values, 1)[0]).ToArray();
        int ClassAtFrame(int f) => perFrame.Length == 0 ? -1 : top1[perFrame[Math.Min(f, perFrame.Length - 1)]].Index;

        using var frames = OpenFrames(run, decoder);
        var size = new Size(frames.Width, frames.Height);
        // Written under a temporary name, checked and renamed: a failure leaves no half-written video and stops the run.
        using var video = new VideoFile(outPath, codec, frames.Fps, size);
        using var timeline = Overlay.TimelineBar(Enumerable.Range(0, size.Width)
            .Select(x => ClassAtFrame((int)((x + 0.5) / size.Width * Math.Max(1, run.SourceFrames)))).ToArray(), size.Height);
        foreach (var (index, frame) in frames.Read(cancel))
        {
            using (frame)
            {
                var shown = frame.Size() == size ? frame : FrameResizerTo(frame, size);
                int cls = ClassAtFrame(index);
                if (cls >= 0)
                {
                    var t = top1[perFrame[Math.Min(index, perFrame.Length - 1)]];
                    Overlay.DrawLabel(shown, Overlay.Text(classNames[t.Index], t.Prob));
                }
                int currentX = (int)((index + 0.5) / Math.Max(1, run.SourceFrames) * size.Width);
                Overlay.DrawTimeline(shown, timeline, currentX);
                video.Write(shown);
                if (!ReferenceEquals(shown, frame)) shown.Dispose();
            }
        }
        if (video.FramesWritten == 0) throw new InvalidDataException($"{run.Input}: no frame could be read for the annotated video");
        video.Complete();
    }

    private static Mat FrameResizerTo(Mat frame, Size size)
    {
        var resized = new Mat();
        Cv2.Resize(frame, resized, size);
        return resized;
    }

    /// <summary>Every frame of the input at its own size, video or folder.</summary>
    private sealed class FrameSequence(Func<CancellationToken, IEnumerable<(int, Mat)>> read, int width, int height, double fps, IDisposable? owner) : IDisposable
    {
        public int Width => width;
        public int Height => height;
        public double Fps => fps;
        public IEnumerable<(int Index, Mat Frame)> Read(CancellationToken cancel) => read(cancel);
        public void Dispose() => owner?.Dispose();
    }

    private static FrameSequence OpenFrames(InputRun run, VideoDecoder decoder)
    {
        if (run.Kind == InputKind.Video)
        {
            var reader = VideoDecoders.OpenFile(run.Input, decoder);
            return new FrameSequence(c => reader.Frames(null, c).Select(f => (f.Index, f.Frame)), reader.Width, reader.Height, run.Fps ?? DefaultFolderFps, reader);
        }
        var files = FrameFolder.RequireFrames(run.Input);
        return new FrameSequence(c => files.Select((f, i) => { c.ThrowIfCancellationRequested(); return (i, FolderSource.Read(f)); }),
            run.Width, run.Height, run.Fps ?? DefaultFolderFps, null);
    }
}
