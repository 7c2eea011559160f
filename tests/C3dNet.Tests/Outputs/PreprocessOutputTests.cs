using C3dNet.Datasets;
using C3dNet.Runtime;
using C3dNet.Tests.Datasets;
using C3dNet.Tests.Support;

namespace C3dNet.Tests.Outputs;

/// <summary>preprocess never deletes or replaces what it was not asked to (issue 11, items 1 and 2), and a full disk stops it.</summary>
public class PreprocessOutputTests
{
    private static PreprocessOptions Options(string videos, string output, bool overwrite = false) =>
        new() { VideosDir = videos, OutDir = output, Jobs = 2, Overwrite = overwrite };

    [Fact]
    public void An_output_that_is_a_link_to_the_dataset_is_refused_with_overwrite_and_no_video_is_touched()
    {
        using var dir = new TempDir();
        TestVideos.Generate(dir.File("DS/train"), classes: 2, videosPerClass: 2, frames: 20, width: 64, height: 48);
        Directory.CreateSymbolicLink(dir.File("LINK"), dir.File("DS"));
        Directory.CreateSymbolicLink(dir.File("TRAINLINK"), dir.File("DS/train"));
        var sweep = FileSweep.Of(dir.File("DS"));

        // --out reaches the videos' parent, the videos themselves, or lies inside them: every direction, links at any level.
        foreach (var (videos, output) in new[]
                 {
                     (dir.File("DS/train"), dir.File("LINK")), (dir.File("TRAINLINK"), dir.File("DS")),
                     (dir.File("DS/train"), dir.File("TRAINLINK")), (dir.File("LINK/train"), dir.File("DS/train/out")),
                 })
        {
            var refused = Assert.Throws<OutputException>(() => DatasetPreprocessor.Run(Options(videos, output, overwrite: true)));
            Assert.Contains("must not contain each other", refused.Message);
        }
        sweep.AssertNothingChanged();
        Assert.False(Directory.Exists(dir.File("DS/train/out")));
    }

    [RootFact]
    public void An_output_that_is_a_bind_mount_of_the_dataset_is_refused()
    {
        using var dir = new TempDir();
        TestVideos.Generate(dir.File("DS/train"), classes: 2, videosPerClass: 2, frames: 20, width: 64, height: 48);
        var sweep = FileSweep.Of(dir.File("DS"));
        using var bind = TestMount.Bind(dir.File("DS"));
        var (code, stdout, stderr) = CliRunner.Run("preprocess", "--videos", dir.File("DS/train"), "--out", bind.Path, "--overwrite");
        Assert.True(code == 1, stdout + stderr);
        Assert.Contains("must not contain each other", stdout + stderr);
        sweep.AssertNothingChanged();
    }

    [Fact]
    public void A_class_folder_missing_from_the_videos_is_refused_and_its_frames_and_the_labels_are_kept()
    {
        using var dir = new TempDir();
        TestVideos.Generate(dir.File("videos"), classes: 3, videosPerClass: 3, frames: 20, width: 64, height: 48);
        DatasetPreprocessor.Run(Options(dir.File("videos"), dir.File("out")));
        Directory.Move(dir.File("videos/MoveRight"), dir.File("elsewhere")); // an unmounted or moved class folder
        var sweep = FileSweep.Of(dir.File("out"));

        var (code, stdout, stderr) = CliRunner.Run("preprocess", "--videos", dir.File("videos"), "--out", dir.File("out"));
        string text = System.Text.RegularExpressions.Regex.Replace(stdout + stderr, @"\s+", " ");
        Assert.True(code == 1, text);
        Assert.Contains("MoveRight", text);
        Assert.Contains("--overwrite", text);
        sweep.AssertNothingChanged();
        Assert.Equal(["MoveLeft", "MoveRight", "MoveUp"], LabelFile.Read(dir.File("out/labels.txt")));

        // Asked for: --overwrite makes the output what --videos holds now.
        DatasetPreprocessor.Run(Options(dir.File("videos"), dir.File("out"), overwrite: true));
        Assert.Equal(["MoveLeft", "MoveUp"], LabelFile.Read(dir.File("out/labels.txt")));
    }

    [RootFact]
    public void A_full_disk_stops_the_run_with_exit_1_instead_of_failing_each_video()
    {
        using var dir = new TempDir();
        TestVideos.Generate(dir.File("videos"), classes: 2, videosPerClass: 4, frames: 60, width: 96, height: 72);
        using var disk = TestMount.SmallDisk(160 * 1024); // room for the manifest and a few frames, not for 8 videos
        var (code, stdout, stderr) = CliRunner.Run("preprocess", "--videos", dir.File("videos"), "--out", disk.File("out"), "--jobs", "1");
        string text = stdout + stderr;
        Assert.True(code == 1, text);
        Assert.Contains("No space left on device", text);
        Assert.DoesNotContain("failed videos", text); // the disk's failure, not the videos'
        Assert.DoesNotContain("   at ", text);        // no stack trace
        Assert.Empty(OutputTree.TempFolders(disk.File("out")));
    }
}
