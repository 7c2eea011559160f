namespace C3dNet.Tests.Support;

/// <summary>
/// A fact that needs root (it mounts a small tmpfs, or a read-only one, to make a full or read-only disk). Skipped, with
/// the reason printed, when the tests do not run as root.
/// </summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!IsRoot) Skip = "needs root: mounts a tmpfs to make a full or read-only disk";
    }

    public static bool IsRoot => Environment.UserName == "root" || (OperatingSystem.IsLinux() && File.ReadLines("/proc/self/status")
        .FirstOrDefault(l => l.StartsWith("Uid:"))?.Split('\t', StringSplitOptions.RemoveEmptyEntries) is [_, "0", ..]);
}

/// <summary>A tmpfs mounted for one test (root only): <c>size</c> small to fill it, or read-only.</summary>
public sealed class TmpfsMount : IDisposable
{
    public string Path { get; }

    public TmpfsMount(string path, string options)
    {
        Path = path;
        Directory.CreateDirectory(path);
        Mount("mount", "-t", "tmpfs", "-o", options, "tmpfs", path);
    }

    public static TmpfsMount Full(string path) => new(path, "size=64k");
    public static TmpfsMount ReadOnly(string path) => new(path, "size=1m,ro");

    public string File(string name) => System.IO.Path.Combine(Path, name);

    private static void Mount(string tool, params string[] args)
    {
        using var p = System.Diagnostics.Process.Start(tool, args)!;
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed with exit {p.ExitCode}");
    }

    public void Dispose() => Mount("umount", "-l", Path);
}
