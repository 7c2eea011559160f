using C3dNet.Evaluation;
using static TorchSharp.torch;

namespace C3dNet.LinearProbe;

/// <summary>What <c>c3d linear</c> trains on and how.</summary>
internal sealed record LinearOptions
{
    public static readonly IReadOnlyList<double> DefaultGrid = [0.01, 0.1, 1, 10, 100];

    /// <summary>Folders written by <c>c3d features</c>.</summary>
    public required IReadOnlyList<string> Features { get; init; }
    /// <summary>A <c>c3d preprocess</c> output (manifest.json, labels.txt); or the official lists below.</summary>
    public string? Data { get; init; }
    public string? SplitDir { get; init; }
    public int? SplitIndex { get; init; }
    public string? Labels { get; init; }
    /// <summary>The C3D paper's protocol is a linear SVM.</summary>
    public LinearModelKind Model { get; init; } = LinearModelKind.Svm;
    /// <summary>A fixed C (no cross-validation), or null to choose one from <see cref="Grid"/>.</summary>
    public double? C { get; init; }
    public IReadOnlyList<double> Grid { get; init; } = DefaultGrid;
    public int Folds { get; init; } = 5;
    public long Seed { get; init; } = 42;

    public void Validate()
    {
        if (Features.Count == 0) throw new ArgumentException("give at least one --features folder");
        if ((Data is null) == (SplitDir is null)) throw new ArgumentException("give one of --data PREPROCESS_OUT and --split-dir DIR --split-index N");
        if (SplitDir is not null && SplitIndex is null) throw new ArgumentException("--split-dir needs --split-index 1, 2 or 3");
        if (SplitDir is null && (SplitIndex is not null || Labels is not null)) throw new ArgumentException("--split-index and --labels go with --split-dir");
        if (C is { } c && (c <= 0 || !double.IsFinite(c))) throw new ArgumentException($"--c must be a positive number, got {c}");
        if (C is null)
        {
            if (Grid.Count == 0) throw new ArgumentException("--c-grid is empty");
            var bad = Grid.Where(g => g <= 0 || !double.IsFinite(g)).ToList();
            if (bad.Count > 0) throw new ArgumentException($"--c-grid values must be positive numbers, got {string.Join(", ", bad)}");
            if (Folds < 2) throw new ArgumentException($"--folds must be at least 2, got {Folds}");
        }
    }
}

/// <summary>A finished <c>c3d linear</c> run: the classifier fitted on all training videos, what to save with it, and its test report.</summary>
internal sealed record LinearRun(LinearClassifier Classifier, LinearModelInfo Info, EvaluationReport Test, LinearDatasetSummary Data);

/// <summary>Counts of the join of features and split, and the split's videos that had no features (left out).</summary>
internal sealed record LinearDatasetSummary(int TrainVideos, int TestVideos, IReadOnlyList<MemberVideo> Missing, int Unlisted,
    IReadOnlyList<string> FewerThanFolds);

/// <summary>
/// The C3D paper's protocol on features from <c>c3d features</c>: per-video vectors (mean over clips, L2-normalised),
/// a linear classifier whose C is chosen by stratified k-fold cross-validation on the training videos (or given),
/// refitted on all of them, and the test split scored like <c>c3d eval</c> scores a checkpoint.
/// </summary>
internal static class LinearTrainer
{
    public static LinearRun Run(LinearOptions o, IProgress<string>? stage = null, CancellationToken cancel = default)
    {
        o.Validate();
        stage?.Report("reading features");
        var features = FeatureCollection.Load(o.Features);
        var membership = o.Data is not null
            ? SplitMembership.FromPreprocessOutput(o.Data)
            : SplitMembership.FromOfficialLists(o.SplitDir!, o.SplitIndex!.Value, o.Labels);
        using var data = LinearDataset.Join(features, membership);
        var train = data.Train;

        CrossValidationResult? cv = null;
        LinearClassifier? start = null;
        var fewer = new List<string>();
        double c = o.C ?? 0;
        if (o.C is null)
        {
            if (train.Count < o.Folds) throw new ArgumentException($"--folds {o.Folds} needs at least {o.Folds} training videos, there are {train.Count}");
            // As scikit-learn warns: a class with fewer videos than folds is absent from some folds' held-out part.
            fewer.AddRange(train.Labels.GroupBy(l => l).Where(g => g.Count() < o.Folds).OrderBy(g => g.Key)
                .Select(g => $"{data.ClassNames[g.Key]} ({g.Count()})"));
            var folds = CrossValidation.StratifiedFolds(train.Labels, o.Folds, o.Seed);
            var progress = stage is null ? null : new Runtime.SyncProgress<CrossValidationProgress>(p =>
                stage.Report($"cross-validation on {train.Count} videos: fold {p.Fold + 1}/{o.Folds}, C={p.C:G4} ({p.Done}/{p.Total} fits)"));
            (cv, start) = CrossValidation.ChooseC(o.Model, train.Features, train.Labels, folds, o.Grid, o.Seed, progress, cancel);
            c = cv.BestC;
        }
        stage?.Report($"fitting {o.Model.Name()} with C={c:G4} on {train.Count} videos");
        var classifier = LinearClassifier.Fit(o.Model, train.Features, train.Labels, c, start, cancel: cancel);

        stage?.Report($"scoring {data.Test.Count} test videos");
        var report = Evaluate(classifier, data.ClassNames, data.Test);
        var info = new LinearModelInfo
        {
            Model = o.Model.Name(), C = c, Layer = features.Layer, Width = features.Width, Normalisation = LinearDataset.Normalisation,
            ClassNames = data.ClassNames, TrainVideos = train.Count, CrossValidation = cv,
        };
        return new LinearRun(classifier, info, report with { Data = string.Join(", ", features.Folders.Select(Path.GetFullPath)), Split = "test" },
            new LinearDatasetSummary(train.Count, data.Test.Count, data.Missing, data.Unlisted, fewer));
    }

    /// <summary>
    /// The eval report of a classifier on labelled features: each video is one sample, scored by its softmax
    /// probabilities (logistic) or its one-vs-rest decision values (svm); top-k ranks those scores.
    /// </summary>
    public static EvaluationReport Evaluate(LinearClassifier classifier, IReadOnlyList<string> classNames, LabelledFeatures videos)
    {
        if (classifier.Classes.Count != classNames.Count) throw new ArgumentException($"the classifier has {classifier.Classes.Count} classes, the data {classNames.Count}");
        using var scope = NewDisposeScope();
        var scores = classifier.Scores(videos.Features);
        if (classifier.Kind == LinearModelKind.Logistic) scores = scores.softmax(1);
        var flat = scores.to_type(ScalarType.Float32).contiguous().data<float>().ToArray();
        int k = classNames.Count;
        var rows = Enumerable.Range(0, videos.Count).Select(i => flat.AsSpan(i * k, k).ToArray()).ToList();
        var clipScores = new ClipScores(rows, Enumerable.Range(0, videos.Count).ToList(), videos.Labels);
        return EvaluationReport.Compute(classNames, videos.Videos, videos.Labels, clipScores) with { ClipsPerVideo = 1 };
    }
}
