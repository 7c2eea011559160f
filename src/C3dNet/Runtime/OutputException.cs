namespace C3dNet.Runtime;

/// <summary>
/// A result could not be written (disk full, read-only folder, I/O error, or a refusal to replace a file the user has).
/// It means the results are incomplete, so it stops the run: it is never counted as "this input failed".
/// The message names the path and the problem.
/// </summary>
internal sealed class OutputException(string path, string problem, Exception? inner = null)
    : IOException($"{path}: {problem}", inner)
{
    public string Path { get; } = path;
    public string Problem { get; } = problem;
}
