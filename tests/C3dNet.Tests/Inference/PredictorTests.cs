using C3dNet.Checkpoints;
using C3dNet.Datasets;
using C3dNet.Inference;
using C3dNet.Tests.Support;
using OpenCvSharp;
using static TorchSharp.torch;
using Xunit.Abstractions;

namespace C3dNet.Tests.Inference;

[Collection("motion model")]
public class PredictorTests(MotionModelFixture motion, ITestOutputHelper output)
{
    internal static ClipModel Load(string path, InferencePrecision precision = InferencePrecision.Fp32)
    {
        using var ckpt = C3dCheckpoint.Load(path);
        return ClipModel.FromCheckpoint(ckpt, path, CPU, precision);
    }

    private static Predictor PredictorFor(ClipModel model, int stride = 8, int batch = 4, int? frameStep = null) =>
        new(model, SamplingSettings.For(model.Config, stride, frameStep), batch);

    [Fact]
    public void Trained_narrow_C3D_recognises_held_out_motion_videos()
    {
        using var model = Load(MotionModelFixture.CheckpointPath);
        var predictor = PredictorFor(model);
        foreach (var (path, cls) in motion.HeldOut)
        {
            var p = predictor.Predict(new InputItem(path, InputKind.Video));
            Assert.True(TopK.Of(p.VideoProbabilities, 1)[0].Index == cls,
                $"{Path.GetFileName(path)}: video-level [{string.Join(", ", p.VideoProbabilities.Select(v => v.ToString("0.00")))}]");
            Assert.InRange(p.VideoProbabilities.Sum(), 0.999, 1.001);
            // Most windows agree with the video-level label too.
            Assert.True(p.Run.Windows.Count(w => TopK.Of(w.Values, 1)[0].Index == cls) >= 0.8 * p.Run.Windows.Count);
        }
    }

    [Fact]
    public void Windows_report_source_frames_and_seconds_with_the_checkpoint_frame_step()
    {
        using var dir = new TempDir();
        string video = MotionVideo.Random(0, new Random(1)).Write(dir.File("v.mkv"), 90);
        using var model = Load(MotionModelFixture.CheckpointPath);
        Assert.Equal(2, model.Config.FrameStep);
        var p = PredictorFor(model).Predict(new InputItem(video, InputKind.Video));
        var run = p.Run;
        Assert.Equal((2, 90, 45, 25.0), (run.FrameStep, run.SourceFrames, run.SampledFrames, run.Fps!.Value));
        // Sampled frames 0..44 are source frames 0, 2, …, 88; windows start at 0, 8, 16, 24 and one is aligned to the end (29).
        Assert.Equal([0, 16, 32, 48, 58], run.Windows.Select(w => w.StartFrame));
        Assert.Equal([30, 46, 62, 78, 88], run.Windows.Select(w => w.EndFrame));
        Assert.Equal(WindowKind.EndAligned, run.Windows[^1].Window.Kind);
        Assert.Equal(58 / 25.0, p.StartSeconds(run.Windows[^1])!.Value, 9);
        Assert.Equal(89 / 25.0, p.EndSeconds(run.Windows[^1])!.Value, 9);
        Assert.Empty(run.Warnings);

        // --frame-step 1 and stride 16: sampled frames are source frames.
        var q = PredictorFor(model, stride: 16, frameStep: 1).Predict(new InputItem(video, InputKind.Video));
        Assert.Equal([0, 16, 32, 48, 64, 74], q.Run.Windows.Select(w => w.StartFrame));
    }

    [Fact]
    public void Short_videos_lower_the_step_and_very_short_ones_repeat_frames_with_warnings()
    {
        using var dir = new TempDir();
        using var model = Load(MotionModelFixture.CheckpointPath);
        var predictor = PredictorFor(model);
        // 20 frames at step 2 give 10 <= 16 sampled frames: the rule lowers the step to 1, as preprocessing does.
        var p = predictor.Predict(new InputItem(MotionVideo.Random(1, new Random(2)).Write(dir.File("short.avi"), 20), InputKind.Video));
        Assert.Equal(1, p.Run.FrameStep);
        Assert.Equal([(0, 15), (4, 19)], p.Run.Windows.Select(w => (w.StartFrame, w.EndFrame)));
        Assert.Contains(p.Run.Warnings, w => w.Contains("short.avi") && w.Contains("frame step is lowered from 2 to 1"));

        var tiny = predictor.Predict(new InputItem(MotionVideo.Random(1, new Random(3)).Write(dir.File("tiny.avi"), 10), InputKind.Video));
        var only = Assert.Single(tiny.Run.Windows);
        Assert.Equal((0, 9, WindowKind.Padded), (only.StartFrame, only.EndFrame, only.Window.Kind));
        Assert.Contains(tiny.Run.Warnings, w => w.Contains("tiny.avi") && w.Contains("repeated"));
    }

