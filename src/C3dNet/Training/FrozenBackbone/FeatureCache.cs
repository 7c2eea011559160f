using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using System.Text.Json;
using System.Text.Json.Nodes;
using C3dNet.Checkpoints;
using C3dNet.Outputs;
using C3dNet.Runtime;
using Microsoft.Win32.SafeHandles;

namespace C3dNet.Training.FrozenBackbone;

/// <summary>
/// Backbone features on disk: a folder with <c>cache.json</c> (its <see cref="FeatureCacheKey"/>, feature width and rows per
/// split) and the rows in chunk files <c>SPLIT-NNNNN.f32</c> of <see cref="ChunkRows"/> rows of float32 each, every one written
/// atomically (<see cref="AtomicFile"/>): a killed build leaves whole chunks, and the next run builds only the missing ones.
/// Rows are read one by one from the files (never all held in memory). The folder is the cache's own: a cache for another
/// key is replaced (its chunk files and cache.json only); a folder holding other files is refused.
/// </summary>
internal sealed partial class FeatureCache : IDisposable
{
    public const string IndexName = "cache.json", Extension = ".f32";
    /// <summary>Rows per chunk file (2 MB for the full C3D's 8,192 pool5 values).</summary>
    public const int ChunkRows = 64;
    private const int Version = 1;

    private readonly Dictionary<string, SafeFileHandle> open = [];

    public string Folder { get; }
    public long Width { get; }
    /// <summary>Rows of each split (train: variants x videos; val, test: their evaluation clips).</summary>
    public IReadOnlyDictionary<string, int> Rows { get; }

    private FeatureCache(string folder, long width, IReadOnlyDictionary<string, int> rows)
    {
        Folder = folder;
        Width = width;
        Rows = rows;
    }

