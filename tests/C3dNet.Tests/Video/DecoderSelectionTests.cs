using C3dNet.Tests.Datasets;
using C3dNet.Tests.Support;
using C3dNet.Video;

namespace C3dNet.Tests.Video;

/// <summary>--decoder: auto uses the system's FFmpeg when the shim loads; without it, OpenCV with one notice per run.</summary>
public class DecoderSelectionTests
{
    private static readonly Dictionary<string, string?> NoShim = new() { [AvShim.PathVariable] = "/nonexistent/libc3dav.so" };

    [Fact]
    public void Auto_resolves_to_ffmpeg_here_and_explicit_choices_are_kept()
    {
        Assert.True(AvShim.Available, AvShim.Problem);
        Assert.Equal((VideoDecoder.Ffmpeg, (string?)null), VideoDecoders.Resolve(VideoDecoder.Auto));
        Assert.Equal((VideoDecoder.OpenCv, (string?)null), VideoDecoders.Resolve(VideoDecoder.OpenCv));
        Assert.Equal(VideoDecoder.OpenCv, VideoDecoders.Parse("OpenCV"));
        Assert.Throws<ArgumentException>(() => VideoDecoders.Parse("gstreamer"));
    }

    [Fact]
    public void Without_the_shim_auto_preprocesses_with_OpenCV_and_says_so_once()
    {
        using var dir = new TempDir();
        TestVideos.Generate(dir.File("videos"), classes: 2, videosPerClass: 3, frames: 20, width: 48, height: 36);
        var (code, stdout, stderr) = CliRunner.RunWith(null, NoShim, "preprocess", "--videos", dir.File("videos"), "--out", dir.File("frames"), "--ffmpeg-only");
        Assert.True(code == 0, stdout + stderr);
        string all = stdout + stderr;
        Assert.Equal(1, all.Split("decoding with OpenCV's FFmpeg").Length - 1); // one notice for six videos
        Assert.Contains("/nonexistent/libc3dav.so is missing", all);
        Assert.Equal(6, Directory.GetDirectories(dir.File("frames"), "*", SearchOption.AllDirectories).Count(d => File.Exists(Path.Combine(d, "00001.jpg"))));
    }

    [Fact]
    public void Without_the_shim_asking_for_ffmpeg_fails_with_the_reason()
    {
        using var dir = new TempDir();
        TestVideos.Generate(dir.File("videos"), classes: 2, videosPerClass: 1, frames: 20, width: 48, height: 36);
        var (code, stdout, stderr) = CliRunner.RunWith(null, NoShim, "preprocess", "--videos", dir.File("videos"), "--out", dir.File("frames"), "--decoder", "ffmpeg");
        Assert.Equal(1, code);
        Assert.Contains("--decoder ffmpeg: the FFmpeg shim /nonexistent/libc3dav.so is missing", System.Text.RegularExpressions.Regex.Replace(stdout + stderr, @"\s+", " "));
        Assert.False(Directory.Exists(dir.File("frames")) && Directory.EnumerateFiles(dir.File("frames"), "*.jpg", SearchOption.AllDirectories).Any());
    }
}
