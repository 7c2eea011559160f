using System.Collections;
using System.Text.Json.Nodes;
using C3dNet.Models;
using static TorchSharp.torch;

namespace C3dNet.Checkpoints;

/// <summary>
/// Interprets an unpickled dict as a C3D checkpoint, Sports-1M weights, or a torchvision video ResNet (a plain
/// <c>model.state_dict()</c> as torchvision publishes its weights, or our checkpoint around one).
/// </summary>
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

        var layout = DetectLayout(tensors.Keys);
        switch (layout)
        {
            case Layout.Sports1M: return FromSports1M(path, tensors);
            case Layout.Unknown: throw new CheckpointException(path, UnknownLayout(tensors.Keys));
        }

        var modelConfig = wrapped ? ReadModelConfig(path, dict[C3dCheckpoint.ModelConfigKey]) : null;
        if (layout == Layout.VideoResNet)
        {
            string arch = VideoResNetOf(path, tensors);
            if (modelConfig is not null && modelConfig.Architecture != arch)
                throw new CheckpointException(path, $"its model_config says {modelConfig.Architecture} but its weights are {arch}'s");
        }
        else if (modelConfig is not null && !modelConfig.IsC3d)
            throw new CheckpointException(path, $"its model_config says {modelConfig.Architecture} but its weights are C3D's (conv1 … fc8)");
        var known = new[] { C3dCheckpoint.EpochKey, C3dCheckpoint.StateDictKey, C3dCheckpoint.OptimizerKey,
            C3dCheckpoint.ClassNamesKey, C3dCheckpoint.ModelConfigKey, C3dCheckpoint.TrainConfigKey };
        var classNames = dict[C3dCheckpoint.ClassNamesKey] switch
        {
            null => null,
            IEnumerable names and not string => names.Cast<object>().Select(o => o.ToString()!).ToList(),
            var other => throw new CheckpointException(path, $"its 'class_names' entry is not a list of names (found {other})"),
        };
        var inferred = layout == Layout.VideoResNet ? InferVideoResNetConfig(path, tensors) : null;
        return new C3dCheckpoint
        {
            Kind = CheckpointKind.Checkpoint,
            Epoch = ReadEpoch(path, dict[C3dCheckpoint.EpochKey]),
            StateDict = tensors,
            OptimizerState = dict[C3dCheckpoint.OptimizerKey] as IDictionary,
            // torchvision's Kinetics-400 weights carry no names: its 400 categories, in its order, are theirs.
            ClassNames = classNames ?? (inferred is { NumClasses: Kinetics400Labels.ClassCount } ? Kinetics400Labels.ClassNames : null),
            ModelConfig = modelConfig ?? inferred ?? InferConfig(path, tensors, tensors["fc8.weight"].shape[0]),
            ModelConfigInferred = modelConfig is null,
            TrainConfig = PickleJson.ToJson(dict[C3dCheckpoint.TrainConfigKey]) as JsonObject,
            Extra = dict.Keys.Cast<object>().Select(k => k.ToString()!).Where(k => !known.Contains(k))
                .ToDictionary(k => k, k => dict[k]),
        };
    }

    /// <summary>The weight layouts this version reads. A new architecture adds its layout and reader here.</summary>
    private enum Layout { C3d, Sports1M, VideoResNet, Unknown }

    private static readonly string[] C3dKeys = C3D.LayerNames.SelectMany(l => new[] { l + ".weight", l + ".bias" }).ToArray();

    private static Layout DetectLayout(ICollection<string> keys)
    {
        if (keys.Contains("features.0.weight") && !keys.Contains("conv1.weight")) return Layout.Sports1M;
        // layer1's first convolution: layer1.0.conv1.0.weight, or layer1.0.conv1.0.0.weight in (2+1)D.
        if (keys.Contains("stem.0.weight") && keys.Any(k => k.StartsWith("layer1.0.conv1.0.", StringComparison.Ordinal)) && keys.Contains("fc.weight"))
            return Layout.VideoResNet;
        return keys.Contains("conv1.weight") && keys.Contains("fc8.weight") ? Layout.C3d : Layout.Unknown;
    }

    /// <summary>Names the first keys that belong to no known layout, so the user sees what the file holds.</summary>
    private static string UnknownLayout(ICollection<string> keys)
    {
        const string expected = "holds no architecture this version reads: expected C3D's keys conv1.weight … fc8.bias (or Sports-1M features.N / classifier.N), " +
                                "or a torchvision video ResNet's stem.0.weight, layer1.0.conv1.0.weight … fc.weight (r3d_18, mc3_18, r2plus1d_18)";
        if (keys.Count == 0) return expected + ", found no tensors";
        var unexpected = keys.Where(k => !C3dKeys.Contains(k) && !IsSports1MKey(k) && !IsVideoResNetKey(k)).Order(StringComparer.Ordinal).ToList();
        if (unexpected.Count > 0)
            return expected + "; first unexpected keys: " + string.Join(", ", unexpected.Take(5)) + (unexpected.Count > 5 ? $", … ({unexpected.Count} in all)" : "");
        return expected + "; missing: " + string.Join(", ", C3dKeys.Where(k => !keys.Contains(k)).Take(5));
    }

    private static readonly System.Text.RegularExpressions.Regex VideoResNetKey = new(
        @"^(stem\.\d+|layer[1-4]\.[01]\.(conv[12]\.\d+(\.\d+)?|downsample\.\d+)|fc)\.(weight|bias|running_mean|running_var|num_batches_tracked)$");

    private static bool IsVideoResNetKey(string key) => VideoResNetKey.IsMatch(key);

    /// <summary>
    /// Which torchvision video ResNet the weights are, by their shapes: r2plus1d_18's stem starts with a 1x7x7 conv
    /// into 45 channels; mc3_18's layer2 convolutions are 1x3x3 (no time), r3d_18's 3x3x3.
    /// </summary>
    private static string VideoResNetOf(string path, Dictionary<string, Tensor> tensors)
    {
        var stem = tensors["stem.0.weight"].shape;
        if (stem.SequenceEqual(new long[] { 45, 3, 1, 7, 7 })) return R2Plus1d18.Architecture.Name;
        if (!stem.SequenceEqual(new long[] { 64, 3, 3, 7, 7 }))
            throw new CheckpointException(path, $"has a video ResNet's keys but stem.0.weight is ({string.Join(", ", stem)}), which is no stem of r3d_18, mc3_18 or r2plus1d_18");
        if (!tensors.TryGetValue("layer2.0.conv1.0.weight", out var layer2))
            throw new CheckpointException(path, "has a video ResNet's stem but no layer2.0.conv1.0.weight");
        return layer2.shape is [_, _, 1, 3, 3] ? Mc3_18.Architecture.Name : R3d18.Architecture.Name;
    }

    /// <summary>A torchvision file carries no config: its architecture, fc's class count and the input its Kinetics-400 weights were trained with.</summary>
    private static C3dConfig InferVideoResNetConfig(string path, Dictionary<string, Tensor> tensors) =>
        C3dConfig.ForVideoResNet(VideoResNetOf(path, tensors), (int)tensors["fc.weight"].shape[0], ModelInput.Kinetics400);

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
