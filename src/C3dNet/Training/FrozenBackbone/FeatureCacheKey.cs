using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using C3dNet.Checkpoints;
using C3dNet.Datasets;
using C3dNet.Models;

namespace C3dNet.Training.FrozenBackbone;

/// <summary>
/// What a feature cache's content depends on, in three parts: the data (manifest.json and each split's videos with their
/// labels and frame counts), the backbone's weights (a SHA-256 of its state_dict entries) and the clip settings (the model's
/// input, clip and crop, the seed, flip probability, variants per video, eval clips per video). A cache is reused only
/// when all three match.
/// </summary>
internal sealed record FeatureCacheKey(string Data, string Weights, JsonObject Clips)
{
    public static FeatureCacheKey Create(FrameDataset data, IReadOnlyDictionary<string, ClipDataset> splits, IClipNetwork network, TrainConfig config)
    {
        var text = new StringBuilder();
        string manifest = Path.Combine(data.Root, FrameDataset.ManifestFile);
        text.Append("manifest ").Append(File.Exists(manifest) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(manifest))) : "none").Append('\n');
        text.Append("classes ").Append(string.Join("|", data.ClassNames)).Append('\n');
        foreach (var (split, clips) in splits.OrderBy(s => s.Key, StringComparer.Ordinal))
            foreach (var v in clips.Videos) text.Append(split).Append(' ').Append(v.Name).Append(' ').Append(v.Label).Append(' ').Append(v.Frames.Count).Append('\n');

        var model = (JsonObject)JsonSerializer.SerializeToNode(network.Config, PickleJson.Options)!;
        model.Remove("num_classes"); // the backbone's output does not depend on the head
        var clipsKey = new JsonObject
        {
            ["model"] = model,
            ["frame_step"] = data.FrameStep,
            ["seed"] = config.Seed,
            ["flip_probability"] = config.FlipProbability,
            ["cache_clips"] = config.CacheClips,
            ["val_clips"] = config.ValClips,
        };
        return new FeatureCacheKey(Hex(Encoding.UTF8.GetBytes(text.ToString())), WeightsHash(network), clipsKey);
    }

    /// <summary>SHA-256 over the backbone's state_dict entries (name, dtype, shape, values) in name order.</summary>
    public static string WeightsHash(IClipNetwork network)
    {
        var backbone = BackboneSplit.Of(network).BackboneLayers.ToHashSet();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, tensor) in network.Module.state_dict().Where(kv => backbone.Contains(BackboneSplit.LayerOf(kv.Key))).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes($"{name} {tensor.dtype} {string.Join("x", tensor.shape)}\n"));
            using var scope = TorchSharp.torch.NewDisposeScope(); // the detached copy only: the state_dict's tensors are the model's
            hash.AppendData(tensor.detach().cpu().contiguous().bytes);
        }
        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private static string Hex(byte[] bytes) => Convert.ToHexString(SHA256.HashData(bytes));

    public JsonObject ToJson() => new() { ["data"] = Data, ["backbone_weights"] = Weights, ["clips"] = Clips.DeepClone() };

    public static FeatureCacheKey? FromJson(JsonNode? json) =>
        json is JsonObject o && o["data"]?.GetValue<string>() is { } d && o["backbone_weights"]?.GetValue<string>() is { } w && o["clips"] is JsonObject c
            ? new FeatureCacheKey(d, w, (JsonObject)c.DeepClone())
            : null;

    /// <summary>What differs between the cache's key and this one, for the message ("backbone weights", "clip settings (seed 1 → 2)").</summary>
    public IReadOnlyList<string> Differences(FeatureCacheKey built)
    {
        var result = new List<string>();
        if (Data != built.Data) result.Add("data (manifest, videos or frame counts)");
        if (Weights != built.Weights) result.Add("backbone weights");
        if (!JsonNode.DeepEquals(Clips, built.Clips))
        {
            var changed = Flatten(Clips).Where(kv => !JsonNode.DeepEquals(kv.Value, Flatten(built.Clips).GetValueOrDefault(kv.Key)))
                .Select(kv => $"{kv.Key} {Flatten(built.Clips).GetValueOrDefault(kv.Key)?.ToJsonString() ?? "none"} → {kv.Value?.ToJsonString() ?? "none"}");
            result.Add($"clip settings ({string.Join(", ", changed)})");
        }
        return result;
    }

    private static Dictionary<string, JsonNode?> Flatten(JsonObject o, string prefix = "")
    {
        var d = new Dictionary<string, JsonNode?>();
        foreach (var (k, v) in o)
        {
            if (v is JsonObject inner) foreach (var kv in Flatten(inner, prefix + k + ".")) d[kv.Key] = kv.Value;
            else d[prefix + k] = v;
        }
        return d;
    }
}
