using System.Text.RegularExpressions;

namespace C3dNet.Datasets;

/// <summary>
/// The official split lists of UCF101 (<c>classInd.txt</c>, <c>trainlist0N.txt</c>, <c>testlist0N.txt</c>) or
/// HMDB51 (<c>&lt;class&gt;_test_splitN.txt</c>, lines <c>&lt;video&gt; &lt;0|1|2&gt;</c>: 1 train, 2 test, 0 unused).
/// Entries are keyed by <c>class/file</c> compared case-insensitively, which absorbs UCF101's
/// <c>HandstandPushups/v_HandStandPushups_*</c> mismatch. CRLF and trailing blanks are tolerated.
/// </summary>
internal sealed partial class OfficialSplitLists
{
    public const string Unused = "unused";

    /// <summary>"UCF101" or "HMDB51".</summary>
    public string Format { get; }
    /// <summary>Files read, for messages and the manifest.</summary>
    public IReadOnlyList<string> Files { get; }
    /// <summary>class/file (as listed) → train, test or <see cref="Unused"/>; case-insensitive keys.</summary>
    public IReadOnlyDictionary<string, string> Entries { get; }
    /// <summary>Classes the lists name (classInd.txt for UCF101, file names for HMDB51).</summary>
    public IReadOnlyList<string> Classes { get; }

    private OfficialSplitLists(string format, IReadOnlyList<string> files, Dictionary<string, string> entries, IReadOnlyList<string> classes)
    {
        Format = format;
        Files = files;
        Entries = entries;
        Classes = classes;
    }

    public static string Key(string className, string fileName) => $"{className}/{fileName}";

    /// <summary>The split of a video on disk, or null when no list names it.</summary>
    public string? SplitOf(SourceVideo video) => Entries.TryGetValue(Key(video.Class, video.FileName), out var s) ? s : null;

    /// <summary>Reads split <paramref name="index"/> (1–3) from <paramref name="dir"/> or a folder directly inside it.</summary>
    public static OfficialSplitLists Load(string dir, int index)
    {
        if (index is < 1 or > 3) throw new ArgumentException($"--split-index must be 1, 2 or 3, got {index}");
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"{dir}: split folder not found");
        foreach (var folder in new[] { dir }.Concat(Directory.EnumerateDirectories(dir).Order(StringComparer.Ordinal)))
        {
            var files = Directory.EnumerateFiles(folder).ToList();
            string? train = Find(files, $"trainlist0{index}.txt"), test = Find(files, $"testlist0{index}.txt");
            if (train is not null || test is not null)
            {
                if (train is null || test is null)
                    throw new InvalidDataException($"{folder}: UCF101 split {index} needs both trainlist0{index}.txt and testlist0{index}.txt");
                return LoadUcf101(train, test, Find(files, "classInd.txt"));
            }
            var hmdb = files.Where(f => HmdbName().Match(Path.GetFileName(f)) is { Success: true } m && m.Groups[2].Value == index.ToString())
                .Order(StringComparer.Ordinal).ToList();
            if (hmdb.Count > 0) return LoadHmdb51(hmdb);
        }
        throw new InvalidDataException(
            $"{dir}: no split {index} lists found (UCF101: trainlist0{index}.txt and testlist0{index}.txt; HMDB51: <class>_test_split{index}.txt)");
    }

    private static OfficialSplitLists LoadUcf101(string trainList, string testList, string? classInd)
    {
        var entries = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var classes = new List<string>();
        var files = new List<string> { trainList, testList };
        if (classInd is not null)
        {
            files.Insert(0, classInd);
            foreach (var (line, no) in Lines(classInd))
            {
                var parts = line.Split(' ', '\t');
                if (parts.Length < 2 || !int.TryParse(parts[0], out _))
                    throw new InvalidDataException($"{classInd}:{no}: expected '<number> <class>', got '{line}'");
                classes.Add(parts[^1]);
            }
        }
        void Read(string list, string split)
        {
            foreach (var (line, no) in Lines(list))
            {
                // "Class/v_Class_g08_c01.avi 1" (train) or "Class/v_Class_g01_c01.avi" (test)
                string path = line.Split(' ', '\t')[0].Replace('\\', '/');
                int slash = path.LastIndexOf('/');
                if (slash <= 0) throw new InvalidDataException($"{list}:{no}: expected '<class>/<video>', got '{line}'");
                string cls = path[..slash], file = path[(slash + 1)..];
                entries[Key(cls, file)] = split;
                if (classInd is null && !classes.Contains(cls, StringComparer.OrdinalIgnoreCase)) classes.Add(cls);
            }
        }
        Read(trainList, SplitNames.Train);
        Read(testList, SplitNames.Test);
        return new OfficialSplitLists("UCF101", files, entries, classes);
    }

    private static OfficialSplitLists LoadHmdb51(IReadOnlyList<string> lists)
    {
        var entries = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var classes = new List<string>();
        foreach (var list in lists)
        {
            string cls = HmdbName().Match(Path.GetFileName(list)).Groups[1].Value;
            classes.Add(cls);
            foreach (var (line, no) in Lines(list))
            {
                var parts = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length != 2 || parts[1] is not ("0" or "1" or "2"))
                    throw new InvalidDataException($"{list}:{no}: expected '<video> <0|1|2>', got '{line}'");
                entries[Key(cls, parts[0])] = parts[1] switch { "1" => SplitNames.Train, "2" => SplitNames.Test, _ => Unused };
            }
        }
        return new OfficialSplitLists("HMDB51", lists, entries, classes);
    }

    /// <summary>Non-empty lines, trimmed (CRLF, trailing blanks), with 1-based line numbers.</summary>
    private static IEnumerable<(string Line, int No)> Lines(string path)
    {
        int no = 0;
        foreach (var raw in File.ReadLines(path))
        {
            no++;
            string line = raw.Trim();
            if (line.Length > 0) yield return (line, no);
        }
    }

    private static string? Find(IEnumerable<string> files, string name) =>
        files.FirstOrDefault(f => string.Equals(Path.GetFileName(f), name, StringComparison.OrdinalIgnoreCase));

    [GeneratedRegex(@"^(.+)_test_split([123])\.txt$", RegexOptions.IgnoreCase)]
    private static partial Regex HmdbName();
}
