using C3dNet.Outputs;
using C3dNet.Runtime;
using C3dNet.Tests.Datasets;
using C3dNet.Tests.Support;
using OpenCvSharp;

namespace C3dNet.Tests.Outputs;

public class VideoFileTests
{
    private static Mat Noise(int seed)
    {
        var m = new Mat(96, 128, MatType.CV_8UC3);
        Cv2.Randu(m, Scalar.All(0), Scalar.All(255));
        Cv2.PutText(m, seed.ToString(), new Point(5, 40), HersheyFonts.HersheySimplex, 1, Scalar.White);
        return m;
    }

    [Fact]
    public void A_complete_video_gets_its_name_and_an_abandoned_one_leaves_nothing()
    {
        using var dir = new TempDir();
        using (var video = new VideoFile(dir.File("v.avi"), FourCC.MJPG, 25, new Size(128, 96)))
        {
            for (int i = 0; i < 10; i++) { using var f = Noise(i); video.Write(f); }
            video.Complete();
        }
        var frames = TestVideos.ReadAll(dir.File("v.avi"));
        Assert.Equal(10, frames.Count);
        frames.ForEach(f => f.Dispose());

        using (var video = new VideoFile(dir.File("w.avi"), FourCC.MJPG, 25, new Size(128, 96)))
        {
            using var f = Noise(0);
            video.Write(f); // then an error elsewhere: no Complete
        }
        Assert.Equal(["v.avi"], Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [RootFact]
    public void A_full_disk_fails_at_the_first_check_and_leaves_no_file()
    {
        using var disk = TestMount.SmallDisk(128 * 1024);
        var failure = Assert.Throws<OutputException>(() =>
        {
            using var video = new VideoFile(disk.File("v.avi"), FourCC.MJPG, 25, new Size(128, 96));
            for (int i = 0; i < 2000; i++) { using var f = Noise(i); video.Write(f); }
            video.Complete();
        });
        Assert.Contains(disk.File("v.avi"), failure.Message);
        Assert.Contains("no space left on the device", failure.Message);
        Assert.Empty(Directory.GetFileSystemEntries(disk.Path));
    }
}
