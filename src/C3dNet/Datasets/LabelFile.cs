namespace C3dNet.Datasets;

/// <summary>
/// Class lists as the reference writes them (<c>labels.txt</c>, <c>ucf_labels.txt</c>): one
/// <c>"1 ClassName"</c> line per class, numbered from 1, in class-index order.
/// </summary>
internal static class LabelFile
{
    public static IReadOnlyList<string> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: label file not found", path);
        return Parse(File.ReadLines(path), path);
    }

    /// <summary>Reads the lines of a label file; errors name <paramref name="path"/>.</summary>
    public static IReadOnlyList<string> Parse(IEnumerable<string> lines, string path)
    {
        var names = new List<string>();
        int lineNo = 0;
        foreach (var raw in lines)
        {
            lineNo++;
            var line = raw.Trim();
            if (line.Length == 0) continue;
            var parts = line.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 2 || !int.TryParse(parts[0], out int index))
                throw new InvalidDataException($"{path}:{lineNo}: expected '<number> <class name>', got '{line}'");
            if (index != names.Count + 1)
                throw new InvalidDataException($"{path}:{lineNo}: expected class number {names.Count + 1}, got {index}");
            names.Add(parts[1].Trim());
        }
        if (names.Count == 0) throw new InvalidDataException($"{path}: no classes listed");
        return names;
    }

    public static void Write(string path, IEnumerable<string> classNames) =>
        File.WriteAllLines(path, classNames.Select((name, i) => $"{i + 1} {name}"));
}
