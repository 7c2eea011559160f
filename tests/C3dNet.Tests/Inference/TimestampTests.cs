using C3dNet.Inference;
using C3dNet.Tests.Support;
using C3dNet.Tests.Video;
using C3dNet.Video;
using Xunit.Abstractions;

namespace C3dNet.Tests.Inference;

/// <summary>predict's start_s/end_s come from the decoder's timestamps, so they are right on variable-frame-rate videos.</summary>
[Collection("motion model")]
public class TimestampTests(ITestOutputHelper output)
{
    /// <summary>The VFR test video: frames 0-19 every 0.1 s, then frames 20-38 every 0.02 s.</summary>
    private static double TimeOf(int frame) => frame < 20 ? frame * 0.1 : 2.0 + (frame - 20) * 0.02;
    private static double DurationOf(int frame) => frame < 20 ? 0.1 : 0.02;

    [FfmpegTheory]
    [InlineData(VideoDecoder.Ffmpeg)]
    [InlineData(VideoDecoder.OpenCv)]
    public void Window_times_follow_the_decoders_timestamps_on_a_variable_frame_rate_video(VideoDecoder decoder)
    {
        using var dir = new TempDir();
        string video = FfmpegBackendTests.VariableRateVideo(dir);
        using var model = PredictorTests.Load(MotionModelFixture.CheckpointPath);
        var settings = SamplingSettings.For(model.Config, stride: 8) with { Decoder = decoder };
        var p = new Predictor(model, settings, 4).Predict(new InputItem(video, InputKind.Video));
        Assert.Equal((39, 2), (p.Run.SourceFrames, p.Run.FrameStep));
        Assert.Equal([0, 8], p.Run.Windows.Select(w => w.StartFrame));
        foreach (var w in p.Run.Windows)
        {
            output.WriteLine($"{decoder}: frames {w.StartFrame}-{w.EndFrame}: {p.StartSeconds(w):F3}-{p.EndSeconds(w):F3} s (frame / fps: {w.StartFrame / p.Run.Fps:F3}-{(w.EndFrame + 1) / p.Run.Fps:F3})");
            Assert.Equal(TimeOf(w.StartFrame), p.StartSeconds(w)!.Value, 0.0015);
            // The end is when the last frame stops being shown: with FFmpeg its duration from the container;
            // OpenCV gives no duration, so one average frame interval.
            double lastDuration = decoder == VideoDecoder.Ffmpeg ? DurationOf(w.EndFrame) : 1 / p.Run.Fps!.Value;
            Assert.Equal(TimeOf(w.EndFrame) + lastDuration, p.EndSeconds(w)!.Value, 0.0015);
        }
        Assert.NotEqual(TimeOf(8), 8 / p.Run.Fps!.Value, 1); // the old frame / fps rule would be wrong here
    }
}
