namespace C3dNet.Inference;

/// <summary>File names for per-input outputs in one folder.</summary>
internal static class OutputNames
{
    /// <summary>A name per input, unique within one run (a, a_2, a_3 … when two inputs share a file name).</summary>
    public static IReadOnlyList<string> Unique(IEnumerable<string> inputs)
    {
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var names = new List<string>();
        foreach (var input in inputs)
        {
            string stem = Path.GetFileNameWithoutExtension(Path.TrimEndingDirectorySeparator(input));
            if (stem.Length == 0) stem = "input";
            string name = stem;
            for (int n = 2; !used.Add(name); n++) name = $"{stem}_{n}";
            names.Add(name);
        }
        return names;
    }

    /// <summary>The annotated video's extension: the input's when OpenCV writes it, else .avi (frame folders too).</summary>
    public static string AnnotatedExtension(string input)
    {
        string ext = Path.GetExtension(input).ToLowerInvariant();
        return ext is ".avi" or ".mp4" or ".mkv" or ".mov" or ".m4v" && !Directory.Exists(input) ? ext : ".avi";
    }
}
