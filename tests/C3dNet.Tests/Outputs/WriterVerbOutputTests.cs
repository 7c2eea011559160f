using C3dNet.Checkpoints;
using C3dNet.Tests.Support;

namespace C3dNet.Tests.Outputs;

/// <summary>init, generate-data and eval ask before they replace (issue 11, item 7, and the stack traces for folders and files).</summary>
public class WriterVerbOutputTests
{
    private static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");

    [Fact]
    public void Init_refuses_an_existing_file_a_folder_and_its_own_pretrained_input()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("m.pth.tar"), "the user's model");
        var (code, stdout, stderr) = CliRunner.Run("init", "--classes", "3", "--width-mult", "0.125", "--out", dir.File("m.pth.tar"));
        Assert.True(code == 1, stdout + stderr);
        Assert.Contains("already exists; add --overwrite", Flat(stdout + stderr));
        Assert.Equal("the user's model", File.ReadAllText(dir.File("m.pth.tar")));

        (code, stdout, stderr) = CliRunner.Run("init", "--classes", "3", "--width-mult", "0.125", "--out", dir.Path);
        Assert.True(code == 1, stdout + stderr);
        Assert.Contains("is a folder", Flat(stdout + stderr));
        Assert.DoesNotContain(" at ", stdout + stderr);

        File.Copy(Fixtures.PretrainedNarrow, dir.File("pre.pth"));
        var sweep = FileSweep.Of(dir.File("pre.pth"));
        (code, stdout, stderr) = CliRunner.Run("init", "--classes", "3", "--width-mult", "0.125", "--pretrained", dir.File("pre.pth"), "--out", dir.File("pre.pth"), "--overwrite");
        Assert.True(code == 1, stdout + stderr);
        Assert.Contains("is one of the inputs", Flat(stdout + stderr));
        sweep.AssertNothingChanged();

        (code, stdout, stderr) = CliRunner.Run("init", "--classes", "3", "--width-mult", "0.125", "--out", dir.File("m.pth.tar"), "--overwrite");
        Assert.True(code == 0, stdout + stderr);
        using var ckpt = C3dCheckpoint.Load(dir.File("m.pth.tar"));
        Assert.Equal(3, ckpt.ModelConfig.NumClasses);
    }

    [Fact]
    public void Generate_data_refuses_to_replace_videos_and_a_file_as_out()
    {
        using var dir = new TempDir();
        string[] args = ["generate-data", "--out", dir.File("videos"), "--classes", "2", "--videos-per-class", "2", "--frames", "8", "--width", "32", "--height", "32"];
        var (code, stdout, stderr) = CliRunner.Run(args);
        Assert.True(code == 0, stdout + stderr);
        var sweep = FileSweep.Of(dir.File("videos"));
        Assert.Equal(4, sweep.Count);

        (code, stdout, stderr) = CliRunner.Run([.. args, "--seed", "7"]);
        Assert.True(code == 1, stdout + stderr);
        Assert.Contains("already exists; add --overwrite", Flat(stdout + stderr));
        sweep.AssertNothingChanged();

        File.WriteAllText(dir.File("file"), "x");
        (code, stdout, stderr) = CliRunner.Run("generate-data", "--out", dir.File("file"), "--classes", "2", "--videos-per-class", "1");
        Assert.True(code == 1, stdout + stderr);
        Assert.Contains("is a file", Flat(stdout + stderr));

        (code, stdout, stderr) = CliRunner.Run([.. args, "--seed", "7", "--overwrite"]);
        Assert.True(code == 0, stdout + stderr);
        Assert.Throws<Xunit.Sdk.TrueException>(sweep.AssertNothingChanged); // replaced, as asked
        Assert.Empty(TempFiles.Under(dir.Path));
    }

    [RootFact]
    public void Generate_data_on_a_full_disk_exits_1_without_a_stack_trace_and_no_video_is_incomplete()
    {
        using var disk = TestMount.SmallDisk(512 * 1024); // a video or two of 48 frames fit, not twelve
        var (code, stdout, stderr) = CliRunner.Run("generate-data", "--out", disk.File("videos"), "--classes", "2", "--videos-per-class", "6", "--jobs", "1");
        Assert.True(code == 1, stdout + stderr);
        Assert.Contains("no space left", Flat(stdout + stderr), StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(" at C3dNet", stdout + stderr);
        Assert.Empty(TempFiles.Under(disk.Path));
        foreach (var video in Directory.GetFiles(disk.File("videos"), "*.avi", SearchOption.AllDirectories))
        {
            var frames = C3dNet.Tests.Datasets.TestVideos.ReadAll(video);
            Assert.Equal(48, frames.Count);
            frames.ForEach(f => f.Dispose());
        }
    }

    [Fact]
    public void Eval_refuses_a_file_as_out_and_an_earlier_report_without_overwrite()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("report"), "x");
        var (code, stdout, stderr) = CliRunner.Run("eval", "--data", dir.File("data"), "--checkpoint", dir.File("none.pth.tar"), "--out", dir.File("report"));
        Assert.True(code == 1, stdout + stderr);
        Assert.Contains("is a file; --out takes a folder", Flat(stdout + stderr));
        Assert.DoesNotContain(" at ", stdout + stderr);

        Directory.CreateDirectory(dir.File("out"));
        File.WriteAllText(dir.File("out/report.json"), "{}");
        (code, stdout, stderr) = CliRunner.Run("eval", "--data", dir.File("data"), "--checkpoint", dir.File("none.pth.tar"), "--out", dir.File("out"));
        Assert.True(code == 1, stdout + stderr);
        Assert.Contains("report.json: already exists; add --overwrite", Flat(stdout + stderr));
        Assert.Equal("{}", File.ReadAllText(dir.File("out/report.json")));
    }
}
