using C3dNet.Checkpoints;
using C3dNet.Inference;
using C3dNet.Models;
using C3dNet.Tests.Datasets;
using C3dNet.Tests.Support;
using OpenCvSharp;
using static TorchSharp.torch;

namespace C3dNet.Tests.Inference;

/// <summary>predict and features with a video ResNet checkpoint: torchvision's 15 fps picking, its input, its pooled features.</summary>
public class VideoResNetInferenceTests
{
    /// <summary>A small r3d_18 input: Kinetics-400's values and 15 fps, at 8 frames of 32x32 from 43x32 (fast on a CPU).</summary>
    private static readonly ModelInput SmallInput = ModelInput.Kinetics400 with { ClipLength = 8, CropSize = 32, ResizeWidth = 43, ResizeHeight = 32 };

    private static string WriteVideo(string path, int frames, double fps)
    {
        var rng = new Random(7);
        using var writer = new VideoWriter(path, VideoCaptureAPIs.OPENCV_MJPEG, FourCC.MJPG, fps, new OpenCvSharp.Size(64, 48), true);
        Assert.True(writer.IsOpened());
        for (int i = 0; i < frames; i++)
        {
            using var frame = new Mat(48, 64, MatType.CV_8UC3, new Scalar(rng.Next(256), rng.Next(256), rng.Next(256)));
            Cv2.Rectangle(frame, new Rect(i % 60, i % 40, 8, 8), Scalar.White, -1);
            writer.Write(frame);
        }
        return path;
    }

    private static string WriteCheckpoint(string path)
    {
        manual_seed(3);
        using var net = new VideoResNet(C3dConfig.ForVideoResNet("r3d_18", 3, SmallInput));
        using var ckpt = C3dCheckpoint.FromModel(net, classNames: ["a", "b", "c"]);
        ckpt.Save(path);
        return path;
    }

    [Theory]
    [InlineData(25.0)]
    [InlineData(30.0)]
    public void Predict_picks_frames_at_15_fps_and_gives_the_models_output_on_clips_made_by_InputTensor(double fps)
    {
        using var dir = new TempDir();
        string video = WriteVideo(dir.File("v.avi"), 44, fps);
        string ckptPath = WriteCheckpoint(dir.File("r3d.pth.tar"));
        using var ckpt = CheckpointLoader.Load(ckptPath, CheckpointUse.Classifier);
        using var model = ClipModel.FromCheckpoint(ckpt, ckptPath, CPU, InferencePrecision.Fp32);
        // Decoded by OpenCV, as TestVideos.ReadAll decodes the frames of the clip made by hand below (the decoders differ in pixels).
        var settings = SamplingSettings.For(model.Config, stride: 8) with { Decoder = C3dNet.Video.VideoDecoder.OpenCv };
        var prediction = new Predictor(model, settings, batchSize: 2).Predict(new InputItem(video, InputKind.Video));

        int[] picked = FrameRateResampling.SourceIndices(44, fps, 15);
        Assert.Equal(fps == 30 ? 22 : 26, picked.Length); // 30 fps: every 2nd frame; 25 fps: floor(i x 5/3)
        Assert.Equal(picked.Length, prediction.Run.SampledFrames);
        Assert.True(prediction.Run.Windows.Count >= 2);
        foreach (var w in prediction.Run.Windows)
        {
            Assert.Equal(picked[w.Window.FirstPosition], w.StartFrame);
            Assert.Equal(picked[w.Window.LastPosition], w.EndFrame);
            Assert.Equal(picked[w.Window.FirstPosition] / fps, prediction.StartSeconds(w)!.Value, 6);
        }

        // The same clip made by hand: the picked frames, resized, centre crop, InputTensor with the checkpoint's input.
        var frames = TestVideos.ReadAll(video);
        try
        {
            var window = prediction.Run.Windows[1];
            var clip = window.Window.Positions.Select(p => FrameResizer.Fit(frames[picked[p]].Clone(), 43, 32)).ToList();
            var buffer = new float[InputTensor.Length(8, 32)];
            InputTensor.Write(buffer, clip, CropBox.Center(32, 43, 32), flip: false, ckpt.ModelConfig.Input);
            using var reference = ClipNetworks.Create(ckpt.ModelConfig);
            ckpt.LoadInto(reference, ckptPath);
            reference.Module.eval();
            using var _ = no_grad();
            using var x = tensor(buffer, [1, 3, 8, 32, 32]);
            using var probs = nn.functional.softmax(reference.Logits(x), 1);
            var expected = probs.data<float>().ToArray();
            for (int c = 0; c < 3; c++) Assert.Equal(expected[c], window.Values[c], 5);
            Assert.Equal(expected, model.Probabilities(buffer, 1)[0]);
            foreach (var m in clip) m.Dispose();
        }
        finally
        {
            foreach (var f in frames) f.Dispose();
        }
    }

    [Fact]
    public void Features_of_a_ResNet_are_the_pooled_512_vector_per_clip_and_C3D_layers_are_refused()
    {
        using var dir = new TempDir();
        string video = WriteVideo(dir.File("v.avi"), 40, 30);
        string ckptPath = WriteCheckpoint(dir.File("r3d.pth.tar"));
        using var ckpt = CheckpointLoader.Load(ckptPath, CheckpointUse.Backbone);
        using var model = ClipModel.FromCheckpoint(ckpt, ckptPath, CPU, InferencePrecision.Fp32);
        var settings = SamplingSettings.For(model.Config, stride: 8);
        var extractor = new FeatureExtractor(model, settings, 4, layer: null);
        Assert.Equal("pool", extractor.Layer);
        Assert.Equal(512, extractor.Width);
        var run = extractor.Extract(new InputItem(video, InputKind.Video));
        Assert.Equal(SlidingWindows.Plan(20, 8, 8).Count, run.Windows.Count); // 40 frames at 30 fps: 20 picked
        Assert.All(run.Windows, w => Assert.Equal(512, w.Values.Length));
        Assert.All(run.Windows, w => Assert.True(w.Values.All(v => v >= 0))); // after the last block's ReLU and the mean

        var e = Assert.Throws<ArgumentException>(() => new FeatureExtractor(model, settings, 4, "fc6"));
        Assert.Equal("unknown feature layer 'fc6' for r3d_18: use pool", e.Message);
        var step = Assert.Throws<ArgumentException>(() => SamplingSettings.For(model.Config, 8, frameStep: 2));
        Assert.Contains("--frame-step does not apply to r3d_18", step.Message);
    }
}
