using System.Text.Json;

namespace C3dNet.Datasets;

/// <summary>One video of a split: its frame folder, class and frames in time order.</summary>
internal sealed record VideoEntry(string Directory, int Label, string ClassName, IReadOnlyList<string> Frames)
{
    /// <summary>
    /// Frames per second of the folder's frames (the source video's rate over the frame step preprocessing kept, from
    /// manifest.json); null when unknown. Models that sample at a frame rate resample by it (<see cref="ClipDataset"/>).
    /// </summary>
    public double? FramesPerSecond { get; init; }

    /// <summary>"class/video", for messages and reports.</summary>
    public string Name => $"{ClassName}/{System.IO.Path.GetFileName(Directory)}";
}

/// <summary>
/// The output of <c>c3d preprocess</c> (or the reference's preprocessing):
/// <c>DATA/{train,val,test}/&lt;class&gt;/&lt;video&gt;/00001.jpg …</c>, <c>DATA/labels.txt</c> and
/// <c>DATA/manifest.json</c>. Classes come from labels.txt, else from the sorted class folder names.
/// </summary>
internal sealed class FrameDataset
{
    public const string LabelsFile = "labels.txt", ManifestFile = "manifest.json";
    public static readonly string[] Splits = ["train", "val", "test"];

    public string Root { get; }
    public IReadOnlyList<string> ClassNames { get; }
    /// <summary>True when the classes came from labels.txt rather than folder names.</summary>
    public bool ClassNamesFromLabelFile { get; }
    /// <summary>The initial frame step preprocessing used (manifest.json), else the reference's 4.</summary>
    public int FrameStep { get; }
    public bool FrameStepFromManifest { get; }
    /// <summary>Dataset name for checkpoint file names: the folder's name.</summary>
    public string Name => System.IO.Path.GetFileName(System.IO.Path.TrimEndingDirectorySeparator(Root));

    /// <summary>Frame rate of each video's frames ("split/class/video" → source fps / frame step), from manifest.json.</summary>
    private readonly IReadOnlyDictionary<string, double> frameRates;

    private FrameDataset(string root, IReadOnlyList<string> classNames, bool fromLabels, int frameStep, bool stepFromManifest,
        IReadOnlyDictionary<string, double> frameRates)
    {
        this.frameRates = frameRates;
        Root = root;
        ClassNames = classNames;
        ClassNamesFromLabelFile = fromLabels;
        FrameStep = frameStep;
        FrameStepFromManifest = stepFromManifest;
    }

