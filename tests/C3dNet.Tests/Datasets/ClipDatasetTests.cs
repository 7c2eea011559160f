using C3dNet.Datasets;
using C3dNet.Models;
using C3dNet.Tests.Support;
using OpenCvSharp;

namespace C3dNet.Tests.Datasets;

public class ClipDatasetTests
{
    private const int W = 48, H = 40, Clip = 16, Crop = 32;

    /// <summary>Lossless frames whose pixels say where they are: B = column, G = row, R = 10 * frame + 1.</summary>
    private static VideoEntry PixelVideo(string dir, int frames, int label = 0)
    {
        Directory.CreateDirectory(dir);
        for (int f = 0; f < frames; f++)
        {
            using var mat = new Mat(H, W, MatType.CV_8UC3);
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++)
                    mat.Set(y, x, new Vec3b((byte)x, (byte)y, (byte)(10 * f + 1)));
            Cv2.ImWrite(Path.Combine(dir, $"{f + 1:D5}.png"), mat);
        }
        return new VideoEntry(dir, label, "c", FrameFolder.List(dir));
    }

    private static C3dConfig Config(string order = "BGR", float scale = 1) => new()
    {
        NumClasses = 2, ClipLength = Clip, CropSize = Crop, ResizeWidth = W, ResizeHeight = H, ChannelOrder = order, InputScale = scale,
    };

    private static float At(float[] clip, int c, int t, int y, int x) => clip[((c * Clip + t) * Crop + y) * Crop + x];

    [Fact]
    public void Crop_flip_mean_scale_and_layout_land_on_known_pixel_values()
    {
        using var dir = new TempDir();
        var video = PixelVideo(dir.File("v"), 20);
        var ds = new ClipDataset([video], Config(scale: 2));
        var clip = new float[ds.ClipFloats];
        ds.Write(new ClipSpec(0, Start: 3, new CropBox(Top: 5, Left: 7, Size: Crop), Flip: false), clip);
        Assert.Equal(3 * Clip * Crop * Crop, clip.Length);
        foreach (var (t, y, x) in new[] { (0, 0, 0), (4, 10, 20), (15, 31, 31) })
        {
            Assert.Equal((7 + x - 90f) / 2, At(clip, 0, t, y, x)); // B, mean 90, scale 2
            Assert.Equal((5 + y - 98f) / 2, At(clip, 1, t, y, x)); // G, mean 98
            Assert.Equal((10 * (3 + t) + 1 - 102f) / 2, At(clip, 2, t, y, x)); // R of frame start + t, mean 102
        }

        ds.Write(new ClipSpec(0, 3, new CropBox(5, 7, Crop), Flip: true), clip);
        Assert.Equal((7 + Crop - 1 - 90f) / 2, At(clip, 0, 0, 0, 0)); // mirrored columns
        Assert.Equal((7 + 0 - 90f) / 2, At(clip, 0, 0, 0, Crop - 1));
        Assert.Equal((5 + 9 - 98f) / 2, At(clip, 1, 0, 9, 3)); // rows unchanged
    }

    [Fact]
    public void RGB_order_swaps_the_channel_planes()
    {
        using var dir = new TempDir();
        var ds = new ClipDataset([PixelVideo(dir.File("v"), 16)], Config("RGB") with { Mean = [0, 0, 0] });
        var clip = new float[ds.ClipFloats];
        ds.Write(new ClipSpec(0, 0, new CropBox(0, 0, Crop), false), clip);
        Assert.Equal(10 * 2 + 1, At(clip, 0, 2, 4, 6)); // R first
        Assert.Equal(4, At(clip, 1, 2, 4, 6));
        Assert.Equal(6, At(clip, 2, 2, 4, 6)); // B last
    }

    [Fact]
    public void Frames_of_another_size_are_resized_to_the_model_frame_size()
    {
        using var dir = new TempDir();
        var ds = new ClipDataset([PixelVideo(dir.File("v"), 16)], Config() with { ResizeWidth = 2 * W, ResizeHeight = 2 * H, CropSize = 64 });
        var clip = new float[ds.ClipFloats];
        ds.Write(new ClipSpec(0, 0, CropBox.Center(2 * H, 2 * W, 64), false), clip);
        // Doubled frames: the centre crop (rows 8.., columns 16..) shows source column ~ (16 + x) / 2.
        float b = clip[10 * 64 + 20] + 90; // channel B, frame 0, row 10, column 20
        Assert.InRange(b, 17.5f, 18.5f);
    }

    [Fact]
    public void Evaluation_clips_are_centre_crops_at_evenly_spaced_starts_the_same_every_time()
    {
        Assert.Equal([4, 12, 20], ClipSampler.EvenStarts(40, 16, 3));
        Assert.Equal([12], ClipSampler.EvenStarts(40, 16, 1));
        Assert.Equal([0, 0, 0], ClipSampler.EvenStarts(10, 16, 3));
        Assert.Equal([0, 0], ClipSampler.EvenStarts(16, 16, 2));
        var starts = ClipSampler.EvenStarts(100, 16, 10);
        Assert.Equal(10, starts.Distinct().Count());
        Assert.All(starts, s => Assert.InRange(s, 0, 100 - 16));

        using var dir = new TempDir();
        var ds = new ClipDataset([PixelVideo(dir.File("a"), 40), PixelVideo(dir.File("b"), 10, 1)], Config());
        var first = ds.EvalClips(3);
        Assert.Equal(first, ds.EvalClips(3));
        Assert.Equal([4, 12, 20, 0, 0, 0], first.Select(c => c.Start));
        Assert.All(first, c => Assert.Equal(new CropBox(4, 8, Crop), c.Crop));
        Assert.All(first, c => Assert.False(c.Flip));
    }

    [Fact]
    public void Training_clips_are_seeded_random_in_range_and_differ_between_epochs()
    {
        using var dir = new TempDir();
        var videos = Enumerable.Range(0, 40).Select(i => new VideoEntry(dir.Path, i % 2, "c", Enumerable.Repeat("x", 20 + i).ToList())).ToList();
        var ds = new ClipDataset(videos, Config());
        var a = ds.TrainEpoch(seed: 5, epoch: 0);
        Assert.Equal(a, ds.TrainEpoch(5, 0));
        Assert.NotEqual(a, ds.TrainEpoch(5, 1));
        Assert.NotEqual(a, ds.TrainEpoch(6, 0));
        Assert.Equal(Enumerable.Range(0, 40), a.Select(c => c.Video).Order()); // every video once, shuffled
        Assert.NotEqual(Enumerable.Range(0, 40), a.Select(c => c.Video));
        Assert.All(a, c => Assert.InRange(c.Start, 0, videos[c.Video].Frames.Count - Clip));
        Assert.All(a, c => { Assert.InRange(c.Crop.Top, 0, H - Crop - 1); Assert.InRange(c.Crop.Left, 0, W - Crop - 1); });
        int flips = Enumerable.Range(0, 10).SelectMany(e => ds.TrainEpoch(5, e)).Count(c => c.Flip);
        Assert.InRange(flips, 140, 260); // about half of 400
        Assert.DoesNotContain(ds.TrainEpoch(5, 0, flipProbability: 0), c => c.Flip); // for left-vs-right classes
        Assert.All(ds.TrainEpoch(5, 0, flipProbability: 1), c => Assert.True(c.Flip));
        Assert.Equal(a.Select(c => (c.Video, c.Start, c.Crop)), ds.TrainEpoch(5, 0, 0).Select(c => (c.Video, c.Start, c.Crop)));
        Assert.True(a.Select(c => c.Start).Distinct().Count() > 5);
    }

    [Fact]
    public void A_video_shorter_than_a_clip_loops_its_frames()
    {
        Assert.Equal([0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0], ClipSampler.FrameIndices(0, 16, 5));
        Assert.Equal(0, ClipSampler.RandomStart(5, 16, new Random(1)));
        using var dir = new TempDir();
        var ds = new ClipDataset([PixelVideo(dir.File("v"), 5)], Config());
        var clip = new float[ds.ClipFloats];
        ds.Write(ds.EvalClips(1)[0], clip);
        for (int t = 0; t < Clip; t++) Assert.Equal(10 * (t % 5) + 1 - 102f, At(clip, 2, t, 0, 0));
        var single = new ClipDataset([PixelVideo(dir.File("one"), 1)], Config());
        single.Write(single.TrainEpoch(1, 0)[0], clip);
        Assert.Equal(1 - 102f, At(clip, 2, 15, 3, 3));
    }

    [Fact]
    public void A_crop_larger_than_the_frames_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => new ClipDataset([], Config() with { CropSize = 56 }));
        Assert.Contains("does not fit", e.Message);
    }

    [Fact]
    public void A_corrupt_frame_is_reported_with_its_file()
    {
        using var dir = new TempDir();
        var video = PixelVideo(dir.File("v"), 16);
        File.WriteAllBytes(video.Frames[7], [1, 2, 3, 4, 5]);
        var ds = new ClipDataset([video], Config());
        var e = Assert.Throws<FrameReadException>(() => ds.Write(ds.EvalClips(1)[0], new float[ds.ClipFloats]));
        Assert.Equal(video.Frames[7], e.Path);
        Assert.Contains("cannot be decoded", e.Message);
    }

    [Fact]
    public void A_truncated_jpeg_frame_is_refused_naming_the_file()
    {
        using var dir = new TempDir();
        var png = PixelVideo(dir.File("png"), 16);
        Directory.CreateDirectory(dir.File("v"));
        foreach (var (f, i) in png.Frames.Select((f, i) => (f, i)))
        {
            using var mat = Cv2.ImRead(f);
            Cv2.ImWrite(dir.File($"v/{i + 1:D5}.jpg"), mat);
        }
        var video = png with { Directory = dir.File("v"), Frames = FrameFolder.List(dir.File("v")) };
        var bytes = File.ReadAllBytes(video.Frames[5]);
        Assert.False(FrameFolder.IsTruncatedJpeg(bytes));
        File.WriteAllBytes(video.Frames[5], bytes[..(bytes.Length * 2 / 3)]); // a copy that did not finish
        var ds = new ClipDataset([video], Config());
        var e = Assert.Throws<FrameReadException>(() => ds.Write(ds.EvalClips(1)[0], new float[ds.ClipFloats]));
        Assert.Equal(video.Frames[5], e.Path);
        Assert.Contains("truncated JPEG", e.Message);
        Assert.False(FrameFolder.IsTruncatedJpeg([.. bytes, 0, 0])); // zero padding after the end marker is fine
    }
}

