using System.Globalization;
using System.Text.RegularExpressions;

namespace C3dNet.Sharding;

/// <summary>
/// Per-shard file names in a shared output folder: everything a shard writes beside the per-input outputs goes to
/// <c>OUT/shards/</c> with its tag in the name (<c>manifest.shard-0003-of-0007.json</c>), so two shards never write the
/// same file, and a merge finds them all. Numbers are zero-padded to at least four digits so the names sort.
/// </summary>
internal static partial class ShardFiles
{
    public const string FolderName = "shards";

    /// <summary>"shard-0003-of-0007".</summary>
    public static string Tag(ShardSpec shard)
    {
        int width = Math.Max(4, shard.Count.ToString(CultureInfo.InvariantCulture).Length);
        string pad(int n) => n.ToString(CultureInfo.InvariantCulture).PadLeft(width, '0');
        return $"shard-{pad(shard.Index)}-of-{pad(shard.Count)}";
    }

    /// <summary><c>OUT/shards</c>.</summary>
    public static string Folder(string outputRoot) => Path.Combine(outputRoot, FolderName);

    /// <summary>
    /// The shard's own copy of a file an unsharded run writes as <paramref name="fileName"/>: <c>manifest.json</c> →
    /// <c>OUT/shards/manifest.shard-0003-of-0007.json</c> (the tag goes before the extension, which readers go by).
    /// </summary>
    public static string PathFor(string outputRoot, string fileName, ShardSpec shard)
    {
        if (fileName.Length == 0 || Path.GetFileName(fileName) != fileName)
            throw new ArgumentException($"a shard file name must be a plain file name, not '{fileName}'", nameof(fileName));
        string extension = Path.GetExtension(fileName);
        return Path.Combine(Folder(outputRoot), $"{Path.GetFileNameWithoutExtension(fileName)}.{Tag(shard)}{extension}");
    }

    /// <summary><c>OUT/shards/shard-0003-of-0007.json</c>: the shard's <see cref="ShardManifest"/>.</summary>
    public static string ManifestPath(string outputRoot, ShardSpec shard) =>
        Path.Combine(Folder(outputRoot), $"{Tag(shard)}.json");

    /// <summary>Every shard manifest in <c>OUT/shards</c>, by the shard its name says, in shard order (count, then index).</summary>
    public static IReadOnlyList<(ShardSpec Shard, string Path)> FindManifests(string outputRoot)
    {
        string folder = Folder(outputRoot);
        if (!Directory.Exists(folder)) return [];
        var found = new List<(ShardSpec, string)>();
        foreach (string path in Directory.EnumerateFiles(folder, "shard-*-of-*.json"))
        {
            var m = ManifestName().Match(Path.GetFileName(path));
            if (!m.Success) continue;
            if (!int.TryParse(m.Groups[1].Value, CultureInfo.InvariantCulture, out int index) ||
                !int.TryParse(m.Groups[2].Value, CultureInfo.InvariantCulture, out int count) || index < 1 || index > count) continue;
            var shard = new ShardSpec(index, count);
            if (Path.GetFileName(ManifestPath(outputRoot, shard)) == Path.GetFileName(path)) found.Add((shard, path));
        }
        return found.OrderBy(f => f.Item1.Count).ThenBy(f => f.Item1.Index).ToList();
    }

    [GeneratedRegex(@"^shard-(\d+)-of-(\d+)\.json$")]
    private static partial Regex ManifestName();
}
