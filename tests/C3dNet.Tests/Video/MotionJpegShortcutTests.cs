using C3dNet.Synthetic;
using C3dNet.Tests.Datasets;
using C3dNet.Tests.Support;
using C3dNet.Video;
using OpenCvSharp;

namespace C3dNet.Tests.Video;

public class MotionJpegShortcutTests
{
    private static string Generated(TempDir dir, int frames = 40) =>
        MotionVideoGenerator.Generate(new GeneratorOptions { OutDir = dir.File("gen"), Classes = 1, VideosPerClass = 1, Frames = frames, Width = 171, Height = 128, Seed = 4 })
            .Videos[0].Path;

    [Fact]
    public void Only_motion_jpeg_videos_take_the_shortcut()
    {
        using var dir = new TempDir();
        string mjpeg = Generated(dir);
        string xvid = dir.File("x.avi");
        using (var writer = new VideoWriter(xvid, FourCC.XVID, 25, new Size(64, 48)))
        using (var frame = new Mat(48, 64, MatType.CV_8UC3, Scalar.All(90)))
            for (int i = 0; i < 5; i++) writer.Write(frame);

        using (var reader = MotionJpegReader.TryOpen(mjpeg)) Assert.NotNull(reader);
        Assert.Null(MotionJpegReader.TryOpen(xvid));
        Assert.Null(MotionJpegReader.TryOpen(dir.File("missing.avi")));
    }

    [Fact]
    public void Shortcut_frames_match_ffmpeg_frames_in_count_order_and_closely_in_pixels()
    {
        using var dir = new TempDir();
        string video = Generated(dir);
        var fast = FrameExtractor.Extract(video, dir.File("fast"), new FrameExtractionSettings());
        var full = FrameExtractor.Extract(video, dir.File("full"), new FrameExtractionSettings { MotionJpegShortcut = false });
        Assert.Equal(full with { Decoder = "" }, fast with { Decoder = "" }); // the same extraction, each naming its own decoder
        Assert.Contains("Motion-JPEG", fast.Decoder);
        Assert.DoesNotContain("Motion-JPEG", full.Decoder);
        Assert.Equal((40, 2, 20), (fast.FramesDecoded, fast.FrameStep, fast.FramesWritten));

        double worst = 0;
        for (int n = 1; n <= fast.FramesWritten; n++)
        {
            using var a = Cv2.ImRead(Path.Combine(dir.File("fast"), FrameExtractor.FrameName(n)));
            using var b = Cv2.ImRead(Path.Combine(dir.File("full"), FrameExtractor.FrameName(n)));
            using var diff = new Mat();
            Cv2.Absdiff(a, b, diff);
            var mean = Cv2.Mean(diff);
            worst = Math.Max(worst, (mean.Val0 + mean.Val1 + mean.Val2) / 3);
        }
        // Two JPEG decoders (libjpeg-turbo, FFmpeg) then JPEG again: rounding and chroma upsampling only.
        Assert.InRange(worst, 0.01, 3.0);
    }

    [Fact]
    public void A_frame_libjpeg_cannot_decode_falls_back_to_ffmpeg()
    {
        using var dir = new TempDir();
        string video = Generated(dir, frames: 20);
        // Wreck the header of the first frame's JPEG (keeping its SOI and EOI): libjpeg refuses it outright.
        var bytes = File.ReadAllBytes(video);
        int soi = IndexOf(bytes, [0xFF, 0xD8, 0xFF], 0);
        Assert.True(soi > 0);
        Array.Fill(bytes, (byte)0x00, soi + 2, 300);
        File.WriteAllBytes(video, bytes);
        using (var reader = MotionJpegReader.TryOpen(video))
            Assert.Throws<InvalidDataException>(() => reader!.Frames(null, default).ToList());

        var result = FrameExtractor.Extract(video, dir.File("out"), new FrameExtractionSettings());
        Assert.InRange(result.FramesDecoded, 19, 20);
        Assert.Equal(FrameStepRule.KeptFrames(result.FramesDecoded, result.FrameStep), result.FramesWritten);
        Assert.Equal(result.FramesWritten, Directory.GetFiles(dir.File("out")).Length);
    }

    private static int IndexOf(byte[] haystack, byte[] needle, int start)
    {
        for (int i = start; i <= haystack.Length - needle.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        return -1;
    }
}
