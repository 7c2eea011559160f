using System.Collections;
using System.Text.Json.Nodes;
using C3dNet.Models;
using static TorchSharp.torch;

namespace C3dNet.Checkpoints;

/// <summary>What a file holds: a training checkpoint (or a torchvision state_dict), or Sports-1M style pretrained weights.</summary>
public enum CheckpointKind
{
    /// <summary>A training checkpoint (ours or the reference's), or a torchvision state_dict: a classifier, usually with class names.</summary>
    Checkpoint,
    /// <summary>Sports-1M style pretrained C3D weights: features only.</summary>
    Pretrained,
}

/// <summary>
/// A C3D checkpoint in the reference's dict format <c>{'epoch', 'state_dict', 'opt_dict'}</c>, plus
/// our keys <c>class_names</c>, <c>model_config</c>, <c>train_config</c> and any extra ones (scheduler,
/// random state, …). Also reads the Sports-1M <c>c3d-pretrained.pth</c> layout (features.N / classifier.N).
/// Disposing it disposes its tensors.
/// </summary>
internal sealed class C3dCheckpoint : IDisposable
{
    public const string EpochKey = "epoch", StateDictKey = "state_dict", OptimizerKey = "opt_dict",
        ClassNamesKey = "class_names", ModelConfigKey = "model_config", TrainConfigKey = "train_config";

    public CheckpointKind Kind { get; init; } = CheckpointKind.Checkpoint;
    /// <summary>Number of completed epochs (the reference stores epoch + 1), or null when absent.</summary>
    public int? Epoch { get; set; }
    /// <summary>Weights under our (= the reference's, or torchvision's) key names: conv1.weight … fc8.bias, or stem.0.weight … fc.bias.</summary>
    public required Dictionary<string, Tensor> StateDict { get; init; }
    /// <summary>The optimizer's state_dict as PyTorch lays it out (param_groups, state), or null.</summary>
    public IDictionary? OptimizerState { get; set; }
    public IReadOnlyList<string>? ClassNames { get; set; }
    public required C3dConfig ModelConfig { get; init; }
    /// <summary>True when the file had no model_config and it was worked out from the weight shapes.</summary>
    public bool ModelConfigInferred { get; init; }
    public JsonObject? TrainConfig { get; set; }
    /// <summary>Other top-level keys, as unpickled (Python dicts, lists, numbers, tensors).</summary>
    public Dictionary<string, object?> Extra { get; init; } = [];

    /// <summary>Learnable parameters: the weights without BatchNorm's running statistics and counters.</summary>
    public long ParameterCount => StateDict.Where(kv => !IsBuffer(kv.Key)).Sum(kv => kv.Value.numel());

    private static bool IsBuffer(string key) =>
        key.EndsWith(".running_mean", StringComparison.Ordinal) || key.EndsWith(".running_var", StringComparison.Ordinal) || MayBeMissing(key);

    /// <summary>
    /// Reads a checkpoint or pretrained-weights file without judging its contents; errors name the file and the problem.
    /// Verbs open files with <see cref="CheckpointLoader.Load"/>, which also refuses what cannot be used.
    /// </summary>
    public static C3dCheckpoint Load(string path)
    {
        var dict = PyTorchFile.ReadDict(path);
        return CheckpointReader.FromDict(path, dict);
    }

    /// <summary>Writes the checkpoint atomically in a format torch.load reads.</summary>
    public void Save(string path)
    {
        var dict = new Dictionary<string, object?>
        {
            [EpochKey] = Epoch ?? 0,
            [StateDictKey] = StateDict.ToDictionary(kv => kv.Key, kv => (object?)kv.Value),
        };
        if (OptimizerState is not null) dict[OptimizerKey] = OptimizerState;
        if (ClassNames is not null) dict[ClassNamesKey] = new ArrayList(ClassNames.ToList());
        dict[ModelConfigKey] = PickleJson.ToPickle(ModelConfig);
        if (TrainConfig is not null) dict[TrainConfigKey] = PickleJson.ToPickle(TrainConfig);
        foreach (var (k, v) in Extra) dict[k] = v;
        PyTorchFile.WriteDict(path, dict);
    }

    /// <summary>Builds a checkpoint from a live model (tensors are detached CPU copies).</summary>
    public static C3dCheckpoint FromModel(IClipNetwork model, int? epoch = null, IReadOnlyList<string>? classNames = null)
    {
        Dictionary<string, Tensor> sd;
        using (NewDisposeScope()) // disposes the detach() intermediates; the clones move out
            sd = model.Module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().clone().MoveToOuterDisposeScope());
        return new C3dCheckpoint { StateDict = sd, ModelConfig = model.Config, Epoch = epoch, ClassNames = classNames };
    }

    /// <summary>
    /// Copies the weights into <paramref name="model"/>, strictly. Pretrained weights fill conv1–fc7 and leave fc8;
    /// <paramref name="backboneOnly"/> leaves the classifier (fc8 or fc) of any file, for a new one on other classes.
    /// A different architecture, class count or width is refused, naming the keys and shapes that differ.
    /// </summary>
    public void LoadInto(IClipNetwork model, string sourceName, bool backboneOnly = false)
    {
        var expected = model.Module.state_dict();
        var skip = Kind == CheckpointKind.Pretrained || backboneOnly
            ? new[] { model.Config.ClassifierLayer + ".weight", model.Config.ClassifierLayer + ".bias" } : [];
        var problems = new List<string>();
        foreach (var (key, tensor) in expected)
        {
            if (skip.Contains(key)) continue;
            if (!StateDict.TryGetValue(key, out var have))
            {
                if (!MayBeMissing(key)) problems.Add($"{key} is missing");
            }
            else if (!have.shape.SequenceEqual(tensor.shape))
                problems.Add($"{key}: file has {Shape(have)}, model expects {Shape(tensor)}");
        }
        foreach (var key in StateDict.Keys.Where(k => !expected.ContainsKey(k) && !skip.Contains(k)))
            problems.Add($"unexpected key {key}");
        if (problems.Count > 0)
            throw new CheckpointException(sourceName,
                $"does not fit this {(model.Config.IsC3d ? "C3D" : "network")} ({model.Config.Describe()}): " +
                string.Join("; ", problems.Take(8)) + (problems.Count > 8 ? $"; and {problems.Count - 8} more" : ""));
        using var _ = no_grad();
        foreach (var (key, tensor) in expected)
            if (!skip.Contains(key) && StateDict.TryGetValue(key, out var value)) tensor.copy_(value);
    }

    /// <summary>
    /// BatchNorm's num_batches_tracked, absent from files saved before PyTorch 0.4.1: PyTorch's BatchNorm loads
    /// them without it (the counter stays 0), and so do we.
    /// </summary>
    internal static bool MayBeMissing(string key) => key.EndsWith(".num_batches_tracked", StringComparison.Ordinal);

    internal static string Shape(Tensor t) => "(" + string.Join(", ", t.shape) + ")";

    public void Dispose()
    {
        foreach (var t in StateDict.Values) t.Dispose();
        DisposeTensors(OptimizerState);
        foreach (var v in Extra.Values) DisposeTensors(v);
    }

    private static void DisposeTensors(object? value)
    {
        switch (value)
        {
            case Tensor t: t.Dispose(); break;
            case IDictionary d: foreach (var v in d.Values) DisposeTensors(v); break;
            case IEnumerable e and not string: foreach (var v in e) DisposeTensors(v); break;
        }
    }
}
