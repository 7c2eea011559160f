using System.Globalization;
using System.Text.RegularExpressions;

namespace C3dNet.Checkpoints;

/// <summary>
/// The temporary names checkpoint writes use before the atomic rename: <c>NAME.c3d-tmp-PID-GUID</c>. A write killed
/// with kill -9 leaves one behind; the name says it is ours, which process wrote it and that it is incomplete, so
/// <see cref="RemoveStale"/> can delete exactly those files and nothing else.
/// </summary>
public static partial class CheckpointTempFiles
{
    /// <summary>A fresh suffix for one write (appended to the final name).</summary>
    public static string NewSuffix() => $".c3d-tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";

    [GeneratedRegex(@"\.c3d-tmp-(\d+)-[0-9a-f]{32}$")]
    private static partial Regex Pattern();

    /// <summary>True for a name made by <see cref="NewSuffix"/>.</summary>
    public static bool IsTempName(string fileName) => Pattern().IsMatch(fileName);

    /// <summary>
    /// Deletes the temporary checkpoint files in <paramref name="folder"/> (not below it) that no running process is
    /// still writing; returns the paths removed. Other files are never touched.
    /// </summary>
    public static IReadOnlyList<string> RemoveStale(string folder)
    {
        if (!Directory.Exists(folder)) return [];
        var removed = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
        {
            var match = Pattern().Match(Path.GetFileName(file));
            if (!match.Success) continue;
            int pid = int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            if (pid != Environment.ProcessId && ProcessIsRunning(pid)) continue; // another run is writing it now
            File.Delete(file);
            removed.Add(file);
        }
        return removed;
    }

    private static bool ProcessIsRunning(int pid) => Directory.Exists($"/proc/{pid}");
}
