using System.Text.RegularExpressions;

namespace C3dNet.Training;

/// <summary>
/// The files of one training run: config.json, metrics.jsonl, curves.png, TensorBoard event files, and
/// models/ with last.pth.tar, best.pth.tar and the reference's snapshots C3D-&lt;dataset&gt;_epoch-&lt;e&gt;.pth.tar
/// (e 0-based as the reference names them; the checkpoint's 'epoch' key is e + 1, the epochs completed).
/// </summary>
public sealed partial class RunFolder
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

    public void Create() => Directory.CreateDirectory(ModelsDir);

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
