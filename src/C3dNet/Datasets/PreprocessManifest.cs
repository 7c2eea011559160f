using C3dNet.Outputs;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using C3dNet.Runtime;

namespace C3dNet.Datasets;

/// <summary>The options recorded in the manifest: those that decide the output.</summary>
internal sealed record ManifestOptions
{
    public string Videos { get; init; } = "";
    public string Split { get; init; } = "random";
    public long Seed { get; init; }
    public double? TestFraction { get; init; }
    public double ValFraction { get; init; }
    public string? SplitDir { get; init; }
    public int? SplitIndex { get; init; }
    public int FrameStep { get; init; }
    public int ClipLength { get; init; }
    public int Width { get; init; }
    public int Height { get; init; }
    public int JpegQuality { get; init; }
    public int MinFrames { get; init; }
    /// <summary>"auto": Motion-JPEG kept frames decoded by libjpeg-turbo; "ffmpeg": FFmpeg decodes everything.</summary>
    public string Decoder { get; init; } = "auto";

    /// <summary>"name: old → new" for every option that differs.</summary>
    public IReadOnlyList<string> Differences(ManifestOptions other)
    {
        var a = (JsonObject)JsonSerializer.SerializeToNode(this, PreprocessManifest.Json)!;
        var b = (JsonObject)JsonSerializer.SerializeToNode(other, PreprocessManifest.Json)!;
        return a.Select(p => p.Key).Union(b.Select(p => p.Key))
            .Where(k => !JsonNode.DeepEquals(a[k], b[k]))
            .Select(k => $"{k}: {a[k]?.ToJsonString() ?? "none"} → {b[k]?.ToJsonString() ?? "none"}")
            .ToList();
    }
}

/// <summary>Video states in the manifest.</summary>
internal static class VideoStatus
{
    /// <summary>Frames written; at least a clip's worth.</summary>
    public const string Done = "done";
    /// <summary>Frames written, but fewer than one clip even at step 1; the loader must loop or pad.</summary>
    public const string Short = "short";
    public const string Failed = "failed";
    /// <summary>Decoded fine but fewer frames than --min-frames: nothing written.</summary>
    public const string Skipped = "skipped";
    /// <summary>Official split: on disk, but no list names it.</summary>
    public const string Unlisted = "unlisted";
    /// <summary>Official HMDB51 split: marked 0 (in no split).</summary>
    public const string Unused = "unused";
    /// <summary>Not processed yet (an interrupted run leaves these).</summary>
    public const string Pending = "pending";

    public static bool HasFrames(string status) => status is Done or Short;
}

/// <summary>One input video in the manifest.</summary>
internal sealed record ManifestVideo
{
    /// <summary>Path relative to the input folder, '/' separated.</summary>
    public string Source { get; init; } = "";
    public string Class { get; init; } = "";
    /// <summary>Output folder name (file name without extension).</summary>
    public string Name { get; init; } = "";
    /// <summary>train, val, test, or null when the video is in no split.</summary>
    public string? Split { get; init; }
    public string Status { get; init; } = VideoStatus.Pending;
    public string? Reason { get; init; }
    public string? Warning { get; init; }
    public int? FramesDecoded { get; init; }
    public int? ReportedFrames { get; init; }
    public double? Fps { get; init; }
    public int? FrameStep { get; init; }
    public int? FramesWritten { get; init; }
    /// <summary>What decoded its frames: "ffmpeg (libavcodec 59.37.100)", "opencv 4.13.0", … (null before it is processed).</summary>
    public string? Decoder { get; init; }
    public long SourceBytes { get; init; }
    public DateTime SourceModifiedUtc { get; init; }

    /// <summary>The frame folder relative to the output root, when the video has one.</summary>
    [JsonIgnore]
    public string? Folder => Split is null ? null : $"{Split}/{Class}/{Name}";
}

/// <summary>
/// <c>manifest.json</c>: the options used, every input video with its split, counts and status, and
/// every input problem. Written atomically (temporary file renamed over the old one), so a crash
/// leaves either the old or the new manifest, never half of one.
/// </summary>
internal sealed record PreprocessManifest
{
    public const string FileName = "manifest.json";
    public const string CurrentFormat = "c3d-frames/1";

    internal static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string Format { get; init; } = CurrentFormat;
    public ManifestOptions Options { get; init; } = new();
    /// <summary>Class names in label order (labels.txt).</summary>
    public IReadOnlyList<string> Classes { get; init; } = [];
    /// <summary>Official split lists read (official split only).</summary>
    public IReadOnlyList<string>? SplitLists { get; init; }
    public IReadOnlyList<ManifestVideo> Videos { get; init; } = [];
    public IReadOnlyList<InputIssue> Issues { get; init; } = [];

    /// <summary>Where a run keeps its manifest: <c>OUT/manifest.json</c>, or a shard's own copy under <c>OUT/shards/</c>.</summary>
    public static string PathIn(string outDir, Sharding.ShardSpec? shard = null) => shard is { } s
        ? Sharding.ShardFiles.PathFor(outDir, FileName, s)
        : Path.Combine(outDir, FileName);

    public static PreprocessManifest Load(string path)
    {
        try
        {
            var manifest = JsonSerializer.Deserialize<PreprocessManifest>(File.ReadAllText(path), Json)
                           ?? throw new InvalidDataException($"{path}: empty manifest");
            if (manifest.Format != CurrentFormat) throw new InvalidDataException($"{path}: unknown manifest format '{manifest.Format}'");
            return manifest;
        }
        catch (JsonException e)
        {
            throw FrameDataset.CorruptManifest(path, $"not a valid manifest ({e.Message})");
        }
    }

    /// <summary>
    /// Serialises a small manifest and throws it away: the serialiser's first use compiles its code for these types
    /// (~40 ms on one core), which a run can do on another thread while it starts instead of at its first save.
    /// </summary>
    public static void WarmUpSerializer() => JsonSerializer.SerializeToUtf8Bytes(
        new PreprocessManifest { Videos = [new ManifestVideo()], Issues = [new InputIssue("", "")] }, Json);

    public void Save(string path) => AtomicFile.Write(path, temp =>
    {
        using var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None);
        JsonSerializer.Serialize(stream, this, Json);
        stream.Flush(flushToDisk: true);
    });
}
