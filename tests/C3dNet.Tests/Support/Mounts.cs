using System.Diagnostics;

namespace C3dNet.Tests.Support;

/// <summary>
/// A folder on a mount made for one test: a small tmpfs (a disk that fills up) or a read-only bind mount of
/// another folder. Unmounted (and removed) on dispose. Needs root (<see cref="RootFactAttribute"/>).
/// </summary>
internal sealed class TestMount : IDisposable
{
    public string Path { get; }

    private TestMount(string path) => Path = path;

    /// <summary>A tmpfs of <paramref name="bytes"/> bytes.</summary>
    public static TestMount SmallDisk(long bytes)
    {
        var mount = new TestMount(Directory.CreateTempSubdirectory("c3d-disk-").FullName);
        Run("mount", "-t", "tmpfs", "-o", $"size={bytes}", "tmpfs", mount.Path);
        return mount;
    }

    /// <summary><paramref name="source"/> seen read-only at a new path.</summary>
    public static TestMount ReadOnly(string source)
    {
        var mount = new TestMount(Directory.CreateTempSubdirectory("c3d-ro-").FullName);
        Run("mount", "--bind", source, mount.Path);
        Run("mount", "-o", "remount,bind,ro", mount.Path);
        return mount;
    }

    /// <summary><paramref name="source"/> seen read-write at a new path (a bind mount: a link that path text cannot see).</summary>
    public static TestMount Bind(string source)
    {
        var mount = new TestMount(Directory.CreateTempSubdirectory("c3d-bind-").FullName);
        Run("mount", "--bind", source, mount.Path);
        return mount;
    }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Fills the disk but for <paramref name="leaveBytes"/> bytes.</summary>
    public void FillLeaving(long leaveBytes)
    {
        long free = new DriveInfo(Path).AvailableFreeSpace;
        using var f = System.IO.File.Create(File(".filler"));
        var block = new byte[4096];
        for (long left = free - leaveBytes; left > 0; left -= block.Length)
            try { f.Write(block, 0, (int)Math.Min(block.Length, left)); } catch (IOException) { break; }
    }

    public void Dispose()
    {
        Run("umount", "-l", Path);
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }

    private static void Run(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{program} {string.Join(' ', args)}: {err}");
    }
}
