using C3dNet.Tests.Datasets;
using C3dNet.Tests.Support;
using C3dNet.Video;
using OpenCvSharp;
using Xunit.Abstractions;

namespace C3dNet.Tests.Video;

/// <summary>
/// The system-FFmpeg backend against OpenCV's: same frames, step, names and sizes on every codec and on damaged
/// files; pixels within the stated bound; the shim's ABI; cancellation; memory over many videos.
/// </summary>
public class FfmpegBackendTests(ITestOutputHelper output)
{
    /// <summary>
    /// Lowest PSNR allowed between a JPEG written through the system's FFmpeg and one written through OpenCV's
    /// (both: YUV to full-size BGR by libswscale, then cv2.resize bilinear; the builds differ in SIMD rounding), per frame.
    /// </summary>
    private const double MinPsnr = 40; // measured: 42.0-44.3 dB worst frame per video (XVID, FMP4, H.264, MJPG), 43.8-44.7 dB mean

    private static FrameExtractionSettings Settings(VideoDecoder decoder) =>
        new() { Decoder = decoder, MotionJpegShortcut = false };

    [Fact]
    public void The_shim_reports_the_FFmpeg_versions_it_was_compiled_against_equal_to_those_loaded()
    {
        Assert.True(AvShim.Available, AvShim.Problem);
        var v = AvShim.LoadedVersions!;
        for (int i = 0; i < 4; i++)
        {
            output.WriteLine($"{AvShim.Versions.Libraries[i]}: compiled {AvShim.Versions.Text(v.Compiled[i])}, loaded {AvShim.Versions.Text(v.Loaded[i])}");
            Assert.Equal(v.Compiled[i] >> 16, v.Loaded[i] >> 16); // the major version is the ABI
            Assert.True(v.Loaded[i] >= v.Compiled[i]);
        }
        Assert.Null(v.Mismatch());
        Assert.Contains("libavcodec 58.0.0", new AvShim.Versions([59 << 16, 0, 0, 0], [58 << 16, 0, 0, 0]).Mismatch());
    }

    /// <summary>Videos OpenCV writes itself; H.264 needs Debian's ffmpeg (<see cref="H264Lengths"/>).</summary>
    public static TheoryData<string, int> Codecs => new()
    {
        { "XVID", 70 }, { "FMP4", 40 }, { "MJPG", 70 }, { "XVID", 12 },
    };

    public static TheoryData<int> H264Lengths => new() { 70, 20 };

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Both_backends_give_the_same_frames_step_names_and_sizes_and_pixels_within_the_bound(string codec, int frames) =>
        SameFramesWithBoth(codec, frames);

    [FfmpegTheory]
    [MemberData(nameof(H264Lengths))]
    public void Both_backends_give_the_same_frames_step_names_and_sizes_and_pixels_within_the_bound_on_H264(int frames) =>
        SameFramesWithBoth("H264", frames);

