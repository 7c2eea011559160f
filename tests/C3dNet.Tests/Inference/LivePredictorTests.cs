using C3dNet.Inference;
using C3dNet.Tests.Support;
using C3dNet.Video;
using OpenCvSharp;

namespace C3dNet.Tests.Inference;

[Collection("motion model")]
public class LivePredictorTests(MotionModelFixture motion)
{
    [Fact]
    public void A_file_opened_as_a_stream_prints_label_changes_until_the_end()
    {
        using var dir = new TempDir();
        using var model = PredictorTests.Load(MotionModelFixture.CheckpointPath);
        var settings = SamplingSettings.For(model.Config, 8);
        var (path, cls) = motion.HeldOut[5];
        using var stream = VideoReader.OpenStream(path);
        var changes = new List<LabelChange>();
        string output = dir.File("live.avi");
        var summary = LivePredictor.Run(stream, model, settings, MotionVideo.ClassNames, changes.Add, output);

        int frames = 72 + 4 * 5, sampled = (frames + 1) / 2;
        Assert.False(summary.Cancelled);
        Assert.Equal(frames, summary.Frames);
        Assert.Equal(SlidingWindows.RegularCount(sampled, 16, 8), summary.Windows);
        Assert.Equal(changes.Count, summary.Changes);
        // The first label comes with the first full window (sampled frames 0..15 = source frames 0..30).
        Assert.Equal(30, changes[0].Frame);
        Assert.Equal(31 / 25.0, changes[0].Seconds!.Value, 9);
        Assert.Equal(cls, changes[^1].ClassIndex);
        Assert.Equal(MotionVideo.ClassNames[cls], changes[^1].Label);
        for (int i = 1; i < changes.Count; i++) Assert.NotEqual(changes[i - 1].ClassIndex, changes[i].ClassIndex);

        using var written = new VideoCapture(output);
        Assert.Equal(frames, (int)written.FrameCount);
        Assert.Equal(25, written.Fps);
    }

    [Fact]
    public void Cancelling_stops_cleanly_and_keeps_the_video_so_far()
    {
        using var dir = new TempDir();
        using var model = PredictorTests.Load(MotionModelFixture.CheckpointPath);
        using var cts = new CancellationTokenSource();
        using var stream = VideoReader.OpenStream(motion.HeldOut[7].Path);
        string output = dir.File("live.mkv");
        var summary = LivePredictor.Run(stream, model, SamplingSettings.For(model.Config, 8), MotionVideo.ClassNames,
            _ => cts.Cancel(), output, cts.Token);
        Assert.True(summary.Cancelled);
        Assert.Equal(1, summary.Changes);
        Assert.InRange(summary.Frames, 31, 40); // stopped right after the first window (frame 30)
        using var written = new VideoCapture(output);
        Assert.Equal(summary.Frames, (int)written.FrameCount);
    }
}
