using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using C3dNet.Outputs;
using C3dNet.Runtime;

namespace C3dNet.Sharding;

/// <summary>
/// What one shard did, at <c>OUT/shards/shard-0003-of-0007.json</c>: which job, which shard, a fingerprint of the full
/// input list every shard must have seen, the inputs it owns, and whether it has finished. A shard writes it with
/// <see cref="Complete"/> false when it starts and again with true as its very last write, after all its outputs; each
/// write is atomic, so a merge that sees <c>complete: true</c> sees a shard whose outputs are all on disk.
/// </summary>
internal sealed record ShardManifest
{
    public const string CurrentFormat = "c3d-shard/1";

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string Format { get; init; } = CurrentFormat;
    /// <summary>The verb that wrote it ("preprocess", "features", "predict"): shards of different jobs never merge.</summary>
    public string Job { get; init; } = "";
    /// <summary>I of <c>--shard I/N</c>.</summary>
    public int Shard { get; init; }
    /// <summary>N of <c>--shard I/N</c>.</summary>
    public int ShardCount { get; init; }
    /// <summary>Inputs in the full list (all shards).</summary>
    public int TotalInputs { get; init; }
    /// <summary><see cref="Fingerprint"/> of the full ordered input list: equal in every shard, or they did not split the same job.</summary>
    public string InputsSha256 { get; init; } = "";
    /// <summary>The settings that decide the outputs, as the verb writes them (e.g. its options as JSON); equal in every shard.</summary>
    public string? Settings { get; init; }
    /// <summary>The inputs this shard owns (<see cref="ShardAssignment"/>), in the full list's order.</summary>
    public IReadOnlyList<string> Owned { get; init; } = [];
    /// <summary>True only once every output of the shard is written.</summary>
    public bool Complete { get; init; }
    public DateTime StartedUtc { get; init; }
    public DateTime? FinishedUtc { get; init; }

    [JsonIgnore]
    public ShardSpec Spec => new(Shard, ShardCount);

    /// <summary>The manifest a shard writes when it starts: owns its share of <paramref name="allInputs"/>, not complete.</summary>
    /// <param name="job">The verb (preprocess, features, predict).</param>
    /// <param name="shard">This shard.</param>
    /// <param name="settings">The run's settings, compared when a shard is rerun.</param>
    /// <param name="nowUtc">The start time (null: now).</param>
    /// <param name="allInputs">The full ordered input list, identical in every shard (e.g. relative paths sorted ordinally).</param>
    public static ShardManifest Begin(string job, ShardSpec shard, IReadOnlyList<string> allInputs, string? settings = null, DateTime? nowUtc = null) => new()
    {
        Job = job,
        Shard = shard.Index,
        ShardCount = shard.Count,
        TotalInputs = allInputs.Count,
        InputsSha256 = Fingerprint(allInputs),
        Settings = settings,
        Owned = ShardAssignment.Select(allInputs, shard),
        Complete = false,
        StartedUtc = nowUtc ?? DateTime.UtcNow,
    };

    /// <summary>The same manifest marked finished; save it as the shard's last write.</summary>
    public ShardManifest Completed(DateTime? nowUtc = null) => this with { Complete = true, FinishedUtc = nowUtc ?? DateTime.UtcNow };

    /// <summary>SHA-256 (lower-case hex) of the inputs, each followed by a newline, in UTF-8.</summary>
    public static string Fingerprint(IEnumerable<string> inputs)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (string input in inputs) hash.AppendData(Encoding.UTF8.GetBytes(input + "\n"));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Writes <c>OUT/shards/shard-IIII-of-NNNN.json</c> atomically (the folder is created when missing).</summary>
    public string Save(string outputRoot)
    {
        string path = ShardFiles.ManifestPath(outputRoot, Spec);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            AtomicFile.Write(path, temp =>
            {
                using var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None);
                JsonSerializer.Serialize(stream, this, Json);
                stream.Flush(flushToDisk: true);
            });
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputException(path, $"the shard manifest could not be written ({e.Message})", e);
        }
        return path;
    }

    /// <summary>
    /// True when <paramref name="outputRoot"/> already holds this shard's record from a run of the same job, input list and
    /// settings (a killed or finished earlier try): the outputs it names are this shard's own, so a rerun may replace them.
    /// </summary>
    public bool RanBefore(string outputRoot)
    {
        string path = ShardFiles.ManifestPath(outputRoot, Spec);
        if (!File.Exists(path)) return false;
        try
        {
            var before = Load(path);
            return before.Job == Job && before.Spec == Spec && before.InputsSha256 == InputsSha256 && before.Settings == Settings;
        }
        catch (InvalidDataException) { return false; }
    }

    /// <exception cref="InvalidDataException">Not a shard manifest, or one that contradicts itself.</exception>
    public static ShardManifest Load(string path)
    {
        ShardManifest manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<ShardManifest>(File.ReadAllText(path), Json)
                       ?? throw new InvalidDataException($"{path}: empty shard manifest");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid shard manifest ({e.Message})");
        }
        if (manifest.Format != CurrentFormat) throw new InvalidDataException($"{path}: unknown shard manifest format '{manifest.Format}'");
        if (manifest.ShardCount < 1 || manifest.Shard < 1 || manifest.Shard > manifest.ShardCount)
            throw new InvalidDataException($"{path}: shard {manifest.Shard}/{manifest.ShardCount} is not a valid shard");
        if (manifest.TotalInputs < 0 || manifest.Owned.Count != ShardAssignment.CountFor(manifest.TotalInputs, manifest.Spec))
            throw new InvalidDataException($"{path}: shard {manifest.Spec} owns {manifest.Owned.Count} inputs, but {ShardAssignment.CountFor(Math.Max(0, manifest.TotalInputs), manifest.Spec)} of {manifest.TotalInputs} are its share");
        return manifest;
    }
}
