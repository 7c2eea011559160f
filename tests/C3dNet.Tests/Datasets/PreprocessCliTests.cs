using System.Diagnostics;
using System.Text.Json;
using C3dNet.Datasets;
using C3dNet.Tests.Support;

namespace C3dNet.Tests.Datasets;

/// <summary>A generated dataset and its clean preprocessing, shared by the tests that interrupt the real CLI.</summary>
public sealed class InterruptFixture : IDisposable
{
    private readonly TempDir dir = new();
    public string Videos => dir.File("videos");
    public string Clean => dir.File("clean");
    public int VideoCount { get; }

    public InterruptFixture()
    {
        // The runs that are interrupted pause at the test seam after their first video, so little work is needed.
        VideoCount = TestVideos.Generate(Videos, classes: 2, videosPerClass: 4, frames: 40, width: 96, height: 72).Videos.Count;
        DatasetPreprocessor.Run(new PreprocessOptions { VideosDir = Videos, OutDir = Clean });
    }

    public string NewOutput() => Directory.CreateTempSubdirectory("c3d-test-out-").FullName;

    public void Dispose() => dir.Dispose();
}

public class PreprocessCliTests(InterruptFixture data) : IClassFixture<InterruptFixture>
{
    private static JsonElement Summary(string stdout) => JsonDocument.Parse(stdout).RootElement;

    /// <summary>Console text with Spectre's line wrapping undone.</summary>
    private static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");

    [Fact]
    public void A_run_killed_mid_way_is_completed_by_the_next_run_exactly_as_a_clean_run()
    {
        string output = data.NewOutput();
        try
        {
            using (var run = new PausedRun("video:1", "preprocess", "--videos", data.Videos, "--out", output, "--jobs", "1"))
            {
                run.WaitUntilPaused(); // one video done and in the manifest, the others not started
                run.Signal("KILL"); // no cleanup code runs
                run.WaitForExit();
            }
            var afterKill = OutputTree.Videos(output);
            Assert.Equal(1, afterKill.Count(v => v.Status == VideoStatus.Done));
            Assert.Contains(afterKill, v => v.Status == VideoStatus.Pending);

            var (code, stdout, stderr) = CliRunner.Run("preprocess", "--videos", data.Videos, "--out", output, "--json");
            Assert.True(code == 0, stderr + stdout);
            var summary = Summary(stdout);
            Assert.Equal((1, data.VideoCount - 1), (summary.GetProperty("resumed").GetInt32(), summary.GetProperty("processed").GetInt32()));
            Assert.Empty(OutputTree.TempFolders(output));
            OutputTree.AssertSame(data.Clean, output);
        }
        finally { Directory.Delete(output, recursive: true); }
    }

    [Fact]
    public void Ctrl_c_stops_between_videos_with_exit_130_and_a_rerun_completes()
    {
        string output = data.NewOutput();
        try
        {
            using (var run = new PausedRun("video:1", "preprocess", "--videos", data.Videos, "--out", output, "--jobs", "1"))
            {
                run.WaitUntilPaused();
                run.Signal("INT");
                Assert.Equal(130, run.WaitForExit());
                Assert.Contains("stopping: dropping the videos in progress", Flat(run.Stderr));
                Assert.Contains("run the same command again", Flat(run.Stderr));
            }
            var stopped = OutputTree.Videos(output);
            Assert.Equal(1, stopped.Count(v => v.Status == VideoStatus.Done));
            Assert.Contains(stopped, v => v.Status == VideoStatus.Pending);
            Assert.All(stopped.Where(v => v.Status == VideoStatus.Done),
                v => Assert.Equal(v.FramesWritten, Directory.GetFiles(Path.Combine(output, v.Folder!)).Length));
            Assert.Empty(OutputTree.TempFolders(output));

            var (code, _, stderr) = CliRunner.Run("preprocess", "--videos", data.Videos, "--out", output);
            Assert.True(code == 0, stderr);
            OutputTree.AssertSame(data.Clean, output);
        }
        finally { Directory.Delete(output, recursive: true); }
    }

    [Fact]
    public void Exit_codes_messages_strict_and_json()
    {
        using var dir = new TempDir();
        var (code, stdout, stderr) = CliRunner.Run("preprocess", "--videos", dir.File("nothing"), "--out", dir.File("out"));
        Assert.Equal((1, true, false), (code, Flat(stderr).Contains("input folder not found"), stdout.Contains("error")));

        Directory.CreateDirectory(dir.File("empty/NoVideos"));
        (code, _, stderr) = CliRunner.Run("preprocess", "--videos", dir.File("empty"), "--out", dir.File("out"));
        Assert.Equal((1, true), (code, Flat(stderr).Contains("no class folders with videos")));

        // One good and one broken video: done, but an input was bad: exit 2, the failure in the JSON document.
        TestVideos.WriteCounting(dir.File("videos/A/good one.avi"), 20);
        File.WriteAllText(dir.File("videos/A/broken.avi"), "not a video");
        (code, stdout, _) = CliRunner.Run("preprocess", "--videos", dir.File("videos"), "--out", dir.File("out"), "--json");
        Assert.Equal(2, code);
        var summary = Summary(stdout);
        Assert.Equal((1, 1), (summary.GetProperty("processed").GetInt32() - summary.GetProperty("failed").GetInt32(), summary.GetProperty("failed").GetInt32()));
        Assert.Contains("broken.avi", summary.GetProperty("failures")[0].GetProperty("path").GetString());

        (code, _, stderr) = CliRunner.Run("preprocess", "--videos", dir.File("videos"), "--out", dir.File("out"), "--strict");
        Assert.Equal(2, code);
        Assert.Contains("--strict: 1 failed videos", Flat(stderr));

        (code, _, stderr) = CliRunner.Run("preprocess", "--videos", dir.File("videos"), "--out", dir.File("out"), "--frame-step", "2");
        Assert.Equal(1, code);
        Assert.Contains("frame_step: 4 → 2", Flat(stderr));

        // No failed video: exit 0; with a warning (a container that overstates its frames) --strict counts it as a bad input.
        File.Delete(dir.File("videos/A/broken.avi"));
        TestVideos.WriteCounting(dir.File("videos/A/cut.avi"), 80, 160, 120);
        TestVideos.Truncate(dir.File("videos/A/cut.avi"), 0.45);
        (code, _, stderr) = CliRunner.Run("preprocess", "--videos", dir.File("videos"), "--out", dir.File("ok"));
        Assert.True(code == 0, stderr);
        (code, _, stderr) = CliRunner.Run("preprocess", "--videos", dir.File("videos"), "--out", dir.File("strict"), "--strict");
        Assert.Equal(2, code);
        Assert.Contains("--strict: 0 failed videos, 1 warnings", Flat(stderr));
    }

    [Fact]
    public void Generate_data_writes_the_ucf101_layout()
    {
        using var dir = new TempDir();
        var (code, stdout, stderr) = CliRunner.Run("generate-data", "--out", dir.Path, "--classes", "2", "--videos-per-class", "2", "--frames", "10",
                                                   "--width", "64", "--height", "48", "--seed", "3", "--json");
        Assert.True(code == 0, stderr + stdout);
        var json = Summary(stdout);
        Assert.Equal(["MoveLeft", "MoveRight"], json.GetProperty("classes").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(4, json.GetProperty("videos").GetArrayLength());
        Assert.True(File.Exists(Path.Combine(dir.Path, "MoveRight", "v_MoveRight_g01_c02.avi")));
    }
}
