using C3dNet.Demo;
using C3dNet.Runtime;
using C3dNet.Tests.Support;

namespace C3dNet.Tests.Outputs;

/// <summary>The demo starts afresh in its work folder without ever deleting a user's "videos", "run" or report.</summary>
public class DemoWorkFolderTests
{
    [Fact]
    public void A_non_empty_folder_no_demo_made_is_refused_and_left_as_it_was()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("videos"));
        File.WriteAllText(dir.File("videos/holiday.mp4"), "the user's video");
        File.WriteAllText(dir.File("report.md"), "the user's report");
        var sweep = FileSweep.Of(dir.Path);

        var e = Assert.Throws<OutputException>(() => DemoWorkFolder.Prepare(dir.Path, overwrite: false));
        Assert.Contains("no earlier demo made it", e.Message);
        sweep.AssertNothingChanged();
        Assert.False(File.Exists(dir.File(DemoWorkFolder.MarkerFile)));
    }

    [Fact]
    public void The_cli_refuses_before_any_work()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("report.md"), "the user's report");
        var (code, _, stderr) = CliRunner.Run("demo", "--quick", "--work-dir", dir.Path);
        Assert.Equal(1, code);
        Assert.Contains("--work-dir", stderr);
        Assert.Equal("the user's report", File.ReadAllText(dir.File("report.md")));
        Assert.Equal(["report.md"], Directory.EnumerateFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_folder_an_earlier_demo_made_loses_only_the_demos_entries()
    {
        using var dir = new TempDir();
        string work = dir.File("demo-out");
        DemoWorkFolder.Prepare(work, overwrite: false); // a new folder: made and marked
        Directory.CreateDirectory(Path.Combine(work, "run", "models"));
        File.WriteAllText(Path.Combine(work, "run", "models", "last.pth.tar"), "an earlier demo's checkpoint");
        File.WriteAllText(Path.Combine(work, "report.json"), "{}");
        File.WriteAllText(Path.Combine(work, "my-notes.txt"), "kept");

        DemoWorkFolder.Prepare(work, overwrite: false);

        Assert.False(Directory.Exists(Path.Combine(work, "run")));
        Assert.False(File.Exists(Path.Combine(work, "report.json")));
        Assert.Equal("kept", File.ReadAllText(Path.Combine(work, "my-notes.txt")));
        Assert.True(File.Exists(Path.Combine(work, DemoWorkFolder.MarkerFile)));
    }

    [Fact]
    public void Overwrite_replaces_the_demos_entries_in_a_foreign_folder_and_keeps_the_rest()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("frames"));
        File.WriteAllText(dir.File("frames/00001.jpg"), "x");
        File.WriteAllText(dir.File("thesis.tex"), "kept");

        DemoWorkFolder.Prepare(dir.Path, overwrite: true);

        Assert.False(Directory.Exists(dir.File("frames")));
        Assert.Equal("kept", File.ReadAllText(dir.File("thesis.tex")));
    }

    [Fact]
    public void A_file_as_work_folder_is_refused()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("f"), "x");
        Assert.Throws<OutputException>(() => DemoWorkFolder.Prepare(dir.File("f"), overwrite: true));
        Assert.Equal("x", File.ReadAllText(dir.File("f")));
    }
}