public class FrameRateTimelineTests
{
    /// <summary>A ResNet config whose input leaves 8-bit values as they are, so a clip's R channel reads 10 x frame + 1.</summary>
    private static C3dConfig ResNet(int clip) => C3dConfig.ForVideoResNet("r3d_18", 2, new ModelInput
    {
        ChannelOrder = "RGB", ValueScale = 1, Mean = [0, 0, 0], ResizeWidth = 48, ResizeHeight = 40, CropSize = 32, ClipLength = clip,
        Sampling = TemporalSampling.AtFramesPerSecond(15),
    });

    private static VideoEntry Video(string dir, int frames, double? fps)
    {
        Directory.CreateDirectory(dir);
        for (int f = 0; f < frames; f++)
        {
            using var mat = new Mat(40, 48, MatType.CV_8UC3, new Scalar(0, 0, 10 * f + 1));
            Cv2.ImWrite(Path.Combine(dir, $"{f + 1:D5}.png"), mat);
        }
        return new VideoEntry(dir, 0, "c", FrameFolder.List(dir)) { FramesPerSecond = fps };
    }

    [Theory]
    [InlineData(30.0, new[] { 2, 4, 6, 8, 10, 12, 14, 16 })] // 30 fps frames (--frame-step 1 of a 30 fps video): every other one
    [InlineData(15.0, new[] { 6, 7, 8, 9, 10, 11, 12, 13 })] // already at 15 fps (--frame-step 2): as they are
    [InlineData(7.5, new[] { 8, 8, 9, 9, 10, 10, 11, 11 })] // slower than 15 fps: each twice, as torchvision upsamples
    [InlineData(null, new[] { 6, 7, 8, 9, 10, 11, 12, 13 })] // unknown rate: as they are
    public void A_frame_rate_model_sees_each_folder_resampled_from_its_own_rate_to_15_fps(double? folderFps, int[] expected)
    {
        using var dir = new TempDir();
        var ds = new ClipDataset([Video(dir.File("v"), 20, folderFps)], ResNet(8));
        var spec = Assert.Single(ds.EvalClips(1));
        var clip = new float[ds.ClipFloats];
        ds.Write(spec, clip);
        int plane = 32 * 32;
        var frames = Enumerable.Range(0, 8).Select(t => (int)(clip[t * plane] - 1) / 10).ToArray();
        Assert.Equal(expected, frames);
    }

