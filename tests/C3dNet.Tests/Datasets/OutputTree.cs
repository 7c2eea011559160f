using System.Security.Cryptography;
using C3dNet.Datasets;

namespace C3dNet.Tests.Datasets;

/// <summary>Snapshot of a preprocessing output for comparisons: every file's hash, and the manifest's video entries.</summary>
internal static class OutputTree
{
    /// <summary>Relative path → SHA-256 of every file except the manifest.</summary>
    public static SortedDictionary<string, string> Hashes(string root)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
        {
            string rel = Path.GetRelativePath(root, file);
            if (rel == PreprocessManifest.FileName) continue;
            result[rel] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(file)));
        }
        return result;
    }

    public static IReadOnlyList<ManifestVideo> Videos(string root) => PreprocessManifest.Load(Path.Combine(root, PreprocessManifest.FileName)).Videos;

    /// <summary>Folders an interrupted run may leave: none after a completed run.</summary>
    public static List<string> TempFolders(string root) =>
        Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).Where(d => Path.GetFileName(d).EndsWith(".partial")).ToList();

    /// <summary>Asserts two outputs hold the same files with the same bytes and the same manifest entries.</summary>
    public static void AssertSame(string expected, string actual)
    {
        Assert.Equal(Hashes(expected), Hashes(actual));
        Assert.Equal(Videos(expected), Videos(actual));
    }
}
