namespace C3dNet.Datasets;

/// <summary>A video and where it goes: a split, or no split with the status and reason why.</summary>
internal sealed record PlannedVideo(SourceVideo Source, string? Split, string? Status = null, string? Reason = null);

/// <summary>Every scanned video with its split, plus the problems found while planning (e.g. listed but missing files).</summary>
internal sealed record SplitPlan(IReadOnlyList<PlannedVideo> Videos, IReadOnlyList<InputIssue> Issues, IReadOnlyList<string>? ListFiles);

/// <summary>Assigns every video of a scan to train/val/test with the chosen <see cref="SplitMethod"/>.</summary>
internal static class SplitPlanner
{
    public static SplitPlan Plan(VideoDatasetScan scan, PreprocessOptions options)
    {
        var planned = new List<PlannedVideo>();
        var issues = new List<InputIssue>();
        var lists = options.Split == SplitMethod.Official ? OfficialSplitLists.Load(options.SplitDir!, options.SplitIndex) : null;

        foreach (var (className, all) in scan.Classes)
        {
            var videos = WithoutDuplicateNames(all, planned);
            Dictionary<SourceVideo, string> splits;
            switch (options.Split)
            {
                case SplitMethod.Random:
                    splits = RandomSplit.Assign(className, videos, options.Fractions, options.Seed);
                    break;
                case SplitMethod.Group:
                    splits = GroupSplit.Assign(className, videos, options.Fractions, options.Seed);
                    break;
                default:
                    splits = Official(className, videos, lists!, options, planned);
                    break;
            }
            planned.AddRange(videos.Where(splits.ContainsKey).Select(v => new PlannedVideo(v, splits[v])));
        }

        if (lists is not null) issues.AddRange(MissingListed(scan, lists, options.SplitDir!));
        var ordered = planned.OrderBy(p => p.Source.Class, StringComparer.Ordinal).ThenBy(p => p.Source.FileName, StringComparer.Ordinal).ToList();
        return new SplitPlan(ordered, issues, lists?.Files);
    }

    /// <summary>Two files whose names differ only in extension would write the same folder: the first (by name) wins.</summary>
    private static List<SourceVideo> WithoutDuplicateNames(IReadOnlyList<SourceVideo> videos, List<PlannedVideo> planned)
    {
        var kept = new List<SourceVideo>();
        var byName = new Dictionary<string, SourceVideo>(StringComparer.Ordinal);
        foreach (var video in videos)
        {
            if (byName.TryGetValue(video.Name, out var first))
                planned.Add(new PlannedVideo(video, null, VideoStatus.Failed, $"same name without extension as {first.FileName}; both would write folder '{video.Name}'"));
            else
            {
                byName[video.Name] = video;
                kept.Add(video);
            }
        }
        return kept;
    }

    private static Dictionary<SourceVideo, string> Official(string className, List<SourceVideo> videos, OfficialSplitLists lists, PreprocessOptions options, List<PlannedVideo> planned)
    {
        var result = new Dictionary<SourceVideo, string>();
        var train = new List<SourceVideo>();
        foreach (var video in videos)
        {
            switch (lists.SplitOf(video))
            {
                case null:
                    planned.Add(new PlannedVideo(video, null, VideoStatus.Unlisted, $"no {lists.Format} split-{options.SplitIndex} list names this video"));
                    break;
                case OfficialSplitLists.Unused:
                    planned.Add(new PlannedVideo(video, null, VideoStatus.Unused, $"marked 0 (unused) in the {lists.Format} split-{options.SplitIndex} list"));
                    break;
                case SplitNames.Train:
                    train.Add(video);
                    break;
                default:
                    result[video] = SplitNames.Test;
                    break;
            }
        }
        // The official lists have no val split: take it from train, whole groups at a time, seeded.
        var fromTrain = GroupSplit.Assign(className, train, new SplitFractions(0, options.ValFraction), options.Seed, "split/official-val/");
        foreach (var (video, split) in fromTrain) result[video] = split;
        return result;
    }

    private static IEnumerable<InputIssue> MissingListed(VideoDatasetScan scan, OfficialSplitLists lists, string splitDir)
    {
        var onDisk = new HashSet<string>(scan.AllVideos.Select(v => OfficialSplitLists.Key(v.Class, v.FileName)), StringComparer.OrdinalIgnoreCase);
        var classesOnDisk = new HashSet<string>(scan.Classes.Keys, StringComparer.OrdinalIgnoreCase);
        foreach (var cls in lists.Classes.Where(c => !classesOnDisk.Contains(c)))
            yield return new InputIssue(Path.Combine(scan.Root, cls), $"class listed in the {lists.Format} lists ({splitDir}) has no videos on disk");
        foreach (var (key, split) in lists.Entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (split == OfficialSplitLists.Unused || onDisk.Contains(key)) continue;
            string cls = key[..key.LastIndexOf('/')];
            if (!classesOnDisk.Contains(cls)) continue; // already reported once for the whole class
            yield return new InputIssue(Path.Combine(scan.Root, key), $"listed for {split} in the {lists.Format} lists but not found on disk");
        }
    }
}