    private void SameFramesWithBoth(string codec, int frames)
    {
        using var dir = new TempDir();
        string video = MakeVideo(dir, codec, frames);
        var cv = FrameExtractor.Extract(video, dir.File("cv"), Settings(VideoDecoder.OpenCv));
        var ff = FrameExtractor.Extract(video, dir.File("ff"), Settings(VideoDecoder.Ffmpeg));

        Assert.Equal(frames, cv.FramesDecoded);
        Assert.Equal((cv.FramesDecoded, cv.ReportedFrames, cv.FrameStep, cv.FramesWritten, cv.Warning),
                     (ff.FramesDecoded, ff.ReportedFrames, ff.FrameStep, ff.FramesWritten, ff.Warning));
        Assert.Equal(cv.Fps, ff.Fps, 6);
        var names = Directory.GetFiles(dir.File("cv")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(names, Directory.GetFiles(dir.File("ff")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList());
        Assert.Equal(cv.FramesWritten, names.Count);
        double worst = double.PositiveInfinity, sum = 0;
        foreach (var name in names)
        {
            using var a = Cv2.ImRead(Path.Combine(dir.File("cv"), name!));
            using var b = Cv2.ImRead(Path.Combine(dir.File("ff"), name!));
            Assert.Equal(new Size(171, 128), a.Size());
            Assert.Equal(a.Size(), b.Size());
            double psnr = CodecVideos.Psnr(a, b);
            worst = Math.Min(worst, psnr);
            sum += psnr;
        }
        output.WriteLine($"{codec} {frames} frames: PSNR FFmpeg vs OpenCV JPEGs: min {worst:F1} dB, mean {sum / names.Count:F1} dB over {names.Count}");
        Assert.True(worst >= MinPsnr, $"{codec}: PSNR {worst:F1} dB below {MinPsnr}");
    }

    private static string MakeVideo(TempDir dir, string codec, int frames)
    {
        if (codec != "H264")
        {
            string path = dir.File($"v-{codec}.avi");
            CodecVideos.Write(path, codec, frames);
            return path;
        }
        string source = dir.File("source.avi"), h264 = dir.File("v.mp4");
        CodecVideos.Write(source, "MJPG", frames);
        CodecVideos.H264(source, h264);
        return h264;
    }

    [Fact]
    public void A_truncated_XVID_video_gives_the_same_frames_and_warning_with_both() => TruncatedSameWithBoth("XVID");

    [FfmpegFact]
    public void A_truncated_H264_video_gives_the_same_frames_and_warning_with_both() => TruncatedSameWithBoth("H264");

    private void TruncatedSameWithBoth(string codec)
    {
        using var dir = new TempDir();
        string video = MakeVideo(dir, codec, 80);
        if (codec == "H264")
        {   // mp4 keeps its index at the end: move it to the front, so that a cut file still opens (as a partial download with faststart)
            CodecVideos.Ffmpeg("-i", video, "-c", "copy", "-movflags", "+faststart", dir.File("fast.mp4"));
            video = dir.File("fast.mp4");
        }
        TestVideos.Truncate(video, 0.5);
        var cv = FrameExtractor.Extract(video, dir.File("cv"), Settings(VideoDecoder.OpenCv));
        var ff = FrameExtractor.Extract(video, dir.File("ff"), Settings(VideoDecoder.Ffmpeg));
        output.WriteLine($"{codec} truncated: OpenCV {cv.FramesDecoded} of {cv.ReportedFrames}, FFmpeg {ff.FramesDecoded} of {ff.ReportedFrames}");
        Assert.InRange(cv.FramesDecoded, 10, 70);
        Assert.Equal((cv.FramesDecoded, cv.ReportedFrames, cv.FrameStep, cv.FramesWritten), (ff.FramesDecoded, ff.ReportedFrames, ff.FrameStep, ff.FramesWritten));
        Assert.Contains("reports 80 frames", ff.Warning);
    }

    [FfmpegTheory]
    [InlineData("mp4", 4)]
    [InlineData("mp4", 3)]
    [InlineData("ts", 4)]
    public void Non_reference_H264_frames_that_are_not_kept_are_not_decoded_yet_counted_and_kept_frames_are_the_same(string container, int step)
    {
        using var dir = new TempDir();
        string source = dir.File("s.avi"), video = dir.File($"b.{container}");
        CodecVideos.Write(source, "MJPG", 90, 160, 96);
        CodecVideos.H264(source, video, "-bf", "3"); // B-frames, some of them references (x264's b-pyramid), the rest not
        var all = new List<(int Index, Mat Frame)>();
        using (var full = VideoDecoders.OpenFile(video, VideoDecoder.Ffmpeg, 1))
            all.AddRange(full.Frames(null, default).Select(f => (f.Index, f.Frame)));
        int opencv;
        using (var cv = VideoDecoders.OpenFile(video, VideoDecoder.OpenCv, 1))
        {
            foreach (var f in cv.Frames(_ => false, default)) f.Frame.Dispose();
            opencv = cv.FramesGrabbed;
        }
        using var reader = (FfmpegReader)VideoDecoders.OpenFile(video, VideoDecoder.Ffmpeg, 1);
        var kept = reader.Frames(i => i % step == 0, default).ToList();
        output.WriteLine($"{container}, step {step}: {all.Count} frames (OpenCV {opencv}), {reader.FramesSkipped} not decoded, {kept.Count} kept");
        Assert.Equal(opencv, all.Count);
        Assert.Equal(all.Count, reader.FramesGrabbed);
        Assert.InRange(reader.FramesSkipped, all.Count / 8, all.Count - kept.Count);
        Assert.Equal(Enumerable.Range(0, all.Count).Where(i => i % step == 0), kept.Select(f => f.Index));
        foreach (var f in kept)
        {
            Assert.Equal(0, Cv2.Norm(f.Frame, all[f.Index].Frame, NormTypes.L1)); // the very frame decoding everything gives
            f.Frame.Dispose();
        }
        all.ForEach(f => f.Frame.Dispose());
    }

    [Fact]
    public void Damaged_files_get_the_same_errors_with_both()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("empty.avi"), []);
        File.WriteAllText(dir.File("text.avi"), "this is not a video, just some text that pretends to be one\n");
        var rng = new Random(3);
        var noise = new byte[20_000];
        rng.NextBytes(noise);
        File.WriteAllBytes(dir.File("noise.mp4"), noise);
        foreach (var decoder in new[] { VideoDecoder.OpenCv, VideoDecoder.Ffmpeg })
        {
            string Problem(string name) => Assert.Throws<VideoReadException>(() => FrameExtractor.Extract(dir.File(name), dir.File("out"), Settings(decoder))).Problem;
            Assert.Contains("file not found", Problem("missing.avi"));
            Assert.Contains("empty (0 bytes)", Problem("empty.avi"));
            Assert.Contains("cannot be opened as a video", Problem("text.avi"));
            Assert.Contains("cannot be opened as a video", Problem("noise.mp4"));
        }
    }

