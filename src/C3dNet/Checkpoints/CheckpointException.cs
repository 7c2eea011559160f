namespace C3dNet.Checkpoints;

/// <summary>A checkpoint or weights file that cannot be used; the message names the file and the problem.</summary>
public sealed class CheckpointException(string path, string problem, Exception? inner = null)
    : Exception($"{path}: {problem}", inner)
{
    /// <summary>The checkpoint or weights file.</summary>
    public string Path { get; } = path;
    /// <summary>What is wrong with it (the message without the path).</summary>
    public string Problem { get; } = problem;
}
