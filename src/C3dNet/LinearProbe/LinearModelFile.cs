using System.Collections;
using C3dNet.Checkpoints;
using static TorchSharp.torch;

namespace C3dNet.LinearProbe;

/// <summary>What a saved classifier records besides its weights (snake_case keys in the file).</summary>
internal sealed record LinearModelInfo
{
    public string Format { get; init; } = LinearModelFile.Format;
    /// <summary>"logistic" or "svm".</summary>
    public required string Model { get; init; }
    public required double C { get; init; }
    /// <summary>The C3D layer of the features (fc6, fc7) and their width.</summary>
    public required string Layer { get; init; }
    public required int Width { get; init; }
    /// <summary>See <see cref="LinearDataset.Normalisation"/>: features are L2-normalised per video, nothing else.</summary>
    public required string Normalisation { get; init; }
    public required IReadOnlyList<string> ClassNames { get; init; }
    public required int TrainVideos { get; init; }
    /// <summary>How C was chosen: null when it was given.</summary>
    public CrossValidationResult? CrossValidation { get; init; }
    /// <summary>Scores = x @ weight.T + bias for x L2-normalised; the class is the highest score (logistic: softmax gives probabilities).</summary>
    public string Usage { get; init; } = "scores = normalize(x) @ weight.T + bias; class = argmax(scores)";
}

/// <summary>
/// A trained linear classifier as a PyTorch file (torch.load reads it): <c>weight</c> [classes, width] and <c>bias</c>
/// [classes] float64 tensors, and the <see cref="LinearModelInfo"/> keys (format "c3d-linear/1", model, c, layer,
/// width, normalisation, class_names, train_videos, cross_validation, usage). Written atomically.
/// </summary>
internal static class LinearModelFile
{
    public const string Format = "c3d-linear/1";
    private const string WeightKey = "weight", BiasKey = "bias";

    public static void Save(string path, LinearClassifier classifier, LinearModelInfo info)
    {
        if (classifier.Classes.Count != info.ClassNames.Count)
            throw new ArgumentException($"the classifier has {classifier.Classes.Count} classes, the names {info.ClassNames.Count}");
        var dict = (Dictionary<string, object?>)PickleJson.ToPickle(info)!;
        using var weight = tensor(classifier.Weight, [classifier.Classes.Count, classifier.Width]);
        using var bias = tensor(classifier.Bias);
        dict[WeightKey] = weight;
        dict[BiasKey] = bias;
        PyTorchFile.WriteDict(path, dict);
    }

    public static (LinearClassifier Classifier, LinearModelInfo Info) Load(string path)
    {
        Hashtable dict = PyTorchFile.ReadDict(path);
        if (dict[WeightKey] is not Tensor weight || dict[BiasKey] is not Tensor bias || dict["format"] as string != Format)
            throw new CheckpointException(path, $"is not a linear classifier written by c3d linear (format {Format})");
        using (weight)
        using (bias)
        {
            var rest = new Hashtable();
            foreach (DictionaryEntry e in dict)
                if ((string)e.Key is not (WeightKey or BiasKey)) rest[e.Key] = e.Value;
            var info = PickleJson.FromPickle<LinearModelInfo>(rest) ?? throw new CheckpointException(path, "has no classifier description");
            var classifier = new LinearClassifier(LinearModelKinds.Parse(info.Model), info.C, (int)weight.shape[1],
                Enumerable.Range(0, (int)weight.shape[0]).ToList(), weight.to_type(ScalarType.Float64).contiguous().data<double>().ToArray(),
                bias.to_type(ScalarType.Float64).data<double>().ToArray(), new SolverStats(0, 0, true, double.NaN, double.NaN));
            return (classifier, info);
        }
    }
}