    [FfmpegFact]
    public void Rotation_metadata_is_applied_as_OpenCV_applies_it()
    {
        using var dir = new TempDir();
        string source = dir.File("s.avi"), plain = dir.File("plain.mp4"), turned = dir.File("turned.mp4");
        CodecVideos.Write(source, "MJPG", 20, 160, 96);
        CodecVideos.H264(source, plain);
        CodecVideos.Ffmpeg("-i", plain, "-c", "copy", "-metadata:s:v:0", "rotate=90", turned);
        using var cv = VideoDecoders.OpenFile(turned, VideoDecoder.OpenCv);
        using var ff = VideoDecoders.OpenFile(turned, VideoDecoder.Ffmpeg);
        Assert.Equal((cv.Width, cv.Height), (ff.Width, ff.Height));
        var a = cv.Frames(null, default).Select(f => f.Frame).ToList();
        var b = ff.Frames(null, default).Select(f => f.Frame).ToList();
        Assert.Equal(a.Count, b.Count);
        output.WriteLine($"rotated: OpenCV {a[0].Width}x{a[0].Height}, FFmpeg {b[0].Width}x{b[0].Height}; PSNR {CodecVideos.Psnr(a[5], b[5]):F1} dB");
        Assert.Equal(a[0].Size(), b[0].Size());
        Assert.True(CodecVideos.Psnr(a[5], b[5]) > MinPsnr);
        a.Concat(b).ToList().ForEach(m => m.Dispose());
    }

