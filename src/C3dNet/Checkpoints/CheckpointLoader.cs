using C3dNet.Datasets;
using C3dNet.Models;
using static TorchSharp.torch;

namespace C3dNet.Checkpoints;

/// <summary>
/// The one way every verb opens a checkpoint or weights file: it reads the file (structure and architecture, see
/// <see cref="CheckpointReader"/>), then refuses what cannot be used, naming the file and the first problem:
/// non-finite weights, a network the stored clip and crop sizes cannot run, class names that disagree with the
/// classifier, and a file of the wrong kind for <see cref="CheckpointUse"/>.
/// </summary>
internal static class CheckpointLoader
{
    /// <summary>Reads and validates <paramref name="path"/> for <paramref name="use"/>; throws <see cref="CheckpointException"/>.</summary>
    public static C3dCheckpoint Load(string path, CheckpointUse use)
    {
        var ckpt = C3dCheckpoint.Load(path);
        try
        {
            if (Problems(ckpt).FirstOrDefault() is { } problem) throw new CheckpointException(path, problem);
            if (ckpt.Kind == CheckpointKind.Pretrained && use == CheckpointUse.Classifier)
                throw new CheckpointException(path,
                    "holds Sports-1M pretrained weights without a classifier for your classes: fine-tune it with `c3d train --pretrained`, or use `c3d features`");
            if (ckpt.Kind == CheckpointKind.Pretrained && use == CheckpointUse.Resume)
                throw new CheckpointException(path, "holds Sports-1M pretrained weights, not a training checkpoint: start from it with --pretrained");
            return ckpt;
        }
        catch
        {
            ckpt.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Everything that makes a readable file unusable, in the order <see cref="Load"/> checks it (`c3d info` lists them all).
    /// </summary>
    public static IReadOnlyList<string> Problems(C3dCheckpoint ckpt)
    {
        var problems = new List<string>();
        if (FirstNonFinite(ckpt) is { } bad) problems.Add(bad);
        try
        {
            ckpt.ModelConfig.Validated();
            if (WeightsThatDoNotFit(ckpt) is { } misfit) problems.Add(misfit);
        }
        catch (ArgumentException e) { problems.Add($"its model config cannot be run: {e.Message}"); }
        if (ckpt.ClassNames is { } names && ckpt.Kind == CheckpointKind.Checkpoint && names.Count != ckpt.ModelConfig.NumClasses)
            problems.Add($"stores {names.Count} class names but its classifier ({ckpt.ModelConfig.ClassifierLayer}) has {ckpt.ModelConfig.NumClasses} outputs: the file is inconsistent");
        return problems;
    }

    /// <summary>
    /// The class names to report with: those of <paramref name="labelsPath"/> when given, else the checkpoint's; the count
    /// must be the classifier's.
    /// </summary>
    public static IReadOnlyList<string> ClassNames(C3dCheckpoint ckpt, string checkpointPath, string? labelsPath)
    {
        int classes = ckpt.ModelConfig.NumClasses;
        IReadOnlyList<string> names = labelsPath is not null ? LabelFile.Read(labelsPath)
            : ckpt.ClassNames ?? throw new CheckpointException(checkpointPath,
                $"stores no class names (reference checkpoints have none); pass --labels FILE with one '1 ClassName' line per class ({classes} classes)");
        if (names.Count != classes)
            throw new CheckpointException(labelsPath ?? checkpointPath,
                $"lists {names.Count} class names but the network has {classes} outputs" + (labelsPath is null ? "" : $" ({checkpointPath})"));
        return names;
    }

    /// <summary>
    /// The class names of a checkpoint used on a dataset (train --resume, eval): the checkpoint's, which must be the
    /// data's in the same order; a checkpoint without names (the reference's) takes the data's when the count fits.
    /// </summary>
    public static IReadOnlyList<string> ClassNamesForData(C3dCheckpoint ckpt, string checkpointPath, IReadOnlyList<string> dataClasses, string dataRoot)
    {
        if (ckpt.ClassNames is { } names)
        {
            if (names.SequenceEqual(dataClasses, StringComparer.Ordinal)) return names;
            var onlyData = dataClasses.Except(names).Take(5).ToList();
            var onlyCheckpoint = names.Except(dataClasses).Take(5).ToList();
            string detail = names.Count != dataClasses.Count ? $"{names.Count} classes in the checkpoint, {dataClasses.Count} in the data" : "same count, different names or order";
            throw new CheckpointException(checkpointPath,
                $"was trained on other classes than {dataRoot} has ({detail}" +
                (onlyData.Count > 0 ? $"; only in the data: {string.Join(", ", onlyData)}" : "") +
                (onlyCheckpoint.Count > 0 ? $"; only in the checkpoint: {string.Join(", ", onlyCheckpoint)}" : "") + ")");
        }
        if (ckpt.ModelConfig.NumClasses != dataClasses.Count)
            throw new CheckpointException(checkpointPath, $"has {ckpt.ModelConfig.NumClasses} output classes ({ckpt.ModelConfig.ClassifierLayer}) but {dataRoot} has {dataClasses.Count} classes");
        return dataClasses;
    }

    /// <summary>"conv3a.weight holds 12 NaN/Inf values (of 55296) …" for the first weight with any, or null.</summary>
    private static string? FirstNonFinite(C3dCheckpoint ckpt)
    {
        foreach (var (key, tensor) in ckpt.StateDict.OrderBy(kv => LayerPosition(kv.Key)).ThenBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (!tensor.is_floating_point()) continue;
            long bad;
            using (NewDisposeScope()) bad = tensor.isfinite().logical_not().sum().item<long>();
            if (bad > 0)
                return $"{key} holds {bad} NaN/Inf value{(bad == 1 ? "" : "s")} (of {tensor.numel()}): the weights are damaged " +
                       "(training diverged, or the file was corrupted); use an earlier checkpoint";
        }
        return null;
    }

    /// <summary>Weights whose shapes are not those of the network the model config describes (the first few), or null.</summary>
    private static string? WeightsThatDoNotFit(C3dCheckpoint ckpt)
    {
        var c = ckpt.ModelConfig;
        var misfits = new List<string>();
        foreach (var (key, shape) in ClipNetworks.StateShapes(c))
        {
            if (ckpt.Kind == CheckpointKind.Pretrained && key.StartsWith("fc8.")) continue; // trained anew
            if (!ckpt.StateDict.TryGetValue(key, out var t))
            {
                if (!C3dCheckpoint.MayBeMissing(key)) misfits.Add($"{key} is missing");
            }
            else if (!t.shape.SequenceEqual(shape)) misfits.Add($"{key} is {C3dCheckpoint.Shape(t)}, the config needs ({string.Join(", ", shape)})");
        }
        if (misfits.Count == 0) return null;
        return $"its weights do not fit its model config ({c.Describe()}): " +
               string.Join("; ", misfits.Take(4)) + (misfits.Count > 4 ? $"; and {misfits.Count - 4} more" : "");
    }

    /// <summary>Forward order of the layer a key belongs to, so "the first bad tensor" is the first in the network.</summary>
    private static int LayerPosition(string key)
    {
        int i = Array.IndexOf(C3D.LayerNames, key.Split('.')[0]);
        return i < 0 ? int.MaxValue : i;
    }
}
