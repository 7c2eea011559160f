using C3dNet.Outputs;
using C3dNet.Runtime;

namespace C3dNet.Datasets;

/// <summary>
/// The preprocessing output folder: decides whether a run may resume it, replaces it on --overwrite,
/// and clears what an interrupted run left behind (temporary video folders).
/// </summary>
internal static class OutputFolder
{
    /// <summary>Frames of a video are written to <c>.&lt;name&gt;.partial</c> next to their final folder, then renamed.</summary>
    public const string TempSuffix = ".partial";
    public const string LabelsFile = "labels.txt";

    public static string TempFolderFor(string finalFolder) =>
        Path.Combine(Path.GetDirectoryName(finalFolder)!, "." + Path.GetFileName(finalFolder) + TempSuffix);

    /// <summary>
    /// Makes <paramref name="outDir"/> ready and returns the manifest of an earlier run with the same options
    /// (to resume), or null for a fresh start. Refuses (InvalidOperationException) an output made with other
    /// options, or a non-empty folder that no run of ours wrote, unless <paramref name="overwrite"/>.
    /// </summary>
    /// <param name="outDir">The output folder.</param>
    /// <param name="options">The options of this run (compared with the manifest's).</param>
    /// <param name="overwrite">Replace an output made otherwise.</param>
    /// <param name="shard">A shard of a shared output: it resumes from its own manifest under <c>OUT/shards/</c>, and leaves
    /// the rest of the folder (the other shards' frames and partial folders, written at the same time) alone.</param>
    public static PreprocessManifest? Prepare(string outDir, ManifestOptions options, bool overwrite, Sharding.ShardSpec? shard = null)
    {
        string manifestPath = PreprocessManifest.PathIn(outDir, shard);
        if (!Directory.Exists(outDir))
        {
            OutputPolicy.CreateFolder(outDir);
            return null;
        }
        if (overwrite)
        {
            Clear(outDir);
            return null;
        }
        if (File.Exists(manifestPath))
        {
            PreprocessManifest previous;
            try { previous = PreprocessManifest.Load(manifestPath); }
            catch (InvalidDataException e)
            {
                throw new InvalidOperationException($"{e.Message}. {(shard is null ? $"Add --overwrite to replace {outDir}" : $"Delete it to redo shard {shard}")}, or choose another --out");
            }
            var differences = previous.Options.Differences(options);
            if (differences.Count > 0)
                throw new InvalidOperationException(
                    $"{(shard is null ? outDir : $"{manifestPath} (shard {shard})")} was made with different options ({string.Join("; ", differences)}). " +
                    (shard is null ? "Run with the same options to resume it, add --overwrite to replace it, or choose another --out"
                                   : "Run every shard with the same options, or choose another --out"));
            if (shard is null) RemoveTempFolders(outDir); // a shard redoes its own pending videos, temporary folder first
            return previous;
        }
        if (shard is not null && Directory.EnumerateFileSystemEntries(outDir).All(e => SharedEntries.Contains(Path.GetFileName(e))))
            return null;
        if (Directory.EnumerateFileSystemEntries(outDir).Any())
            throw new InvalidOperationException(
                $"{outDir} is not empty and has no {PreprocessManifest.FileName}, so it is not a `c3d preprocess` output. " +
                "Choose an empty or new --out, or add --overwrite to write into it (its train/val/test folders and labels.txt are replaced)");
        return null;
    }

    /// <summary>What a folder shared by preprocess shards holds (the others may have started first), besides a merge's files.</summary>
    private static readonly HashSet<string> SharedEntries =
        [.. SplitNames.All, Sharding.ShardFiles.FolderName, PreprocessManifest.FileName, LabelsFile];

    private static void Clear(string outDir)
    {
        foreach (var split in SplitNames.All) DeleteFolder(Path.Combine(outDir, split));
        foreach (var file in new[] { LabelsFile, PreprocessManifest.FileName })
            File.Delete(Path.Combine(outDir, file));
        AtomicFile.RemoveStale(outDir);
    }

    private static void RemoveTempFolders(string outDir)
    {
        AtomicFile.RemoveStale(outDir);
        foreach (var split in SplitNames.All)
        {
            string splitDir = Path.Combine(outDir, split);
            if (!Directory.Exists(splitDir)) continue;
            foreach (var classDir in Directory.EnumerateDirectories(splitDir))
                foreach (var temp in Directory.EnumerateDirectories(classDir, "." + "*" + TempSuffix).ToList())
                    DeleteFolder(temp);
        }
    }

    /// <summary>True when the folder holds exactly the frames the manifest says were written.</summary>
    public static bool IsComplete(string outDir, ManifestVideo video)
    {
        if (video.Folder is null || video.FramesWritten is not int n || n < 1) return false;
        string folder = Path.Combine(outDir, video.Folder);
        return Directory.Exists(folder)
               && File.Exists(Path.Combine(folder, Video.FrameExtractor.FrameName(n)))
               && Directory.EnumerateFiles(folder, "*.jpg").Count() == n;
    }

    public static void DeleteFolder(string path)
    {
        if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
    }

    /// <summary>labels.txt through a temporary file, so it is never half written.</summary>
    public static void WriteLabels(string outDir, IReadOnlyList<string> classes) =>
        AtomicFile.Write(Path.Combine(outDir, LabelsFile), temp => LabelFile.Write(temp, classes));
}