    [Fact]
    public void C3D_takes_every_folder_frame_whatever_the_rate_and_only_frame_rate_models_get_sampling_notices()
    {
        var video = new VideoEntry("v", 0, "c", Enumerable.Range(0, 20).Select(i => $"{i}.jpg").ToList()) { FramesPerSecond = 7.5 };
        Assert.Equal(Enumerable.Range(0, 20), ClipDataset.Timeline(video, new C3dConfig().Input));
        Assert.Empty(ClipDataset.SamplingNotices([video], new C3dConfig(), "data"));
        var notices = ClipDataset.SamplingNotices([video, video with { FramesPerSecond = null }, video with { FramesPerSecond = 30 }], ResNet(8), "data");
        Assert.Equal(2, notices.Count);
        Assert.Contains("1 of 3 videos have no frame rate in manifest.json", notices[0]);
        Assert.Contains("1 of 3 videos have frames at 7.5 fps, below r3d_18's 15 fps, so frames repeat", notices[1]);
    }

    [Fact]
    public void A_videos_frame_rate_is_its_source_fps_over_its_frame_step_from_the_manifest()
    {
        using var dir = new TempDir();
        MotionFrames.Write(dir.File("data"), new MotionFrames.Options { Classes = 2, TrainPerClass = 2, ValPerClass = 0, TestPerClass = 0, Frames = 4, Seed = 1 });
        var names = Directory.GetDirectories(dir.File("data/train/MoveLeft")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        File.WriteAllText(dir.File("data/manifest.json"), $$"""
            {"format": "c3d-frames/1", "options": {"frame_step": 2}, "videos": [
              {"source": "a.avi", "class": "MoveLeft", "name": "{{names[0]}}", "split": "train", "status": "done", "fps": 29.97, "frame_step": 2},
              {"source": "b.avi", "class": "MoveLeft", "name": "{{names[1]}}", "split": "train", "status": "done", "fps": 25, "frame_step": 1},
              {"source": "c.avi", "class": "MoveRight", "name": "elsewhere", "split": "train", "status": "done", "fps": 30, "frame_step": 1}]}
            """);
        var videos = FrameDataset.Open(dir.File("data")).Videos("train");
        Assert.Equal([29.97 / 2, 25, null, null], videos.Select(v => v.FramesPerSecond));
    }
}
