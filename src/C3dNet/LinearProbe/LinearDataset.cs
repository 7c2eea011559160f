using C3dNet.Datasets;
using static TorchSharp.torch;

namespace C3dNet.LinearProbe;

/// <summary>Feature vectors of some videos with their class labels; <see cref="Features"/> is [videos, width] float32 (normalised in float64), L2-normalised per row.</summary>
internal sealed class LabelledFeatures(IReadOnlyList<string> videos, Tensor features, IReadOnlyList<int> labels) : IDisposable
{
    public IReadOnlyList<string> Videos { get; } = videos;
    public Tensor Features { get; } = features;
    public IReadOnlyList<int> Labels { get; } = labels;
    public int Count => Videos.Count;
    public void Dispose() => Features.Dispose();
}

/// <summary>
/// The features joined with the split membership: training videos (train and val: the official lists' train part, which
/// c3d preprocess divides into train and val), test videos, the split's videos without features (<see cref="Missing"/>:
/// left out, the caller reports them) and the number of feature vectors no split names (ignored).
/// A class without a training video is refused: its classifier could not be fitted.
/// </summary>
internal sealed class LinearDataset : IDisposable
{
    /// <summary>What is done to each video's vector before fitting: it is the mean over clips, scaled to unit L2 norm (as c3d
    /// features writes it; scaled again here so that vectors from elsewhere are too). No standardisation.</summary>
    public const string Normalisation = "l2";

    public required IReadOnlyList<string> ClassNames { get; init; }
    public required LabelledFeatures Train { get; init; }
    public required LabelledFeatures Test { get; init; }
    public required IReadOnlyList<MemberVideo> Missing { get; init; }
    public required int Unlisted { get; init; }

    public static LinearDataset Join(FeatureCollection features, SplitMembership membership)
    {
        var byKey = features.Videos.ToDictionary(v => v.Key, VideoKey.Comparer);
        var train = new List<(MemberVideo, VideoFeature)>();
        var test = new List<(MemberVideo, VideoFeature)>();
        var missing = new List<MemberVideo>();
        var used = new HashSet<string>(VideoKey.Comparer);
        foreach (var video in membership.Videos)
        {
            if (!byKey.TryGetValue(video.Key, out var feature)) { missing.Add(video); continue; }
            used.Add(video.Key);
            (video.Split == SplitNames.Test ? test : train).Add((video, feature));
        }
        var untrained = Enumerable.Range(0, membership.ClassNames.Count).Except(train.Select(t => t.Item1.Label)).ToList();
        if (untrained.Count > 0)
            throw new InvalidDataException(
                $"{membership.ClassSource}: class{(untrained.Count > 1 ? "es" : "")} {string.Join(", ", untrained.Select(c => $"'{membership.ClassNames[c]}'"))} " +
                $"ha{(untrained.Count > 1 ? "ve" : "s")} no training video with features in {string.Join(", ", features.Folders)} (membership: {membership.Source})");
        if (test.Count == 0)
            throw new InvalidDataException($"{membership.Source}: no test video has features in {string.Join(", ", features.Folders)}: nothing to evaluate");
        return new LinearDataset
        {
            ClassNames = membership.ClassNames, Train = Stack(train, features.Width), Test = Stack(test, features.Width),
            Missing = missing, Unlisted = features.Videos.Count(v => !used.Contains(v.Key)),
        };
    }

    private static LabelledFeatures Stack(IReadOnlyList<(MemberVideo Video, VideoFeature Feature)> rows, int width)
    {
        var flat = new float[rows.Count * width];
        for (int i = 0; i < rows.Count; i++) rows[i].Feature.Values.CopyTo(flat, i * width);
        using var scope = NewDisposeScope();
        var x = tensor(flat, [rows.Count, width]).to_type(ScalarType.Float64);
        return new LabelledFeatures(rows.Select(r => r.Video.Name).ToList(), L2Normalise(x).to_type(ScalarType.Float32).MoveToOuterDisposeScope(),
            rows.Select(r => r.Video.Label).ToList());
    }

    /// <summary>Rows scaled to unit L2 norm; all-zero rows stay zero.</summary>
    public static Tensor L2Normalise(Tensor x)
    {
        using var scope = NewDisposeScope();
        var norm = x.norm(1, keepdim: true);
        return (x / where(norm.gt(0), norm, ones_like(norm))).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        Train.Dispose();
        Test.Dispose();
    }
}
