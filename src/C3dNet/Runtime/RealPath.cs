using System.Runtime.InteropServices;

namespace C3dNet.Runtime;

/// <summary>A path with every symbolic link, "." and ".." resolved (libc realpath): two paths name the same file or folder exactly when their real paths are equal.</summary>
internal static partial class RealPath
{
    /// <summary>The real path of an existing file or folder; the full path as given when it cannot be resolved (gone, or not Unix).</summary>
    public static string Of(string path)
    {
        string full = Path.GetFullPath(path);
        if (OperatingSystem.IsWindows()) return full;
        nint resolved = Resolve(full, 0);
        if (resolved == 0) return full;
        try { return Marshal.PtrToStringUTF8(resolved) ?? full; }
        finally { Free(resolved); }
    }

    [LibraryImport("libc", EntryPoint = "realpath", StringMarshalling = StringMarshalling.Utf8)]
    private static partial nint Resolve(string path, nint buffer);

    [LibraryImport("libc", EntryPoint = "free")]
    private static partial void Free(nint pointer);
}