    public static FrameDataset Open(string root)
    {
        root = System.IO.Path.GetFullPath(root);
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"{root}: data folder not found (expected the output of `c3d preprocess`: train/, val/, test/, labels.txt)");
        if (!Splits.Any(s => Directory.Exists(System.IO.Path.Combine(root, s))))
            throw new InvalidDataException($"{root}: no train/, val/ or test/ folder: not a frame dataset (run `c3d preprocess` first)");
        string labels = System.IO.Path.Combine(root, LabelsFile);
        bool fromLabels = File.Exists(labels);
        var classes = fromLabels ? LabelFile.Read(labels) : ClassFoldersOf(root);
        if (classes.Count == 0) throw new InvalidDataException($"{root}: no class folders under train/, val/ or test/");
        var (step, fromManifest, rates) = ReadManifest(System.IO.Path.Combine(root, ManifestFile));
        return new FrameDataset(root, classes, fromLabels, step, fromManifest, rates);
    }

    public string SplitDirectory(string split) => System.IO.Path.Combine(Root, split);

    public bool HasSplit(string split) => Directory.Exists(SplitDirectory(split));

    /// <summary>
    /// The videos of <paramref name="split"/>, by class index then folder name. Folders that cannot be used
    /// (a class not in labels.txt, a video folder without frames) are left out and described in <paramref name="problems"/>.
    /// </summary>
    public IReadOnlyList<VideoEntry> Videos(string split, ICollection<string>? problems = null)
    {
        string dir = SplitDirectory(split);
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"{dir}: split folder not found");
        var index = ClassNames.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        var videos = new List<VideoEntry>();
        foreach (var classDir in Directory.EnumerateDirectories(dir).Order(StringComparer.Ordinal))
        {
            string className = System.IO.Path.GetFileName(classDir);
            if (!index.TryGetValue(className, out int label))
            {
                problems?.Add($"{classDir}: class '{className}' is not listed in {LabelsFile}; its videos are skipped");
                continue;
            }
            foreach (var videoDir in Directory.EnumerateDirectories(classDir).Order(StringComparer.Ordinal))
            {
                var frames = FrameFolder.List(videoDir);
                if (frames.Count == 0) { problems?.Add($"{videoDir}: no frame images; video skipped"); continue; }
                string key = $"{split}/{className}/{System.IO.Path.GetFileName(videoDir)}";
                videos.Add(new VideoEntry(videoDir, label, className, frames) { FramesPerSecond = frameRates.TryGetValue(key, out double fps) ? fps : null });
            }
        }
        return videos.OrderBy(v => v.Label).ThenBy(v => v.Directory, StringComparer.Ordinal).ToList();
    }

    private static List<string> ClassFoldersOf(string root) =>
        Splits.Select(s => System.IO.Path.Combine(root, s)).Where(Directory.Exists)
            .SelectMany(Directory.EnumerateDirectories).Select(System.IO.Path.GetFileName).OfType<string>()
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// The frame step from manifest.json ("frame_step" at the top or under "options"); 4 when there is no manifest (the
    /// reference's preprocessing writes none). A manifest that cannot be read is an error: guessing the step would make
    /// a checkpoint tell predict to sample at another stride than the frames were made with. Also each video's frame
    /// rate (its "fps" over its "frame_step", from "videos"), where both are recorded.
    /// </summary>
    private static (int Step, bool FromManifest, IReadOnlyDictionary<string, double> Rates) ReadManifest(string manifest)
    {
        const int fallback = Video.FrameStepRule.DefaultStep;
        var rates = new Dictionary<string, double>(StringComparer.Ordinal);
        if (!File.Exists(manifest)) return (fallback, false, rates);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(File.ReadAllText(manifest)); }
        catch (JsonException e) { throw CorruptManifest(manifest, $"is not valid JSON ({e.Message})"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (Child(root, "videos") is { ValueKind: JsonValueKind.Array } list)
                foreach (var v in list.EnumerateArray())
                    if (Text(v, "split") is { } split && Text(v, "class") is { } cls && Text(v, "name") is { } name
                        && Child(v, "fps") is { ValueKind: JsonValueKind.Number } f && f.GetDouble() is var fps && fps > 0 && double.IsFinite(fps)
                        && Child(v, "frame_step") is { ValueKind: JsonValueKind.Number } k && k.TryGetInt32(out int videoStep) && videoStep >= 1)
                        rates[$"{split}/{cls}/{name}"] = fps / videoStep;
            foreach (var holder in new[] { root, Child(root, "options"), Child(root, "settings") })
                if (holder is { ValueKind: JsonValueKind.Object } h)
                    foreach (var name in new[] { "frame_step", "frameStep", "FrameStep" })
                        if (h.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int step) && step >= 1)
                            return (step, true, rates);
        }
        return (fallback, false, rates);
    }

    private static string? Text(JsonElement e, string name) => Child(e, name) is { ValueKind: JsonValueKind.String } s ? s.GetString() : null;

    /// <summary>An unreadable manifest: names the file and the two ways to repair it.</summary>
    internal static InvalidDataException CorruptManifest(string manifest, string problem) =>
        new($"{manifest}: {problem}; the manifest is damaged: restore it from a copy, or re-run `c3d preprocess` with --overwrite to rebuild the frames and manifest");

    private static JsonElement? Child(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var c) ? c : null;
}
