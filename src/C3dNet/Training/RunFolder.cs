using System.Text.RegularExpressions;
using C3dNet.Outputs;
using C3dNet.Runtime;

namespace C3dNet.Training;

/// <summary>
/// The files of one training run: config.json, metrics.jsonl, curves.png, TensorBoard event files, and
/// models/ with last.pth.tar, best.pth.tar and the reference's snapshots C3D-&lt;dataset&gt;_epoch-&lt;e&gt;.pth.tar
/// (e 0-based as the reference names them; the checkpoint's 'epoch' key is e + 1, the epochs completed).
/// </summary>
internal sealed partial class RunFolder
{
    public const string LastName = "last.pth.tar", BestName = "best.pth.tar";

    public string Path { get; }
    public string ModelsDir => System.IO.Path.Combine(Path, "models");
    public string ConfigFile => System.IO.Path.Combine(Path, "config.json");
    public string MetricsFile => System.IO.Path.Combine(Path, "metrics.jsonl");
    public string CurvesFile => System.IO.Path.Combine(Path, "curves.png");
    public string LastCheckpoint => System.IO.Path.Combine(ModelsDir, LastName);
    public string BestCheckpoint => System.IO.Path.Combine(ModelsDir, BestName);
    public string Snapshot(string dataset, int epochIndex) => System.IO.Path.Combine(ModelsDir, $"C3D-{dataset}_epoch-{epochIndex}.pth.tar");

    public RunFolder(string path) => Path = System.IO.Path.GetFullPath(path);

    public void Create() => OutputPolicy.CreateFolder(ModelsDir);

    /// <summary>
    /// Makes the folder ready for a run and creates it. A folder with files in it is an earlier run (or someone's files):
    /// it is used only when the run continues it (<paramref name="continuing"/>: --resume of this very folder), or with
    /// <paramref name="overwrite"/>, which removes the files a run writes (config, metrics, curves, TensorBoard events,
    /// last/best/snapshot checkpoints) and keeps every other file. Stale temporary files of killed runs are removed.
    /// </summary>
    /// <returns>The temporary files of interrupted writes that were removed.</returns>
    public IReadOnlyList<string> Prepare(bool continuing, bool overwrite)
    {
        if (File.Exists(Path)) throw new OutputException(Path, "is a file; --run-dir takes a folder");
        if (Directory.Exists(Path) && !continuing && Directory.EnumerateFileSystemEntries(Path).Any())
        {
            if (!overwrite)
                throw new OutputException(Path,
                    $"holds an earlier run or other files; add --resume {Path} to continue it, {OutputPolicy.OverwriteOption} to start it again " +
                    "(its checkpoints, metrics, curves and TensorBoard files are replaced; other files are kept), or choose another --run-dir");
            foreach (var file in RunFiles()) File.Delete(file);
        }
        Create();
        return [.. AtomicFile.RemoveStale(ModelsDir), .. AtomicFile.RemoveStale(Path)];
    }

    /// <summary>The files a run of ours writes in this folder, as far as they exist.</summary>
    private IEnumerable<string> RunFiles()
    {
        var files = new List<string>();
        foreach (var f in new[] { ConfigFile, MetricsFile, CurvesFile, LastCheckpoint, BestCheckpoint })
            if (File.Exists(f)) files.Add(f);
        files.AddRange(Directory.EnumerateFiles(Path, "events.out.tfevents.*"));
        if (Directory.Exists(ModelsDir))
            files.AddRange(Directory.EnumerateFiles(ModelsDir, "C3D-*_epoch-*.pth.tar").Where(f => SnapshotName().IsMatch(System.IO.Path.GetFileName(f))));
        return files;
    }

    [GeneratedRegex(@"^C3D-.+_epoch-\d+\.pth\.tar$")]
    private static partial Regex SnapshotName();

    [GeneratedRegex(@"^run_(\d+)$")]
    private static partial Regex RunName();

    /// <summary>The next run/run_N (N one more than the highest, by number, not text as the reference sorts).</summary>
    public static string Next(string runsRoot)
    {
        int next = 0;
        if (Directory.Exists(runsRoot))
            foreach (var dir in Directory.EnumerateDirectories(runsRoot))
                if (RunName().Match(System.IO.Path.GetFileName(dir)) is { Success: true } m && int.TryParse(m.Groups[1].Value, out int n))
                    next = Math.Max(next, n + 1);
        return System.IO.Path.Combine(runsRoot, $"run_{next}");
    }

    /// <summary>
    /// What --resume names: a checkpoint file, or a run folder (its models/last.pth.tar). Returns the file and,
    /// when it lies in a run folder of ours (…/models/ next to config.json), that folder.
    /// </summary>
    public static (string Checkpoint, string? RunDir) ResolveResume(string fileOrDir)
    {
        string full = System.IO.Path.GetFullPath(fileOrDir);
        if (Directory.Exists(full))
        {
            foreach (var candidate in new[] { System.IO.Path.Combine(full, "models", LastName), System.IO.Path.Combine(full, LastName) })
                if (File.Exists(candidate)) return (candidate, RunDirOf(candidate));
            throw new FileNotFoundException($"{full}: no models/{LastName} in this folder to resume from");
        }
        if (!File.Exists(full)) throw new FileNotFoundException($"{full}: checkpoint to resume from not found", full);
        return (full, RunDirOf(full));
    }

    private static string? RunDirOf(string checkpoint)
    {
        var models = System.IO.Path.GetDirectoryName(checkpoint);
        if (models is null || System.IO.Path.GetFileName(models) != "models") return null;
        var run = System.IO.Path.GetDirectoryName(models);
        return run is not null && File.Exists(System.IO.Path.Combine(run, "config.json")) ? run : null;
    }
}
