using System.Collections;
using System.Text.Json.Nodes;
using C3dNet.Models;
using static TorchSharp.torch;

namespace C3dNet.Checkpoints;

/// <summary>Interprets an unpickled dict as a C3D checkpoint or Sports-1M weights.</summary>
internal static class CheckpointReader
{
    /// <summary>c3d-pretrained.pth key prefix → our layer name. classifier.6 (487 Sports-1M classes) is not taken.</summary>
    public static readonly IReadOnlyDictionary<string, string> Sports1MLayers = new Dictionary<string, string>
    {
        ["features.0"] = "conv1", ["features.3"] = "conv2", ["features.6"] = "conv3a", ["features.8"] = "conv3b",
        ["features.11"] = "conv4a", ["features.13"] = "conv4b", ["features.16"] = "conv5a", ["features.18"] = "conv5b",
        ["classifier.0"] = "fc6", ["classifier.3"] = "fc7",
    };
    public const string Sports1MHead = "classifier.6";

    public static C3dCheckpoint FromDict(string path, Hashtable dict)
    {
        bool wrapped = dict.ContainsKey(C3dCheckpoint.StateDictKey);
        var raw = wrapped ? dict[C3dCheckpoint.StateDictKey] as IDictionary : dict;
        if (raw is null) throw new CheckpointException(path, "its 'state_dict' entry is not a dict of tensors");
        var tensors = new Dictionary<string, Tensor>();
        foreach (DictionaryEntry e in raw)
            if (e.Value is Tensor t) tensors[StripModulePrefix(e.Key.ToString()!)] = t;

        switch (DetectLayout(tensors.Keys))
        {
            case Layout.Sports1M: return FromSports1M(path, tensors);
            case Layout.Unknown: throw new CheckpointException(path, UnknownLayout(tensors.Keys));
        }

        var modelConfig = wrapped ? ReadModelConfig(path, dict[C3dCheckpoint.ModelConfigKey]) : null;
        var known = new[] { C3dCheckpoint.EpochKey, C3dCheckpoint.StateDictKey, C3dCheckpoint.OptimizerKey,
            C3dCheckpoint.ClassNamesKey, C3dCheckpoint.ModelConfigKey, C3dCheckpoint.TrainConfigKey };
        var classNames = dict[C3dCheckpoint.ClassNamesKey] switch
        {
            null => null,
            IEnumerable names and not string => names.Cast<object>().Select(o => o.ToString()!).ToList(),
            var other => throw new CheckpointException(path, $"its 'class_names' entry is not a list of names (found {other})"),
        };
        return new C3dCheckpoint
        {
            Kind = CheckpointKind.Checkpoint,
            Epoch = ReadEpoch(path, dict[C3dCheckpoint.EpochKey]),
            StateDict = tensors,
            OptimizerState = dict[C3dCheckpoint.OptimizerKey] as IDictionary,
            ClassNames = classNames,
            ModelConfig = modelConfig ?? InferConfig(path, tensors, tensors["fc8.weight"].shape[0]),
            ModelConfigInferred = modelConfig is null,
            TrainConfig = PickleJson.ToJson(dict[C3dCheckpoint.TrainConfigKey]) as JsonObject,
            Extra = dict.Keys.Cast<object>().Select(k => k.ToString()!).Where(k => !known.Contains(k))
                .ToDictionary(k => k, k => dict[k]),
        };
    }

    /// <summary>The weight layouts this version reads. A new architecture adds its layout and reader here.</summary>
    private enum Layout { C3d, Sports1M, Unknown }

    private static readonly string[] C3dKeys = C3D.LayerNames.SelectMany(l => new[] { l + ".weight", l + ".bias" }).ToArray();

    private static Layout DetectLayout(ICollection<string> keys)
    {
        if (keys.Contains("features.0.weight") && !keys.Contains("conv1.weight")) return Layout.Sports1M;
        return keys.Contains("conv1.weight") && keys.Contains("fc8.weight") ? Layout.C3d : Layout.Unknown;
    }