    [FfmpegFact]
    public void Frames_carry_the_decoders_timestamps_on_a_variable_frame_rate_video()
    {
        using var dir = new TempDir();
        string video = VariableRateVideo(dir);
        foreach (var decoder in new[] { VideoDecoder.OpenCv, VideoDecoder.Ffmpeg })
        {
            using var reader = VideoDecoders.OpenFile(video, decoder);
            var times = reader.Frames(null, default).Select(f => { f.Frame.Dispose(); return f.Seconds!.Value; }).ToList();
            output.WriteLine($"{decoder}: {times.Count} frames, fps {reader.Fps:F2}, t[19] {times[19]:F3}, t[20] {times[20]:F3}, last {times[^1]:F3}");
            Assert.Equal(39, times.Count); // of 40 packets: the mp4's edit list drops one (Debian's ffmpeg decodes 39 too)
            // 20 frames at 10 fps (2 s), then 20 at 50 fps (0.4 s): frame 30 is at 2.2 s, not 30 / average fps.
            Assert.Equal(1.9, times[19], 2);
            Assert.Equal(2.0, times[20], 2);
            Assert.Equal(2.2, times[30], 2);
        }
    }

    /// <summary>
    /// 2 s at 10 fps then 0.4 s at 50 fps (40 frames, 39 decode) in one H.264 .mp4 with variable frame rate. The container's
    /// average is 16.7 fps, so frame / fps would put frame 30 at 1.8 s instead of 2.2 s.
    /// </summary>
    internal static string VariableRateVideo(TempDir dir)
    {
        string vfr = dir.File("vfr.mp4");
        CodecVideos.Ffmpeg("-f", "lavfi", "-i", "testsrc=size=160x120:rate=10:duration=2", "-f", "lavfi", "-i", "testsrc=size=160x120:rate=50:duration=0.4",
            "-filter_complex", "[0:v][1:v]concat=n=2:v=1[v]", "-map", "[v]", "-fps_mode", "vfr", "-c:v", "libx264", "-preset", "veryfast", "-bf", "0", vfr);
        return vfr;
    }

    [Fact]
    public void Cancelling_mid_video_stops_decoding_and_the_reader_can_be_disposed()
    {
        using var dir = new TempDir();
        string video = dir.File("v.avi");
        CodecVideos.Write(video, "XVID", 60);
        using var cancel = new CancellationTokenSource();
        using var reader = VideoDecoders.OpenFile(video, VideoDecoder.Ffmpeg);
        int seen = 0;
        Assert.Throws<OperationCanceledException>(() =>
        {
            foreach (var f in reader.Frames(i => { if (i == 10) cancel.Cancel(); return true; }, cancel.Token))
            {
                f.Frame.Dispose();
                seen++;
            }
        });
        Assert.InRange(seen, 10, 11);
        Assert.InRange(reader.FramesGrabbed, 10, 11);
    }

    [Fact]
    public void Memory_stays_flat_over_many_videos()
    {
        using var dir = new TempDir();
        string video = dir.File("v.avi");
        CodecVideos.Write(video, "XVID", 30, 96, 72);
        void DecodeMany(int n)
        {
            for (int k = 0; k < n; k++)
            {
                using var reader = VideoDecoders.OpenFile(video, VideoDecoder.Ffmpeg, 1, new Size(48, 36));
                foreach (var f in reader.Frames(i => i % 4 == 0, default)) f.Frame.Dispose();
                Assert.Equal(30, reader.FramesGrabbed);
            }
        }
        DecodeMany(20); // warm up: code, allocator pools
        long managed = GC.GetTotalMemory(forceFullCollection: true), rss = RssKb();
        DecodeMany(200);
        long managedGrowth = GC.GetTotalMemory(forceFullCollection: true) - managed, rssGrowth = RssKb() - rss;
        output.WriteLine($"after 200 videos: managed {managedGrowth / 1024} KiB, VmRSS {rssGrowth} KiB more");
        Assert.True(managedGrowth < 2 << 20, $"managed memory grew {managedGrowth} bytes");
        // A leaked decoder would hold several MB per video (200 videos: hundreds of MB).
        Assert.True(rssGrowth < 30_000, $"VmRSS grew {rssGrowth} KiB over 200 videos");
    }

    private static long RssKb() =>
        long.Parse(File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmRSS:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);
}
