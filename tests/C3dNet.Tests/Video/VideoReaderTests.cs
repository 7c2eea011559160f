using C3dNet.Tests.Datasets;
using C3dNet.Tests.Support;
using C3dNet.Video;

namespace C3dNet.Tests.Video;

public class VideoReaderTests
{
    [Fact]
    public void Frames_counts_every_grab_and_yields_only_kept_frames()
    {
        using var dir = new TempDir();
        string path = dir.File("c.avi");
        TestVideos.WriteCounting(path, 30);
        using var reader = VideoReader.Open(path, decoderThreads: 1);
        Assert.Equal(30, reader.ReportedFrameCount);
        var kept = reader.Frames(i => i % 4 == 0).Select(f => { f.Frame.Dispose(); return f.Index; }).ToList();
        Assert.Equal([0, 4, 8, 12, 16, 20, 24, 28], kept);
        Assert.Equal(30, reader.FramesGrabbed);
    }

    [Fact]
    public void Opening_bad_files_says_what_is_wrong()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("empty.avi"), []);
        File.WriteAllText(dir.File("text.avi"), "this is not a video, just some text that pretends to be one\n");
        Directory.CreateDirectory(dir.File("folder.avi"));
        File.CreateSymbolicLink(dir.File("dangling.avi"), dir.File("nowhere.avi"));

        Assert.Contains("file not found", Assert.Throws<VideoReadException>(() => VideoReader.Open(dir.File("missing.avi"))).Problem);
        Assert.Contains("empty (0 bytes)", Assert.Throws<VideoReadException>(() => VideoReader.Open(dir.File("empty.avi"))).Problem);
        Assert.Contains("cannot be opened as a video", Assert.Throws<VideoReadException>(() => VideoReader.Open(dir.File("text.avi"), 1)).Problem);
        Assert.Contains("is a folder", Assert.Throws<VideoReadException>(() => VideoReader.Open(dir.File("folder.avi"))).Problem);
        var dangling = Assert.Throws<VideoReadException>(() => VideoReader.Open(dir.File("dangling.avi")));
        Assert.Contains("nowhere.avi", dangling.Problem);
        Assert.Equal(dir.File("dangling.avi"), dangling.Path);
    }
}
