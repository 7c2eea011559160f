using C3dNet.Inference;
using C3dNet.Tests.Support;
using OpenCvSharp;

namespace C3dNet.Tests.Inference;

[Collection("motion model")]
public class AnnotatedVideoTests
{
    private static List<Mat> ReadAll(string path, out double fps)
    {
        using var capture = new VideoCapture(path);
        Assert.True(capture.IsOpened(), $"{path} does not open");
        fps = capture.Fps;
        var frames = new List<Mat>();
        while (true)
        {
            var m = new Mat();
            if (!capture.Read(m) || m.Empty()) { m.Dispose(); break; }
            frames.Add(m);
        }
        return frames;
    }

    [Fact]
    public void Annotated_video_keeps_size_frames_and_fps_and_changes_only_the_overlay()
    {
        using var dir = new TempDir();
        string input = MotionVideo.Random(3, new Random(8)).Write(dir.File("in.mkv"), 60, fps: 30); // FFV1: lossless
        using var model = PredictorTests.Load(MotionModelFixture.CheckpointPath);
        var prediction = new Predictor(model, SamplingSettings.For(model.Config, 8), 4).Predict(new InputItem(input, InputKind.Video));
        string output = dir.File("out.mkv");
        AnnotatedVideo.Write(prediction, output, MotionVideo.ClassNames);

        var before = ReadAll(input, out double fpsIn);
        var after = ReadAll(output, out double fpsOut);
        Assert.Equal(60, before.Count);
        Assert.Equal(before.Count, after.Count);
        Assert.Equal(fpsIn, fpsOut);
        Assert.Equal(before[0].Size(), after[0].Size());
        Assert.False(File.Exists(dir.File(".out.partial.mkv")));

        int h = before[0].Rows, w = before[0].Cols, label = Overlay.LabelBand(h), bar = Overlay.BarBand(h);
        var middle = new Rect(0, label, w, h - label - bar);
        for (int i = 0; i < before.Count; i++)
        {
            using var diff = new Mat();
            Cv2.Absdiff(before[i], after[i], diff);
            using var gray = diff.CvtColor(ColorConversionCodes.BGR2GRAY);
            using (var mid = new Mat(gray, middle)) Assert.Equal(0, Cv2.CountNonZero(mid));
            using (var top = new Mat(gray, new Rect(0, 0, w, label))) Assert.True(Cv2.CountNonZero(top) > 20, $"frame {i}: no label drawn");
            using (var bottom = new Mat(gray, new Rect(0, h - bar, w, bar))) Assert.True(Cv2.CountNonZero(bottom) > w, $"frame {i}: no timeline drawn");
        }
        // The timeline marker (white) moves with the frame: near the left edge first, near the right edge last.
        Assert.True(WhiteColumn(after[0], h - 1) < w / 8);
        Assert.True(WhiteColumn(after[^1], h - 1) > w * 7 / 8);
        foreach (var m in before.Concat(after)) m.Dispose();
    }

    private static int WhiteColumn(Mat frame, int row)
    {
        int cols = frame.Cols;
        for (int x = 0; x < cols; x++)
            if (frame.At<Vec3b>(row, x) is { Item0: 255, Item1: 255, Item2: 255 }) return x;
        return -1;
    }

    [Fact]
    public void Each_frame_shows_the_window_with_the_nearest_centre()
    {
        var windows = new[] { (0, 30), (16, 46), (32, 62) }
            .Select((s, i) => new WindowOutput(new ClipWindow(i, [], WindowKind.Regular), s.Item1, s.Item2, [])).ToList();
        var perFrame = AnnotatedVideo.WindowPerFrame(windows, 70);
        Assert.Equal(0, perFrame[0]);
        Assert.Equal(0, perFrame[22]);   // centres 15, 31, 47: 22 is nearer 15
        Assert.Equal(1, perFrame[24]);
        Assert.Equal(2, perFrame[69]);
        Assert.Throws<ArgumentException>(() => AnnotatedVideo.CodecFor("x.webm"));
    }
}
