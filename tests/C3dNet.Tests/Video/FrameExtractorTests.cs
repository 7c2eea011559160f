using C3dNet.Tests.Datasets;
using C3dNet.Tests.Support;
using C3dNet.Video;
using OpenCvSharp;

namespace C3dNet.Tests.Video;

public class FrameExtractorTests
{
    [Theory]
    [InlineData(70, 4, 18)]
    [InlineData(60, 3, 20)]
    [InlineData(40, 2, 20)]
    [InlineData(12, 1, 12)]
    public void Writes_every_kth_frame_at_171x128_in_time_order(int frames, int step, int written)
    {
        using var dir = new TempDir();
        string video = dir.File("v.avi");
        TestVideos.WriteCounting(video, frames);
        var result = FrameExtractor.Extract(video, dir.File("out"), new FrameExtractionSettings());

        Assert.Equal((frames, frames, step, written), (result.FramesDecoded, result.ReportedFrames, result.FrameStep, result.FramesWritten));
        Assert.Null(result.Warning);
        var names = Directory.GetFiles(dir.File("out")).Select(Path.GetFileName).ToList();
        Assert.Equal(Enumerable.Range(1, written).Select(i => $"{i:D5}.jpg"), names.Order(StringComparer.Ordinal));

        // Frame n is source frame (n-1)*step: the grey level (4 * index) identifies it, through resizing and JPEG.
        var source = TestVideos.ReadAll(video);
        for (int n = 1; n <= written; n++)
        {
            using var image = Cv2.ImRead(Path.Combine(dir.File("out"), FrameExtractor.FrameName(n)));
            Assert.Equal(new Size(171, 128), image.Size());
            using var expected = new Mat();
            Cv2.Resize(source[(n - 1) * step], expected, new Size(171, 128));
            Assert.True(MeanAbsDiff(image, expected) < 3, $"frame {n} does not match source frame {(n - 1) * step}");
        }
        source.ForEach(m => m.Dispose());
    }

    [Fact]
    public void A_container_that_overstates_its_frames_is_re_extracted_with_the_step_of_the_decoded_count()
    {
        using var dir = new TempDir();
        string video = dir.File("v.avi");
        TestVideos.WriteCounting(video, 80, 160, 120);
        TestVideos.Truncate(video, 0.45); // the header still says 80 frames (step 4); about 35 decode
        var result = FrameExtractor.Extract(video, dir.File("out"), new FrameExtractionSettings());

        Assert.Equal(80, result.ReportedFrames);
        Assert.InRange(result.FramesDecoded, 20, 50);
        Assert.Equal(FrameStepRule.Choose(result.FramesDecoded), result.FrameStep);
        Assert.NotEqual(4, result.FrameStep);
        Assert.Equal(FrameStepRule.KeptFrames(result.FramesDecoded, result.FrameStep), result.FramesWritten);
        Assert.Equal(result.FramesWritten, Directory.GetFiles(dir.File("out"), "*.jpg").Length);
        Assert.Contains("reports 80 frames", result.Warning);
    }

    [Fact]
    public void Custom_size_and_quality_are_applied()
    {
        using var dir = new TempDir();
        string video = dir.File("v.avi");
        TestVideos.WriteCounting(video, 20);
        var small = FrameExtractor.Extract(video, dir.File("q20"), new FrameExtractionSettings { Width = 80, Height = 60, JpegQuality = 20 });
        FrameExtractor.Extract(video, dir.File("q95"), new FrameExtractionSettings { Width = 80, Height = 60, JpegQuality = 95 });
        using var image = Cv2.ImRead(Path.Combine(dir.File("q20"), "00001.jpg"));
        Assert.Equal(new Size(80, 60), image.Size());
        Assert.Equal(20, small.FramesWritten);
        long Bytes(string d) => Directory.GetFiles(dir.File(d)).Sum(f => new FileInfo(f).Length);
        Assert.True(Bytes("q20") < Bytes("q95"));
    }

    private static double MeanAbsDiff(Mat a, Mat b)
    {
        using var diff = new Mat();
        Cv2.Absdiff(a, b, diff);
        var mean = Cv2.Mean(diff);
        return (mean.Val0 + mean.Val1 + mean.Val2) / 3;
    }
}
