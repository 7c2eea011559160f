using C3dNet.Datasets;

namespace C3dNet.LinearProbe;

/// <summary>A video of the dataset: its key (<see cref="VideoKey"/>), how the source names it, its split and class.</summary>
internal sealed record MemberVideo(string Key, string Name, string Split, int Label);

/// <summary>
/// Which videos are train and test, and their classes: from a <c>c3d preprocess</c> output (manifest.json for the
/// videos and their splits, labels.txt for the class order) or from the official UCF101/HMDB51 split lists
/// (classInd.txt, the HMDB51 list names, or a --labels file for the class order).
/// </summary>
internal sealed record SplitMembership(string Source, string ClassSource, IReadOnlyList<string> ClassNames, IReadOnlyList<MemberVideo> Videos)
{
    /// <summary>
    /// The videos of a preprocess output's splits (train, val, test) except those it could not use (failed or skipped:
    /// no frames, so not in the evaluation either).
    /// </summary>
    public static SplitMembership FromPreprocessOutput(string dataDir)
    {
        if (!Directory.Exists(dataDir)) throw new DirectoryNotFoundException($"{dataDir}: data folder not found");
        string manifestPath = Path.Combine(dataDir, PreprocessManifest.FileName), labelsPath = Path.Combine(dataDir, "labels.txt");
        if (!File.Exists(manifestPath))
            throw new FileNotFoundException($"{manifestPath}: not found: {dataDir} is not an output of c3d preprocess", manifestPath);
        var manifest = PreprocessManifest.Load(manifestPath);
        var classes = LabelFile.Read(labelsPath);
        var index = classes.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
        var videos = new List<MemberVideo>();
        foreach (var v in manifest.Videos)
        {
            if (v.Split is null || v.Status is VideoStatus.Failed or VideoStatus.Skipped) continue;
            if (!index.TryGetValue(v.Class, out int label))
                throw new InvalidDataException($"{manifestPath}: video {v.Source} is of class '{v.Class}', which {labelsPath} does not list");
            videos.Add(new MemberVideo(VideoKey.Of(v.Class, v.Name), v.Source, v.Split, label));
        }
        return new SplitMembership(manifestPath, labelsPath, classes, videos);
    }

    /// <summary>
    /// The videos the official lists of split <paramref name="index"/> name as train or test. Classes: <paramref name="labelsFile"/>
    /// ("1 ClassName" lines) when given, else the lists' own (classInd.txt; HMDB51: its list files' class names).
    /// </summary>
    public static SplitMembership FromOfficialLists(string splitDir, int index, string? labelsFile = null)
    {
        var lists = OfficialSplitLists.Load(splitDir, index);
        var classes = labelsFile is not null ? LabelFile.Read(labelsFile) : lists.Classes;
        string classSource = labelsFile ?? lists.Files[0];
        var byName = classes.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.OrdinalIgnoreCase);
        var videos = new List<MemberVideo>();
        foreach (var (entry, split) in lists.Entries)
        {
            if (split == OfficialSplitLists.Unused) continue;
            int slash = entry.LastIndexOf('/');
            string cls = entry[..slash], file = entry[(slash + 1)..];
            if (!byName.TryGetValue(cls, out int label))
                throw new InvalidDataException($"{string.Join(", ", lists.Files)}: video {entry} is of class '{cls}', which {classSource} does not list");
            videos.Add(new MemberVideo(VideoKey.Of(cls, file), entry, split, label));
        }
        return new SplitMembership(string.Join(", ", lists.Files), classSource, classes, videos);
    }
}