    /// <summary>Names the first keys that belong to no known layout, so the user sees what the file holds.</summary>
    private static string UnknownLayout(ICollection<string> keys)
    {
        const string expected = "is not a C3D checkpoint (the architecture this version reads): expected keys conv1.weight … fc8.bias (or Sports-1M features.N / classifier.N)";
        if (keys.Count == 0) return expected + ", found no tensors";
        var unexpected = keys.Where(k => !C3dKeys.Contains(k) && !IsSports1MKey(k)).Order(StringComparer.Ordinal).ToList();
        if (unexpected.Count > 0)
            return expected + "; first unexpected keys: " + string.Join(", ", unexpected.Take(5)) + (unexpected.Count > 5 ? $", … ({unexpected.Count} in all)" : "");
        return expected + "; missing: " + string.Join(", ", C3dKeys.Where(k => !keys.Contains(k)).Take(5));
    }

    private static bool IsSports1MKey(string key) =>
        Sports1MLayers.Keys.Append(Sports1MHead).Any(prefix => key == prefix + ".weight" || key == prefix + ".bias");

    private static C3dCheckpoint FromSports1M(string path, Dictionary<string, Tensor> tensors)
    {
        var mapped = new Dictionary<string, Tensor>();
        foreach (var (prefix, layer) in Sports1MLayers)
            foreach (var part in new[] { "weight", "bias" })
            {
                if (!tensors.TryGetValue($"{prefix}.{part}", out var t))
                    throw new CheckpointException(path, $"looks like Sports-1M C3D weights but lacks {prefix}.{part} ({layer}.{part})");
                mapped[$"{layer}.{part}"] = t;
            }
        int headClasses = tensors.TryGetValue($"{Sports1MHead}.weight", out var head) ? (int)head.shape[0] : 0;
        foreach (var (key, t) in tensors)
            if (!mapped.ContainsValue(t)) t.Dispose(); // the Sports-1M head is not used
        return new C3dCheckpoint
        {
            Kind = CheckpointKind.Pretrained,
            StateDict = mapped,
            ModelConfig = InferConfig(path, mapped, headClasses),
            ModelConfigInferred = true,
        };
    }

    private static int? ReadEpoch(string path, object? value) => value switch
    {
        null => null,
        int i => i,
        long l and >= 0 and <= int.MaxValue => (int)l,
        _ => throw new CheckpointException(path, $"its 'epoch' entry is not a whole number of epochs (found {value})"),
    };

    /// <summary>Strips the "module." prefix that nn.DataParallel adds to every key.</summary>
    private static string StripModulePrefix(string key) => key.StartsWith("module.") ? key["module.".Length..] : key;

    private static C3dConfig? ReadModelConfig(string path, object? value)
    {
        if (value is null) return null;
        // Not validated here: CheckpointLoader reports a config the network cannot run (and `c3d info` still shows it).
        try { return PickleJson.FromPickle<C3dConfig>(value); }
        catch (System.Text.Json.JsonException e)
        {
            string where = e.Path is null or "$" ? "it is not a dict of settings" : $"'{e.Path.TrimStart('$', '.')}' has a value of the wrong type";
            throw new CheckpointException(path, $"has an unreadable model_config: {where}", e);
        }
    }

    /// <summary>Works out width, clip length and crop from the weight shapes (reference checkpoints carry no config).</summary>
    private static C3dConfig InferConfig(string path, Dictionary<string, Tensor> tensors, long numClasses)
    {
        double width = tensors["conv1.weight"].shape[0] / 64.0;
        long flatten = tensors["fc6.weight"].shape[1];
        var candidates = new[] { (C3dConfig.ReferenceClipLength, C3dConfig.ReferenceCropSize) }.Concat(
            from clip in new[] { 16, 8, 24, 32, 12, 20, 48, 64 }
            from crop in new[] { 112, 56, 64, 96, 128, 160, 224, 32, 48 }
            select (clip, crop));
        foreach (var (clip, crop) in candidates)
        {
            var (frameWidth, frameHeight) = C3dConfig.FrameSizeFor(crop);
            var config = new C3dConfig
            {
                NumClasses = (int)Math.Max(1, numClasses), WidthMultiplier = width, ClipLength = clip, CropSize = crop,
                ResizeWidth = frameWidth, ResizeHeight = frameHeight,
            };
            if (config.FlattenSize == flatten) return config;
        }
        throw new CheckpointException(path, $"fc6.weight takes {flatten} inputs, which fits no usual clip length and crop size at width {width}");
    }
}
