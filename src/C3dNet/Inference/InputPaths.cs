using C3dNet.Datasets;
using C3dNet.Runtime;
using System.IO.Enumeration;

namespace C3dNet.Inference;

/// <summary>One input to predict or features, or the reason an argument gave none.</summary>
internal sealed record InputItem(string Path, InputKind Kind, string? Problem = null);

/// <summary>
/// Expands command-line inputs: video files, frame folders, and globs (<c>*</c>, <c>?</c> in any
/// path segment, <c>**</c> for any depth) for shells that pass them through quoted.
/// </summary>
internal static class InputPaths
{
    /// <summary>
    /// The inputs in the order given, each file or folder once (by real path: a folder reached again through a symbolic
    /// link, or a pattern that matches a file another argument named, adds nothing).
    /// </summary>
    public static IReadOnlyList<InputItem> Expand(IEnumerable<string> args)
    {
        var items = new List<InputItem>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        void Add(InputItem item)
        {
            if (item.Problem is not null || seen.Add(RealPath.Of(item.Path))) items.Add(item);
        }
        foreach (var arg in args)
        {
            if (File.Exists(arg)) Add(new InputItem(arg, InputKind.Video));
            else if (Directory.Exists(arg)) Add(Folder(arg));
            else if (arg.IndexOfAny(['*', '?']) >= 0)
            {
                var matches = Glob(arg);
                if (matches.Count == 0) Add(new InputItem(arg, InputKind.Video, "no file or folder matches this pattern"));
                foreach (var m in matches) Add(Directory.Exists(m) ? Folder(m) : new InputItem(m, InputKind.Video));
            }
            else Add(new InputItem(arg, InputKind.Video, "file not found"));
        }
        return items;
    }

    /// <summary>One path as it is (no pattern): a video file, a frame folder, or an item naming its problem.</summary>
    public static InputItem Of(string path) =>
        File.Exists(path) ? new InputItem(path, InputKind.Video)
        : Directory.Exists(path) ? Folder(path)
        : new InputItem(path, InputKind.Video, "file not found");

    private static InputItem Folder(string dir) => FrameFolder.HasImages(dir)
        ? new InputItem(dir, InputKind.FrameFolder)
        : new InputItem(dir, InputKind.FrameFolder,
            $"folder holds no frame images ({string.Join(", ", FrameFolder.ImageExtensions)}); for videos in a folder pass a pattern such as '{System.IO.Path.Combine(dir, "*.avi")}'");

    /// <summary>
    /// Files and folders matching <paramref name="pattern"/>, in ordinal order. <c>**</c> enters each folder once, by real
    /// path, so a symbolic link back up the tree (a loop) or to a folder already walked adds nothing.
    /// </summary>
    public static IReadOnlyList<string> Glob(string pattern)
    {
        var parts = pattern.Replace('\\', '/').Split('/');
        int firstWild = Array.FindIndex(parts, p => p.IndexOfAny(['*', '?']) >= 0);
        string root = firstWild == 0 ? (pattern.StartsWith('/') ? "/" : ".") : string.Join('/', parts[..firstWild]);
        if (root.Length == 0) root = "/";
        if (!Directory.Exists(root)) return [];
        var rest = parts[firstWild..];
        var results = new List<string>();
        Walk(root, rest, 0, results, new HashSet<(string, int)>());
        return results.Distinct().Order(StringComparer.Ordinal).ToList();
    }

    /// <param name="dir">The folder being matched.</param>
    /// <param name="segments">The pattern's segments from the first wildcard on.</param>
    /// <param name="at">The segment <paramref name="dir"/>'s entries are matched against.</param>
    /// <param name="results">Where matches are collected.</param>
    /// <param name="walked">(real path, segment) pairs already walked: each folder is matched against each pattern position once.</param>
    private static void Walk(string dir, string[] segments, int at, List<string> results, HashSet<(string, int)> walked)
    {
        if (!walked.Add((RealPath.Of(dir), at))) return;
        string segment = segments[at];
        bool last = at == segments.Length - 1;
        if (segment == "**")
        {
            if (last) results.AddRange(Directory.EnumerateFiles(dir)); // ** at the end: every file at any depth
            else Walk(dir, segments, at + 1, results, walked); // ** matches no folder too
            foreach (var sub in Directory.EnumerateDirectories(dir)) Walk(sub, segments, at, results, walked);
            return;
        }
        IEnumerable<string> entries = last ? Directory.EnumerateFileSystemEntries(dir) : Directory.EnumerateDirectories(dir);
        foreach (var entry in entries)
        {
            if (!FileSystemName.MatchesSimpleExpression(segment, Path.GetFileName(entry), ignoreCase: false)) continue;
            if (last) results.Add(dir == "." ? Path.GetFileName(entry) : entry);
            else Walk(entry, segments, at + 1, results, walked);
        }
    }
}
