using C3dNet.Checkpoints;
using C3dNet.Datasets;
using C3dNet.Inference;
using C3dNet.Models;
using C3dNet.Tests.Support;
using C3dNet.Video;
using OpenCvSharp;
using static TorchSharp.torch;

namespace C3dNet.Tests.Inference;

public class FeatureExtractorTests
{
    /// <summary>A 171x128 video of 100 frames: step 4 gives 25 sampled frames, so stride 16 gives clips at 0 and, end-aligned, 9.</summary>
    private static string MakeVideo(string path, int frames = 100)
    {
        using var writer = new VideoWriter(path, FourCC.FromString("FFV1"), 25, new OpenCvSharp.Size(171, 128));
        var rng = new Random(3);
        for (int t = 0; t < frames; t++)
        {
            using var f = new Mat(128, 171, MatType.CV_8UC3, new Scalar(40 + t, 90, 140));
            Cv2.Circle(f, new OpenCvSharp.Point(20 + t, 40 + rng.Next(40)), 15, new Scalar(250, 200 - t, 30), -1);
            writer.Write(f);
        }
        return path;
    }

    /// <summary>The clip of source frames first, first+4, … built without the inference code.</summary>
    private static Tensor ClipFromVideo(string path, int first, C3dConfig config)
    {
        // Decoded as inference decodes (the system's FFmpeg converts straight to 171x128; OpenCV's frames are resized).
        var size = new OpenCvSharp.Size(171, 128);
        using var reader = C3dNet.Video.VideoDecoders.OpenFile(path, size: size);
        var frames = new List<Mat>();
        foreach (var (i, m) in reader.Frames(i => i >= first && (i - first) % 4 == 0 && frames.Count < 16, default))
        {
            if (m.Size() == size) { frames.Add(m); continue; }
            var small = new Mat();
            Cv2.Resize(m, small, size);
            m.Dispose();
            frames.Add(small);
        }
        var data = new float[InputTensor.Length(16, 112)];
        InputTensor.Write(data, frames, CropBox.Center(128, 171, 112), false, config.Input);
        foreach (var f in frames) f.Dispose();
        return tensor(data, new long[] { 1, 3, 16, 112, 112 });
    }

    [Theory]
    [InlineData("fc6")]
    [InlineData("fc7")]
    public void Features_equal_the_networks_activations_with_the_documented_shapes_and_norms(string layer)
    {
        using var dir = new TempDir();
        string video = MakeVideo(dir.File("v.mkv"));
        using var ckpt = C3dCheckpoint.Load(Fixtures.PretrainedNarrow);
        Assert.Equal(CheckpointKind.Pretrained, ckpt.Kind);
        using var model = ClipModel.FromCheckpoint(ckpt, Fixtures.PretrainedNarrow, CPU, InferencePrecision.Fp32);
        var extractor = new FeatureExtractor(model, SamplingSettings.For(model.Config, stride: 16), batchSize: 1, layer);
        var run = extractor.Extract(new InputItem(video, InputKind.Video));
        var entry = extractor.Save(run, dir.Path, "v");

        Assert.Equal([0, 36], entry.ClipStarts);
        Assert.Equal([60, 96], entry.ClipEnds);
        var (clips, shape) = NpyFile.ReadFloat32(dir.File($"v_{layer}.npy"));
        Assert.Equal([2, 512], shape);
        Assert.All(clips, v => Assert.True(v >= 0)); // after ReLU
        var (mean, meanShape) = NpyFile.ReadFloat32(dir.File($"v_{layer}_video.npy"));
        Assert.Equal([512], meanShape);
        Assert.Equal(1.0, Math.Sqrt(mean.Sum(v => (double)v * v)), 5);
        var expectedMean = clips.Take(512).Zip(clips.Skip(512), (a, b) => (a + b) / 2).ToArray();
        double norm = Math.Sqrt(expectedMean.Sum(v => (double)v * v));
        Assert.All(mean.Zip(expectedMean), p => Assert.Equal(p.Second / norm, p.First, 1e-5));

        // The network's own activations for the clip of source frames 36, 40, …, 96.
        using var reference = new C3D(ckpt.ModelConfig);
        ckpt.LoadInto(reference, "pretrained");
        reference.eval();
        using var _ = no_grad();
        using var x = ClipFromVideo(video, 36, reference.Config);
        using var expected = reference.Features(x, layer);
        var want = expected.data<float>().ToArray();
        Assert.True(want.Count(v => v > 0) > 10, "the clip should activate some units");
        // Same clip through the same layers: equal up to float32 rounding.
        for (int i = 0; i < 512; i++) Assert.True(Math.Abs(want[i] - clips[512 + i]) <= 1e-5 * Math.Max(1, Math.Abs(want[i])), $"unit {i}: {want[i]} vs {clips[512 + i]}");
    }

    [Fact]
    public void Unknown_layers_are_refused()
    {
        using var model = new ClipModel(new C3D(new C3dConfig { NumClasses = 2, WidthMultiplier = 0.125 }), CPU, InferencePrecision.Fp32);
        var e = Assert.Throws<ArgumentException>(() => new FeatureExtractor(model, new SamplingSettings(), 1, "fc8"));
        Assert.Contains("fc6 or fc7", e.Message);
    }

    [Fact]
    public void Feature_index_round_trips_with_its_documented_keys()
    {
        using var dir = new TempDir();
        var index = new FeatureIndex("fc6", 512, "w.pth", 16, 16,
            [new FeatureEntry("a.avi", 2, 4, 25, [0, 36], [60, 96], "a_fc6.npy", "a_fc6_video.npy")], [new FeatureFailure("b.avi", "b.avi: file not found")]);
        index.Save(dir.Path);
        var back = FeatureIndex.Load(dir.Path);
        Assert.Equal(index.Inputs[0].ClipStarts, back.Inputs[0].ClipStarts);
        Assert.Equal("b.avi", back.Failed[0].Input);
        string json = File.ReadAllText(dir.File("index.json"));
        Assert.Contains("\"clip_starts\"", json);
        Assert.Contains("\"clips_file\": \"a_fc6.npy\"", json);
    }
}
