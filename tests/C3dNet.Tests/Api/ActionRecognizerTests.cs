using System.Text.Json;
using C3dNet.Inference;
using C3dNet.Tests.Inference;
using C3dNet.Tests.Support;
using C3dNet.Video;
using OpenCvSharp;

namespace C3dNet.Tests.Api;

/// <summary>The public API: the same results as `c3d predict --json` / `c3d features`, supplied frames, async, progress, cancellation, concurrency.</summary>
[Collection("motion model")]
public class ActionRecognizerTests(MotionModelFixture motion)
{
    private static readonly JsonSerializerOptions Json = new();

    private static string Compact(string json) => JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);

    private static List<Mat> Decode(string path)
    {
        using var reader = VideoReader.Open(path);
        return reader.Frames().Select(f => f.Frame).ToList();
    }

    [Fact]
    public void Recognize_gives_the_predict_json_document_of_the_cli()
    {
        var (path, cls) = motion.HeldOut[1];
        var (code, stdout, stderr) = CliRunner.Run("predict", path, "--checkpoint", MotionModelFixture.CheckpointPath, "--json", "--top-k", "3", "--stride", "4");
        Assert.True(code == 0, stderr);
        using var recognizer = ActionRecognizer.Load(MotionModelFixture.CheckpointPath, new RecognizerOptions { TopK = 3, Stride = 4 });
        var result = recognizer.Recognize(path);
        Assert.Equal(MotionVideo.ClassNames[cls], result.Label);
        Assert.Equal(MotionVideo.ClassNames, recognizer.ClassNames);
        Assert.Equal(3, result.Top.Count);
        Assert.True(result.Windows.Count > 3);
        JsonAssert.Equivalent(JsonSerializer.Serialize(result.ToDocument(), Json), stdout); // the CLI is another process
        // The full probabilities behind each window's top-k, and the sampling the run used.
        Assert.Equal(result.Windows.Count, result.WindowProbabilities.Count);
        for (int w = 0; w < result.Windows.Count; w++)
        {
            var probs = result.WindowProbabilities[w];
            Assert.Equal(recognizer.ClassNames.Count, probs.Count);
            Assert.Equal(result.Windows[w].Top[0].Index, probs.ToList().IndexOf(probs.Max()));
            Assert.Equal(result.Windows[w].Top[0].Prob, probs.Max());
        }
        Assert.Equal(recognizer.FrameStep, result.FrameStep);
        Assert.True(result.SourceFrames > result.Windows[^1].EndFrame, $"{result.SourceFrames} source frames, last window ends at {result.Windows[^1].EndFrame}");
        Assert.Equal(25.0, result.Fps); // the held-out videos are 25 fps
    }

    [Fact]
    public async Task Supplied_frames_give_the_windows_of_the_file_and_stay_the_callers()
    {
        var (path, _) = motion.HeldOut[2];
        using var recognizer = ActionRecognizer.Load(MotionModelFixture.CheckpointPath, new RecognizerOptions { BatchSize = 3 });
        var fromFile = recognizer.Recognize(path);
        var frames = Decode(path);
        try
        {
            var fromFrames = recognizer.Recognize(frames, fps: 25, name: "camera");
            Assert.Equal("camera", fromFrames.Input);
            Assert.Equal(fromFile.Windows.Select(w => (w.StartFrame, w.EndFrame, w.StartSeconds, w.EndSeconds, w.Top[0].Index)),
                fromFrames.Windows.Select(w => (w.StartFrame, w.EndFrame, w.StartSeconds, w.EndSeconds, w.Top[0].Index)));
            for (int i = 0; i < fromFile.Windows.Count; i++)
                Assert.Equal(fromFile.Windows[i].Top[0].Prob, fromFrames.Windows[i].Top[0].Prob, 5);
            Assert.All(frames, f => Assert.False(f.IsDisposed)); // copied, not taken
            Assert.Equal(MotionVideo.Width, frames[^1].Cols);

            var progress = new List<int>();
            var viaAsync = await recognizer.RecognizeAsync(Frames(frames), 25, "camera", new ListProgress(progress));
            Assert.Equal(fromFrames.Windows.Select(w => w.Top[0].Index), viaAsync.Windows.Select(w => w.Top[0].Index));
            Assert.Equal(fromFile.Windows.Count, progress[^1]);
            Assert.Equal(progress.Order(), progress);
        }
        finally
        {
            foreach (var f in frames) f.Dispose();
        }
    }

    private static async IAsyncEnumerable<Mat> Frames(IEnumerable<Mat> frames)
    {
        foreach (var f in frames)
        {
            await Task.Yield();
            yield return f;
        }
    }

    private sealed class ListProgress(List<int> windows) : IProgress<RecognitionProgress>
    {
        public void Report(RecognitionProgress value) => windows.Add(value.WindowsDone);
    }

    [Fact]
    public async Task Cancelling_stops_a_run_and_a_bad_input_names_itself()
    {
        using var recognizer = ActionRecognizer.Load(MotionModelFixture.CheckpointPath, new RecognizerOptions { BatchSize = 1 });
        using var cancel = new CancellationTokenSource();
        // Cancelled from the progress of the first window: certain to land while the run still has windows to go.
        var progress = new ActionProgress(_ => cancel.Cancel());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => recognizer.RecognizeAsync(motion.HeldOut[0].Path, progress, cancel.Token));
        var missing = Assert.Throws<InvalidDataException>(() => recognizer.Recognize("/nonexistent/gone.avi"));
        Assert.Equal("/nonexistent/gone.avi: file not found", missing.Message);
        Assert.Equal("camera: no frame could be read", Assert.Throws<InvalidDataException>(() => recognizer.Recognize([], 25, "camera")).Message);
        using var gray = new Mat(64, 80, MatType.CV_8UC1, Scalar.All(0));
        Assert.Contains("give 8-bit BGR frames", Assert.Throws<ArgumentException>(() => recognizer.Recognize([gray], 25)).Message);
    }

    private sealed class ActionProgress(Action<RecognitionProgress> report) : IProgress<RecognitionProgress>
    {
        public void Report(RecognitionProgress value) => report(value);
    }

    [Fact]
    public async Task One_instance_serves_concurrent_callers_with_the_results_of_sequential_calls()
    {
        using var recognizer = ActionRecognizer.Load(MotionModelFixture.CheckpointPath, new RecognizerOptions { BatchSize = 2 });
        var paths = motion.HeldOut.Take(4).Select(h => h.Path).ToList();
        var sequential = paths.Select(p => JsonSerializer.Serialize(recognizer.Recognize(p).Report)).ToList();
        var concurrent = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(async () =>
            JsonSerializer.Serialize((await recognizer.RecognizeAsync(paths[i % 4])).Report))));
        for (int i = 0; i < 8; i++) Assert.Equal(sequential[i % 4], concurrent[i]);
    }

    [Fact]
    public void Features_are_those_of_the_features_command()
    {
        var (path, _) = motion.HeldOut[3];
        using var dir = new TempDir();
        var (code, _, stderr) = CliRunner.Run("features", path, "--checkpoint", MotionModelFixture.CheckpointPath, "--out", dir.Path, "--layer", "fc7");
        Assert.True(code == 0, stderr);
        using var recognizer = ActionRecognizer.LoadForFeatures(MotionModelFixture.CheckpointPath);
        Assert.True(recognizer.CanRecognize);
        var features = recognizer.ExtractFeatures(path, new FeatureOptions { Layer = "fc7" });
        var index = FeatureIndex.Load(dir.Path);
        var entry = Assert.Single(index.Inputs);
        Assert.Equal(entry.ClipStarts, features.ClipFrames.Select(c => c.Start));
        Assert.Equal(entry.ClipEnds, features.ClipFrames.Select(c => c.End));
        Assert.Equal(recognizer.FeatureWidth, features.Clips[0].Length);
        var (clips, _) = NpyFile.ReadFloat32(Path.Combine(dir.Path, entry.ClipsFile));
        Assert.Equal(clips, features.Clips.SelectMany(c => c).ToArray());
        Assert.Equal(1.0, Math.Sqrt(features.Video.Sum(v => (double)v * v)), 4);
        var e = Assert.Throws<ArgumentException>(() => recognizer.ExtractFeatures(path, new FeatureOptions { Layer = "fc8" }));
        Assert.Contains("unknown feature layer 'fc8'", e.Message);
    }

    [Fact]
    public void Sports1M_weights_load_for_features_only()
    {
        using var recognizer = ActionRecognizer.LoadForFeatures(Fixtures.Path_("pretrained_narrow.pth"));
        Assert.False(recognizer.CanRecognize);
        var e = Assert.Throws<InvalidOperationException>(() => recognizer.Recognize(motion.HeldOut[0].Path));
        Assert.Contains("loaded for features", e.Message);
        Assert.Throws<C3dNet.Checkpoints.CheckpointException>(() => ActionRecognizer.Load(Fixtures.Path_("pretrained_narrow.pth")));
    }
}
