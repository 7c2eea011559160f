using System.Security.Cryptography;

namespace C3dNet.Tests.Support;

/// <summary>
/// Every file under some folders (path, size, modification time, SHA-256) at one moment, to assert after a run that
/// nothing that existed before differs or is gone: what the output policy promises without --overwrite.
/// </summary>
internal sealed class FileSweep
{
    private readonly Dictionary<string, (long Size, DateTime Modified, string Hash)> files = new(StringComparer.Ordinal);

    public static FileSweep Of(params string[] roots)
    {
        var sweep = new FileSweep();
        foreach (var root in roots)
        {
            if (File.Exists(root)) sweep.Add(root);
            else if (Directory.Exists(root))
                foreach (var file in Directory.EnumerateFiles(root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
                    sweep.Add(file);
        }
        return sweep;
    }

    public int Count => files.Count;

    private void Add(string file)
    {
        var info = new FileInfo(file);
        using var stream = File.OpenRead(file);
        files[Path.GetFullPath(file)] = (info.Length, info.LastWriteTimeUtc, Convert.ToHexString(SHA256.HashData(stream)));
    }

    /// <summary>Fails naming every file that changed or disappeared since this sweep.</summary>
    public void AssertNothingChanged()
    {
        var problems = new List<string>();
        foreach (var (path, before) in files)
        {
            if (!File.Exists(path)) { problems.Add($"gone: {path}"); continue; }
            var info = new FileInfo(path);
            using var stream = File.OpenRead(path);
            var now = (info.Length, info.LastWriteTimeUtc, Convert.ToHexString(SHA256.HashData(stream)));
            if (now != before) problems.Add($"changed: {path}");
        }
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }
}

/// <summary>Files the output policy leaves nowhere: temporary names of ours (<c>.NAME.partial-PID…</c>).</summary>
internal static class TempFiles
{
    public static List<string> Under(string root) =>
        Directory.Exists(root)
            ? Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories).Where(p => System.IO.Path.GetFileName(p).Contains(".partial")).ToList()
            : [];
}
