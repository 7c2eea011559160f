namespace C3dNet.Tests.Support;

/// <summary>The repository's root folder (the one holding C3dNet.slnx), for tests that read its docs and data.</summary>
internal static class RepoRoot
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "C3dNet.slnx"))) return dir.FullName;
        throw new DirectoryNotFoundException("repository root (C3dNet.slnx) not found above " + AppContext.BaseDirectory);
    }
}
