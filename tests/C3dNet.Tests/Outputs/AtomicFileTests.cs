using System.Diagnostics;
using C3dNet.Outputs;
using C3dNet.Runtime;
using C3dNet.Tests.Support;

namespace C3dNet.Tests.Outputs;

public class AtomicFileTests
{
    [Fact]
    public void Temporary_names_say_whose_they_are_and_only_stale_ones_of_ours_are_removed()
    {
        using var dir = new TempDir();
        string temp = AtomicFile.TempPathFor(dir.File("last.pth.tar"));
        Assert.Equal($".last.pth.tar.partial-{Environment.ProcessId}.tar", Path.GetFileName(temp));
        Assert.Equal(Environment.ProcessId, AtomicFile.WriterOf(Path.GetFileName(temp)));

        using var gone = Process.Start("true")!; // a process id that no longer runs
        gone.WaitForExit();
        string stale = dir.File($".best.pth.tar.partial-{gone.Id}.tar"), mine = temp, user = dir.File(".notes.partial-draft"), mismatched = dir.File($".data.csv.partial-{gone.Id}.txt"), plain = dir.File("best.pth.tar");
        foreach (var f in new[] { stale, mine, user, mismatched, plain }) File.WriteAllText(f, "x");
        Assert.Null(AtomicFile.WriterOf(".notes.partial-12x"));
        Assert.Null(AtomicFile.WriterOf(Path.GetFileName(mismatched))); // not a name we make: the extension would be .csv

        AtomicFile.RemoveStale(dir.Path);
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(mine));  // this process still runs
        Assert.True(File.Exists(plain));
        Assert.True(File.Exists(user));  // not a name of ours
        Assert.True(File.Exists(mismatched));
    }

    [RootFact]
    public void A_full_disk_keeps_the_old_file_leaves_no_temporary_and_names_the_target()
    {
        using var disk = TestMount.SmallDisk(256 * 1024);
        File.WriteAllText(disk.File("index.json"), "old");
        var refused = Assert.Throws<OutputException>(() => AtomicFile.Write(disk.File("index.json"), temp => File.WriteAllBytes(temp, new byte[1024 * 1024])));
        Assert.StartsWith(disk.File("index.json"), refused.Message);
        Assert.Equal("old", File.ReadAllText(disk.File("index.json")));
        Assert.Empty(TempFiles.Under(disk.Path));
    }

    [RootFact]
    public void A_read_only_folder_is_an_output_error_naming_the_target()
    {
        using var dir = new TempDir();
        using var ro = TestMount.ReadOnly(dir.Path);
        var refused = Assert.Throws<OutputException>(() => AtomicFile.Write(ro.File("report.json"), temp => File.WriteAllText(temp, "{}")));
        Assert.Contains(ro.File("report.json"), refused.Message);
        Assert.Contains("Read-only", refused.Message);
    }
}
