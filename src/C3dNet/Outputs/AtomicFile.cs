using System.Diagnostics;
using C3dNet.Runtime;

namespace C3dNet.Outputs;

/// <summary>
/// The one way a result reaches its final name: the content is written to a temporary file beside the target
/// (same folder, so the rename is atomic), flushed to disk, then renamed over it. Readers, and a run that
/// crashed mid-write, see the old file or the whole new one, never a part. A failed write leaves the old file
/// and no temporary file, and throws <see cref="OutputException"/> naming the target.
/// Temporary names are <c>.NAME.partial-PID.EXT</c> (the extension kept last for writers that go by it), so a
/// later run can tell its own kind apart and remove those whose process is gone (<see cref="RemoveStale"/>).
/// </summary>
internal static class AtomicFile
{
    private const string Marker = ".partial-";

    /// <param name="path">The final name, written only by renaming the complete temporary file onto it.</param>
    /// <param name="write">Writes the complete content to the temporary path it is given.</param>
    public static void Write(string path, Action<string> write)
    {
        string temp = TempPathFor(path);
        try
        {
            write(temp);
            FlushToDisk(temp);
            Commit(temp, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not OutputException)
        {
            throw Failure(path, e);
        }
        finally
        {
            DeleteQuietly(temp);
        }
    }

    /// <summary>Renames a complete temporary file to its final name (replacing what is there: callers checked <see cref="OutputPolicy"/>).</summary>
    public static void Commit(string temp, string path)
    {
        try { File.Move(temp, path, overwrite: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not OutputException) { throw Failure(path, e); }
    }

    /// <summary><c>DIR/.NAME.partial-PID.EXT</c> for <c>DIR/NAME.EXT</c>.</summary>
    public static string TempPathFor(string path)
    {
        string full = Path.GetFullPath(path);
        string name = Path.GetFileName(full);
        return Path.Combine(Path.GetDirectoryName(full)!, $".{name}{Marker}{Environment.ProcessId}{Path.GetExtension(name)}");
    }

    /// <summary>
    /// Removes temporary files of this kind in <paramref name="folder"/> (not below it) whose writing process no longer
    /// runs: what a killed run left. Files of a live process, and every other file, are left alone.
    /// </summary>
    /// <returns>The paths removed.</returns>
    public static IReadOnlyList<string> RemoveStale(string folder)
    {
        if (!Directory.Exists(folder)) return [];
        var removed = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder, "." + "*" + Marker + "*").Order(StringComparer.Ordinal))
            if (WriterOf(Path.GetFileName(file)) is int pid && pid != Environment.ProcessId && !IsRunning(pid))
            {
                DeleteQuietly(file);
                removed.Add(file);
            }
        return removed;
    }

    /// <summary>The process id in a temporary name of ours (<c>.NAME.partial-PID[.EXT]</c>), or null for any other name.</summary>
    public static int? WriterOf(string fileName)
    {
        if (!fileName.StartsWith('.')) return null;
        int at = fileName.LastIndexOf(Marker, StringComparison.Ordinal);
        if (at <= 1) return null;
        string rest = fileName[(at + Marker.Length)..];
        int digits = 0;
        while (digits < rest.Length && char.IsAsciiDigit(rest[digits])) digits++;
        if (digits == 0 || (digits < rest.Length && rest[digits] != '.')) return null;
        string ext = rest[digits..];
        if (ext.Length > 0 && !fileName[1..at].EndsWith(ext, StringComparison.Ordinal)) return null;
        return int.TryParse(rest[..digits], out int pid) ? pid : null;
    }

    /// <summary>An output error as the run reports it: the target and what went wrong (disk full, read-only, …).</summary>
    public static OutputException Failure(string path, Exception e) =>
        e as OutputException ?? new OutputException(Path.GetFullPath(path), $"could not be written: {e.Message}", e);

    private static void FlushToDisk(string temp)
    {
        if (!File.Exists(temp)) return; // the writer made nothing; the rename reports it
        using var stream = new FileStream(temp, FileMode.Open, FileAccess.ReadWrite);
        stream.Flush(flushToDisk: true);
    }

    private static bool IsRunning(int pid)
    {
        try { using var p = Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    internal static void DeleteQuietly(string file)
    {
        try { if (File.Exists(file)) File.Delete(file); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
