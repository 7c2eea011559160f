using C3dNet.Inference;
using C3dNet.Models;
using C3dNet.Tests.Models;
using C3dNet.Video;
using OpenCvSharp;
using static TorchSharp.torch;

namespace C3dNet.Tests.Inference;

/// <summary>predict --live for a model that samples at a frame rate: the stream resampled to it from the rate it reports.</summary>
public class LiveResamplingTests
{
    /// <summary>A live source of <paramref name="frames"/> 16x16 frames whose red value is the frame's index.</summary>
    private sealed class CountingStream(double fps, int frames) : IFrameSource
    {
        public string Source => "udp://camera";
        public string Decoder => "test";
        public double Fps => fps;
        public int ReportedFrameCount => 0;
        public int Width => 16;
        public int Height => 16;
        public int FramesGrabbed { get; private set; }

        public IEnumerable<DecodedFrame> Frames(Func<int, bool>? keep, CancellationToken cancel)
        {
            for (int i = 0; i < frames; i++)
            {
                FramesGrabbed = i + 1;
                if (keep is null || keep(i))
                    yield return new DecodedFrame(i, new Mat(16, 16, MatType.CV_8UC3, new Scalar(0, 0, i))) { Seconds = i / fps };
            }
        }

        public void Dispose() { }
    }

    public static TheoryData<int, double, int[]> TorchvisionCases() => InputTensorTests.ResamplingCases();

    [Theory, MemberData(nameof(TorchvisionCases))]
    public void A_stream_of_unknown_length_keeps_the_frames_torchvision_keeps_from_the_whole_video(int frames, double fps, int[] expected)
    {
        var stream = new FrameRateResampling.Stream(fps, 15);
        var kept = Enumerable.Range(0, frames).SelectMany(i => Enumerable.Repeat(i, stream.Uses(i))).ToArray();
        Assert.Equal(expected, kept.Take(expected.Length));
        Assert.InRange(kept.Length - expected.Length, 0, 1); // at most one more at the end, which a whole video's count cuts off
    }

    [Theory]
    [InlineData(30.0)]
    [InlineData(25.0)]
    [InlineData(10.0)]
    public void Live_windows_of_a_15_fps_model_hold_the_resampled_frames_of_a_camera_of_any_rate(double cameraFps)
    {
        // mc3_18 at a tiny input whose values are the 8-bit ones (RGB, no mean, no std): a window's red plane is its frames' indices.
        var config = C3dConfig.ForVideoResNet("mc3_18", 2, new ModelInput
        {
            ChannelOrder = "RGB", ValueScale = 1, Mean = [0, 0, 0], ResizeWidth = 16, ResizeHeight = 16, CropSize = 16, ClipLength = 4,
            Sampling = TemporalSampling.AtFramesPerSecond(15),
        });
        using var model = new ClipModel(ClipNetworks.Create(config), CPU, InferencePrecision.Fp32);
        var settings = SamplingSettings.For(config, stride: 2);
        Assert.Equal(15, settings.FramesPerSecond);
        var windows = new List<int[]>();
        float[][] Record(float[] batch, int clips)
        {
            windows.Add(Enumerable.Range(0, 4).Select(t => (int)batch[t * 16 * 16]).ToArray());
            return [[windows.Count % 2, 1 - windows.Count % 2]]; // the label changes every window
        }
        const int frames = 60;
        using var camera = new CountingStream(cameraFps, frames);
        var changes = new List<LabelChange>();
        var summary = LivePredictor.Run(camera, model, settings, ["a", "b"], changes.Add, probabilities: Record);

        var expected = FrameRateResampling.SourceIndices(frames, cameraFps, 15);
        Assert.Equal(frames, summary.Frames);
        Assert.True(windows.Count >= (expected.Length - 4) / 2 + 1, $"{windows.Count} windows");
        for (int k = 0; k < windows.Count && 2 * k + 4 <= expected.Length; k++)
            Assert.Equal(expected[(2 * k)..(2 * k + 4)], windows[k]);
        // A label change names the source frame its window ends with.
        Assert.Equal(expected[3], changes[0].Frame);
        if (cameraFps == 30) Assert.Equal([0, 2, 4, 6], windows[0]);
        if (cameraFps == 10) Assert.Equal([0, 0, 1, 2], windows[0]); // upsampled: frames repeat, as torchvision's
    }

    [Fact]
    public void A_stream_without_a_frame_rate_is_refused_for_a_15_fps_model()
    {
        var config = C3dConfig.ForVideoResNet("mc3_18", 2, ModelInput.Kinetics400 with { ClipLength = 4, CropSize = 16, ResizeWidth = 16, ResizeHeight = 16 });
        using var model = new ClipModel(ClipNetworks.Create(config), CPU, InferencePrecision.Fp32);
        using var camera = new CountingStream(0, 10);
        var e = Assert.Throws<InvalidDataException>(() => LivePredictor.Run(camera, model, SamplingSettings.For(config, 2), ["a", "b"], _ => { }));
        Assert.Equal("udp://camera: the stream reports no frame rate, and this model samples clips at 15 fps", e.Message);
    }
}
