using System.Runtime.InteropServices;

namespace C3dNet.Outputs;

/// <summary>
/// Which file or folder a path names, by device and inode (what the kernel compares), so that symbolic links at any
/// level, hard links and bind mounts are seen through; text comparison of paths sees none of them.
/// </summary>
internal static partial class FileIdentity
{
    public readonly record struct Id(ulong Device, ulong Inode);

    /// <summary>The identity of an existing path (links followed), or null when it does not exist.</summary>
    public static Id? Of(string path)
    {
        if (OperatingSystem.IsWindows()) return null;
        // struct stat starts with st_dev and st_ino, 8 bytes each, on x86_64 and aarch64 glibc; the rest is not read.
        Span<ulong> buffer = stackalloc ulong[32];
        return Stat(path, ref MemoryMarshal.GetReference(buffer)) == 0 ? new Id(buffer[0], buffer[1]) : null;
    }

    /// <summary>True when both paths exist and are the same file or folder.</summary>
    public static bool Same(string a, string b) => Of(a) is { } x && Of(b) is { } y
        ? x == y
        : string.Equals(Real(a), Real(b), StringComparison.Ordinal);

    /// <summary>
    /// True when <paramref name="path"/> is <paramref name="folder"/> or lies anywhere below it: some existing ancestor
    /// of <paramref name="path"/> (itself included) is the folder. Paths that do not exist yet are judged by their nearest
    /// existing ancestor.
    /// </summary>
    public static bool IsWithin(string path, string folder)
    {
        if (Of(folder) is not { } target) return false;
        // Up the real path (links resolved: a link's parent is not its target's) and, for bind mounts, the path as given.
        foreach (var start in new[] { Real(path), Path.GetFullPath(path) })
            for (string? p = start; p is not null; p = Path.GetDirectoryName(p))
                if (Of(p) is { } id && id == target) return true;
        return false;
    }

    /// <summary>The path with every symbolic link resolved (as far as it exists), for messages and comparisons.</summary>
    public static string Real(string path)
    {
        string full = Path.GetFullPath(path);
        string? parent = Path.GetDirectoryName(full);
        string resolvedParent = parent is null ? full : Real(parent);
        string here = parent is null ? full : Path.Combine(resolvedParent, Path.GetFileName(full));
        try
        {
            var info = new FileInfo(here);
            if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } target) return Path.GetFullPath(target.FullName);
        }
        catch (IOException) { }
        return here;
    }

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Stat(string path, ref ulong buffer);
}
