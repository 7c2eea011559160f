using C3dNet.Runtime;

namespace C3dNet.Outputs;

/// <summary>
/// What a run may replace, checked before it writes anything, the same for every verb:
/// an existing file or folder at an output path is replaced only when the user asked (<see cref="OverwriteOption"/>),
/// never when it is one of the run's inputs (judged by device and inode, so links and bind mounts are seen through),
/// and an output folder never contains an input folder nor lies inside one. Refusals are <see cref="OutputException"/>s
/// that name the path and say what to do. Results then reach their names through <see cref="AtomicFile"/>.
/// </summary>
internal static class OutputPolicy
{
    /// <summary>The one option name, on every verb that writes to a path the user names.</summary>
    public const string OverwriteOption = "--overwrite";

    /// <summary>
    /// A file the run will write: refused when it is a folder, when it is one of <paramref name="inputs"/> (even with
    /// <paramref name="overwrite"/>), or when it exists and <paramref name="overwrite"/> is false.
    /// </summary>
    public static void CheckFile(string path, bool overwrite, IEnumerable<string> inputs)
    {
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new OutputException(full, "is a folder; give a file name");
        if (!File.Exists(full)) return;
        if (inputs.FirstOrDefault(input => FileIdentity.Same(input, full)) is { } same)
            throw new OutputException(full, $"is one of the inputs ({same}); it is never replaced: choose another output name");
        if (!overwrite)
            throw new OutputException(full, $"already exists; add {OverwriteOption} to replace it, or choose another name");
    }

    /// <summary>Several files of one run: the first refusal wins, before anything is written.</summary>
    public static void CheckFiles(IEnumerable<string> paths, bool overwrite, IReadOnlyCollection<string> inputs)
    {
        foreach (var path in paths) CheckFile(path, overwrite, inputs);
    }

    /// <summary>
    /// A folder the run writes into: refused when it is a file, and when it is, contains or lies inside one of the
    /// input folders or files (whatever links lead there). What inside it may be replaced is the verb's decision.
    /// </summary>
    public static void CheckFolder(string dir, IEnumerable<string> inputs, string option = "--out")
    {
        string full = Path.GetFullPath(dir);
        if (File.Exists(full)) throw new OutputException(full, $"is a file; {option} takes a folder");
        foreach (var input in inputs)
        {
            if (!File.Exists(input) && !Directory.Exists(input)) continue;
            if (FileIdentity.IsWithin(full, input) || FileIdentity.IsWithin(input, full))
                throw new OutputException(full, $"{option} and the input {Path.GetFullPath(input)} must not contain each other (links followed); choose another {option}");
        }
    }

    /// <summary>Creates an output folder (and its parents), reporting a failure as an <see cref="OutputException"/>.</summary>
    public static string CreateFolder(string dir)
    {
        try { return Directory.CreateDirectory(dir).FullName; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not OutputException)
        {
            throw new OutputException(Path.GetFullPath(dir), $"could not be created: {e.Message}", e);
        }
    }
}
