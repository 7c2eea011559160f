using C3dNet.Outputs;
using C3dNet.Runtime;

namespace C3dNet.Demo;

/// <summary>
/// The demo's work folder. The demo starts afresh in it, which means deleting what an earlier demo made there; so it
/// only ever deletes its own entries (<see cref="Entries"/>), and only in a folder that an earlier demo marked as its own
/// (<see cref="MarkerFile"/>) or when the user asked with --overwrite. Any other non-empty folder is refused: a work
/// folder such as the home folder must never lose a "videos" or "run" folder of the user's.
/// </summary>
internal static class DemoWorkFolder
{
    /// <summary>Written first into a folder the demo uses, so a later demo knows the folder is its own.</summary>
    public const string MarkerFile = ".c3d-demo";

    /// <summary>Everything the demo writes into its work folder (beside the marker).</summary>
    public static readonly string[] Entries = ["videos", "frames", "run", "outputs", "report.md", "report.json"];

    /// <summary>Makes <paramref name="work"/> ready for a fresh demo run; refuses (OutputException) a folder that is not the demo's.</summary>
    public static void Prepare(string work, bool overwrite)
    {
        OutputPolicy.CheckFolder(work, [], "--work-dir");
        bool ours = File.Exists(Path.Combine(work, MarkerFile));
        bool empty = !Directory.Exists(work) || !Directory.EnumerateFileSystemEntries(work).Any();
        if (!ours && !empty && !overwrite)
            throw new OutputException(work,
                $"is not empty and no earlier demo made it; choose a new or empty --work-dir, or add {OutputPolicy.OverwriteOption} " +
                $"to let the demo replace its own entries there ({string.Join(", ", Entries)}; other files are kept)");
        foreach (var entry in Entries.Select(e => Path.Combine(work, e)))
        {
            if (Directory.Exists(entry)) Directory.Delete(entry, recursive: true);
            else if (File.Exists(entry)) File.Delete(entry);
        }
        OutputPolicy.CreateFolder(work);
        AtomicFile.Write(Path.Combine(work, MarkerFile), temp => File.WriteAllText(temp, "made by c3d demo: it replaces its own entries here on every run\n"));
    }
}
