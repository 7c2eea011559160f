using C3dNet.Checkpoints;
using C3dNet.Tests.Support;

namespace C3dNet.Tests.Checkpoints;

public class CheckpointTempFilesTests
{
    [Fact]
    public void Only_stale_temporary_checkpoint_files_are_removed()
    {
        using var dir = new TempDir();
        string guid = Guid.NewGuid().ToString("N");
        string stale = dir.File($"last.pth.tar.c3d-tmp-{int.MaxValue}-{guid}"); // a pid no process has: its writer was killed
        string live = dir.File($"best.pth.tar.c3d-tmp-1-{guid}");              // pid 1 runs: someone is writing it now
        string[] others = [dir.File("last.pth.tar"), dir.File("notes.tmp"), dir.File($"last.pth.tar.tmp-{int.MaxValue}-{guid}"), dir.File("x.c3d-tmp-1")];
        foreach (var f in others.Append(stale).Append(live)) File.WriteAllText(f, "x");

        Assert.Equal([stale], CheckpointTempFiles.RemoveStale(dir.Path));
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(live));
        Assert.All(others, f => Assert.True(File.Exists(f), f));
    }

    [Fact]
    public void Checkpoint_writes_use_the_recognisable_temporary_name()
    {
        Assert.True(CheckpointTempFiles.IsTempName("last.pth.tar" + CheckpointTempFiles.NewSuffix()));
        Assert.False(CheckpointTempFiles.IsTempName("last.pth.tar"));
        Assert.False(CheckpointTempFiles.IsTempName("last.pth.tar.tmp"));
    }
}