    /// <summary>
    /// The cache in <paramref name="folder"/> for <paramref name="key"/>: the one there when its key, width and rows match
    /// (its built chunks reused), else a new one (a cache for another key is removed first, with a notice naming what differs).
    /// </summary>
    public static FeatureCache Open(string folder, FeatureCacheKey key, long width, IReadOnlyDictionary<string, int> rows, ICollection<string> notices)
    {
        folder = Path.GetFullPath(folder);
        if (File.Exists(folder)) throw new OutputException(folder, "is a file; --cache-dir takes a folder");
        string index = Path.Combine(folder, IndexName);
        var cache = new FeatureCache(folder, width, rows);
        if (Directory.Exists(folder))
        {
            foreach (var stale in AtomicFile.RemoveStale(folder)) notices.Add($"{stale}: removed a temporary file left by an interrupted cache build");
            if (File.Exists(index))
            {
                var reason = Mismatch(index, key, width, rows);
                if (reason is null) return cache;
                notices.Add($"{folder}: the feature cache was built with {reason}: rebuilding it");
                foreach (var file in ChunkFilesIn(folder)) File.Delete(file);
                File.Delete(index);
            }
            else if (Directory.EnumerateFileSystemEntries(folder).Any())
                throw new OutputException(folder, $"holds files but no {IndexName}: it is not a feature cache; give --cache-dir an empty or new folder");
        }
        OutputPolicy.CreateFolder(folder);
        var json = new JsonObject
        {
            ["version"] = Version, ["key"] = key.ToJson(), ["width"] = width, ["chunk_rows"] = ChunkRows, ["dtype"] = "float32",
            ["rows"] = new JsonObject(rows.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))),
        };
        AtomicFile.Write(index, temp => File.WriteAllText(temp, json.ToJsonString(PickleJson.Options)));
        return cache;
    }

    /// <summary>Why the cache cache.json describes does not fit (null: it does).</summary>
    private static string? Mismatch(string index, FeatureCacheKey key, long width, IReadOnlyDictionary<string, int> rows)
    {
        JsonObject? json = null;
        try { json = JsonNode.Parse(File.ReadAllText(index)) as JsonObject; }
        catch (JsonException) { }
        var builtRows = new Dictionary<string, int>();
        if (json?["rows"] is JsonObject r) foreach (var (split, n) in r) if (n is JsonValue v && v.TryGetValue(out int count)) builtRows[split] = count;
        long builtWidth = json?["width"] is JsonValue w && w.TryGetValue(out long bw) ? bw : -1;
        if (json is null || json["version"]?.GetValue<int>() != Version || json["chunk_rows"]?.GetValue<int>() != ChunkRows || json["dtype"]?.GetValue<string>() != "float32")
            return $"another format ({IndexName} unreadable or of another version)";
        if (FeatureCacheKey.FromJson(json["key"]) is not { } builtKey) return $"another format ({IndexName} has no key)";
        var differ = key.Differences(builtKey).ToList();
        if (differ.Count == 0 && builtWidth != width) differ.Add($"feature width {builtWidth} (now {width})");
        if (differ.Count == 0 && !rows.OrderBy(kv => kv.Key).SequenceEqual(builtRows.OrderBy(kv => kv.Key))) differ.Add("splits of other sizes");
        return differ.Count == 0 ? null : "different " + string.Join(" and ", differ);
    }

    public int Chunks(string split) => (Rows[split] + ChunkRows - 1) / ChunkRows;
    public int RowsIn(string split, int chunk) => Math.Min(ChunkRows, Rows[split] - chunk * ChunkRows);
    public string ChunkPath(string split, int chunk) => Path.Combine(Folder, $"{split}-{chunk:D5}{Extension}");

    /// <summary>The chunk files in <paramref name="folder"/>: names of the form <see cref="ChunkPath"/> writes, nothing else.</summary>
    private static IEnumerable<string> ChunkFilesIn(string folder) =>
        Directory.EnumerateFiles(folder, "*" + Extension).Where(f => ChunkName().IsMatch(Path.GetFileName(f))).ToList();

    [GeneratedRegex(@"^(train|val|test)-[0-9]{5}\.f32$")]
    private static partial Regex ChunkName();

    public bool IsBuilt(string split, int chunk)
    {
        var info = new FileInfo(ChunkPath(split, chunk));
        return info.Exists && info.Length == RowsIn(split, chunk) * Width * sizeof(float);
    }

    /// <summary>The chunks not yet built, split by split.</summary>
    public IReadOnlyList<(string Split, int Chunk)> Missing() =>
        Rows.Keys.Order(StringComparer.Ordinal).SelectMany(s => Enumerable.Range(0, Chunks(s)).Select(c => (s, c))).Where(sc => !IsBuilt(sc.s, sc.c)).ToList();

    public int ChunkCount => Rows.Keys.Sum(Chunks);

    /// <summary>Writes one chunk (its rows, <see cref="RowsIn"/> x <see cref="Width"/> values) atomically.</summary>
    public void WriteChunk(string split, int chunk, ReadOnlySpan<float> values)
    {
        if (values.Length != RowsIn(split, chunk) * Width) throw new ArgumentException($"chunk {chunk} of {split} takes {RowsIn(split, chunk) * Width} values, got {values.Length}");
        var bytes = MemoryMarshal.AsBytes(values).ToArray();
        AtomicFile.Write(ChunkPath(split, chunk), temp => File.WriteAllBytes(temp, bytes));
    }

    /// <summary>Reads row <paramref name="row"/> of <paramref name="split"/> into <paramref name="dest"/> (<see cref="Width"/> values).</summary>
    public void ReadRow(string split, int row, Span<float> dest)
    {
        int chunk = row / ChunkRows;
        string path = ChunkPath(split, chunk);
        if (!open.TryGetValue(path, out var handle))
        {
            if (!IsBuilt(split, chunk)) throw new InvalidDataException($"{path}: missing or of the wrong size; the feature cache is incomplete");
            open[path] = handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        }
        var bytes = MemoryMarshal.AsBytes(dest[..(int)Width]);
        long offset = (row - (long)chunk * ChunkRows) * Width * sizeof(float);
        int read = 0;
        while (read < bytes.Length)
        {
            int n = RandomAccess.Read(handle, bytes[read..], offset + read);
            if (n == 0) throw new InvalidDataException($"{path}: ends early; the feature cache is damaged");
            read += n;
        }
    }

    public void Dispose()
    {
        foreach (var h in open.Values) h.Dispose();
        open.Clear();
    }
}
