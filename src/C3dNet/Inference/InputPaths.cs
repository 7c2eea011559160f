using C3dNet.Datasets;
using System.IO.Enumeration;

namespace C3dNet.Inference;

/// <summary>One input to predict or features, or the reason an argument gave none.</summary>
public sealed record InputItem(string Path, InputKind Kind, string? Problem = null);

/// <summary>
/// Expands command-line inputs: video files, frame folders, and globs (<c>*</c>, <c>?</c> in any
/// path segment, <c>**</c> for any depth) for shells that pass them through quoted.
/// </summary>
public static class InputPaths
{
    public static IReadOnlyList<InputItem> Expand(IEnumerable<string> args)
    {
        var items = new List<InputItem>();
        foreach (var arg in args)
        {
            if (File.Exists(arg)) items.Add(new InputItem(arg, InputKind.Video));
            else if (Directory.Exists(arg)) items.Add(Folder(arg));
            else if (arg.IndexOfAny(['*', '?']) >= 0)
            {
                var matches = Glob(arg);
                if (matches.Count == 0) items.Add(new InputItem(arg, InputKind.Video, "no file or folder matches this pattern"));
                items.AddRange(matches.Select(m => Directory.Exists(m) ? Folder(m) : new InputItem(m, InputKind.Video)));
            }
            else items.Add(new InputItem(arg, InputKind.Video, "file not found"));
        }
        return items;
    }

    private static InputItem Folder(string dir) => FrameFolder.HasImages(dir)
        ? new InputItem(dir, InputKind.FrameFolder)
        : new InputItem(dir, InputKind.FrameFolder,
            $"folder holds no frame images ({string.Join(", ", FrameFolder.ImageExtensions)}); for videos in a folder pass a pattern such as '{System.IO.Path.Combine(dir, "*.avi")}'");

    /// <summary>Files and folders matching <paramref name="pattern"/>, in ordinal order.</summary>
    public static IReadOnlyList<string> Glob(string pattern)
    {
        var parts = pattern.Replace('\\', '/').Split('/');
        int firstWild = Array.FindIndex(parts, p => p.IndexOfAny(['*', '?']) >= 0);
        string root = firstWild == 0 ? (pattern.StartsWith('/') ? "/" : ".") : string.Join('/', parts[..firstWild]);
        if (root.Length == 0) root = "/";
        if (!Directory.Exists(root)) return [];
        var rest = parts[firstWild..];
        var results = new List<string>();
        Walk(root, rest, 0, results);
        return results.Distinct().Order(StringComparer.Ordinal).ToList();
    }

    private static void Walk(string dir, string[] segments, int at, List<string> results)
    {
        string segment = segments[at];
        bool last = at == segments.Length - 1;
        if (segment == "**")
        {
            if (last) { results.AddRange(Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)); return; }
            Walk(dir, segments, at + 1, results); // ** matches no folder too
            foreach (var sub in Directory.EnumerateDirectories(dir)) Walk(sub, segments, at, results);
            return;
        }
        IEnumerable<string> entries = last ? Directory.EnumerateFileSystemEntries(dir) : Directory.EnumerateDirectories(dir);
        foreach (var entry in entries)
        {
            if (!FileSystemName.MatchesSimpleExpression(segment, Path.GetFileName(entry), ignoreCase: false)) continue;
            if (last) results.Add(dir == "." ? Path.GetFileName(entry) : entry);
            else Walk(entry, segments, at + 1, results);
        }
    }
}
