namespace C3dNet.Datasets;

/// <summary>A video file found under <c>root/&lt;class&gt;/</c>.</summary>
internal sealed record SourceVideo(string Class, string FileName, string FullPath, long Bytes, DateTime ModifiedUtc)
{
    /// <summary>The output folder name: the file name without its extension.</summary>
    public string Name => Path.GetFileNameWithoutExtension(FileName);
    /// <summary>Path relative to the input root, with '/' separators: how the manifest and split lists name it.</summary>
    public string RelativePath => $"{Class}/{FileName}";
}

/// <summary>Something in the input that is not processed, with the reason (stray files, empty class folders, …).</summary>
internal sealed record InputIssue(string Path, string Problem);

/// <summary>
/// Reads a dataset folder in the UCF101/HMDB51 layout (<c>root/&lt;class&gt;/&lt;video&gt;</c>). Class folders
/// and videos are sorted by ordinal name so every run sees the same order. Anything else is
/// reported, never fatal: files at the root, empty class folders, nested folders, files that are
/// not videos by extension.
/// </summary>
internal sealed class VideoDatasetScan
{
    /// <summary>Containers FFmpeg reads; compared case-insensitively.</summary>
    public static readonly IReadOnlySet<string> VideoExtensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".avi", ".mp4", ".mkv", ".mov", ".webm", ".m4v", ".mpg", ".mpeg", ".wmv", ".flv", ".3gp", ".ogv", ".ts", ".mts",
    };

    public string Root { get; }
    /// <summary>Class name → its videos, classes in ordinal order; only classes with at least one video file.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<SourceVideo>> Classes { get; }
    public IReadOnlyList<InputIssue> Issues { get; }

    private VideoDatasetScan(string root, IReadOnlyDictionary<string, IReadOnlyList<SourceVideo>> classes, IReadOnlyList<InputIssue> issues)
    {
        Root = root;
        Classes = classes;
        Issues = issues;
    }

    public IEnumerable<SourceVideo> AllVideos => Classes.Values.SelectMany(v => v);

    /// <summary>Scans <paramref name="root"/>. Throws <see cref="DirectoryNotFoundException"/> when it is missing.</summary>
    public static VideoDatasetScan Scan(string root)
    {
        root = Path.GetFullPath(root);
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"{root}: input folder not found");
        var issues = new List<InputIssue>();
        var classes = new SortedDictionary<string, IReadOnlyList<SourceVideo>>(StringComparer.Ordinal);

        foreach (var file in Sorted(Directory.EnumerateFiles(root)))
            issues.Add(new InputIssue(file, "file at the top level, not inside a class folder: ignored"));

        foreach (var classDir in Sorted(Directory.EnumerateDirectories(root)))
        {
            string className = Path.GetFileName(classDir);
            if (className.StartsWith('.')) { issues.Add(new InputIssue(classDir, "hidden folder: ignored")); continue; }
            var videos = new List<SourceVideo>();
            foreach (var sub in Sorted(Directory.EnumerateDirectories(classDir)))
                issues.Add(new InputIssue(sub, "folder inside a class folder: ignored (expected <root>/<class>/<video>)"));
            foreach (var path in Sorted(Directory.EnumerateFiles(classDir)))
            {
                string ext = Path.GetExtension(path);
                if (!VideoExtensions.Contains(ext))
                {
                    issues.Add(new InputIssue(path, ext.Length == 0 ? "not a video (no extension): ignored" : $"not a video ({ext} file): ignored"));
                    continue;
                }
                var info = new FileInfo(path);
                bool exists = info.Exists;
                videos.Add(new SourceVideo(className, Path.GetFileName(path), path, exists ? info.Length : -1, exists ? info.LastWriteTimeUtc : default));
            }
            if (videos.Count == 0) issues.Add(new InputIssue(classDir, "class folder has no videos: left out of labels.txt"));
            else classes[className] = videos;
        }
        return new VideoDatasetScan(root, classes, issues);
    }

    private static IEnumerable<string> Sorted(IEnumerable<string> paths) => paths.Order(StringComparer.Ordinal);
}