    [Fact]
    public void Batch_size_does_not_change_the_result()
    {
        using var model = Load(MotionModelFixture.CheckpointPath);
        var input = new InputItem(motion.HeldOut[3].Path, InputKind.Video);
        var one = PredictorFor(model, batch: 1).Predict(input);
        var five = PredictorFor(model, batch: 5).Predict(input);
        Assert.Equal(one.Run.Windows.Count, five.Run.Windows.Count);
        for (int i = 0; i < one.Run.Windows.Count; i++)
            Assert.All(one.Run.Windows[i].Values.Zip(five.Run.Windows[i].Values), p => Assert.Equal(p.First, p.Second, 5));
    }

    [Fact]
    public void A_frame_folder_gives_the_same_result_as_its_frames_in_a_video()
    {
        using var dir = new TempDir();
        var source = MotionVideo.Random(2, new Random(4));
        // Lossless both ways: PNG frames, and an FFV1 video of the same frames read with frame step 1.
        string video = source.Write(dir.File("v.mkv"), 40);
        Directory.CreateDirectory(dir.File("frames"));
        for (int t = 0; t < 40; t++)
        {
            using var f = source.Render(t);
            Cv2.ImWrite(dir.File($"frames/0000{t}.png"), f); // the reference's unpadded names
        }
        using var model = Load(MotionModelFixture.CheckpointPath);
        var predictor = PredictorFor(model, frameStep: 1);
        var fromVideo = predictor.Predict(new InputItem(video, InputKind.Video));
        var fromFolder = predictor.Predict(new InputItem(dir.File("frames"), InputKind.FrameFolder));
        Assert.Null(fromFolder.Run.Fps);
        Assert.Null(fromFolder.StartSeconds(fromFolder.Run.Windows[0]));
        Assert.Equal(fromVideo.Run.Windows.Select(w => (w.StartFrame, w.EndFrame)), fromFolder.Run.Windows.Select(w => (w.StartFrame, w.EndFrame)));
        Assert.All(fromVideo.VideoProbabilities.Zip(fromFolder.VideoProbabilities), p => Assert.Equal(p.First, p.Second, 5));
    }

    [Fact]
    public void Bf16_agrees_with_fp32_on_the_top1_of_at_least_99_percent_of_windows()
    {
        using var fp32 = Load(MotionModelFixture.CheckpointPath);
        using var bf16 = Load(MotionModelFixture.CheckpointPath, InferencePrecision.Bf16);
        int windows = 0, agree = 0;
        double maxDiff = 0;
        foreach (var (path, _) in motion.HeldOut)
        {
            var input = new InputItem(path, InputKind.Video);
            var a = PredictorFor(fp32, stride: 1, batch: 8).Predict(input);
            var b = PredictorFor(bf16, stride: 1, batch: 8).Predict(input);
            for (int i = 0; i < a.Run.Windows.Count; i++)
            {
                windows++;
                if (TopK.Of(a.Run.Windows[i].Values, 1)[0].Index == TopK.Of(b.Run.Windows[i].Values, 1)[0].Index) agree++;
                maxDiff = Math.Max(maxDiff, a.Run.Windows[i].Values.Zip(b.Run.Windows[i].Values).Max(p => Math.Abs(p.First - p.Second)));
            }
        }
        output.WriteLine($"bf16 vs fp32: top-1 agrees on {agree} of {windows} windows; largest probability difference {maxDiff:0.0000}");
        Assert.True(windows >= 200, $"only {windows} windows");
        Assert.True(agree >= 0.99 * windows, $"bf16 agrees on {agree} of {windows} windows");
        Assert.True(maxDiff > 0, "bf16 should not be bit-identical to fp32 (was the cast applied?)");
    }

    [Fact]
    public void Bad_inputs_fail_with_messages_naming_the_file()
    {
        using var dir = new TempDir();
        using var model = Load(MotionModelFixture.CheckpointPath);
        var predictor = PredictorFor(model);
        File.WriteAllText(dir.File("text.avi"), "not a video at all");
        File.WriteAllBytes(dir.File("empty.avi"), []);
        var notVideo = Assert.ThrowsAny<Exception>(() => predictor.Predict(new InputItem(dir.File("text.avi"), InputKind.Video)));
        Assert.Contains("text.avi", notVideo.Message);
        var empty = Assert.ThrowsAny<Exception>(() => predictor.Predict(new InputItem(dir.File("empty.avi"), InputKind.Video)));
        Assert.Contains("empty.avi: file is empty", empty.Message);
        Directory.CreateDirectory(dir.File("broken"));
        File.WriteAllText(dir.File("broken/00001.jpg"), "not a jpeg");
        var broken = Assert.Throws<FrameReadException>(() => predictor.Predict(new InputItem(dir.File("broken"), InputKind.FrameFolder)));
        Assert.Contains("00001.jpg: cannot be decoded as an image", broken.Message);
    }
}
