using static TorchSharp.torch;

namespace C3dNet.LinearProbe;

/// <summary>Mean held-out accuracy of every C of a grid over the same folds, and the C chosen.</summary>
internal sealed record CrossValidationResult(int Folds, long? Seed, IReadOnlyList<double> Grid, IReadOnlyList<double> MeanAccuracy, double BestC);

/// <summary>Progress of a cross-validation: fits done of all, the one running, and the solver steps of the fits done.</summary>
internal sealed record CrossValidationProgress(int Done, int Total, int Fold, double C, int NewtonSteps = 0, int CgSteps = 0);

/// <summary>
/// Chooses the regularisation strength C by k-fold cross-validation on the training videos, as scikit-learn's
/// <c>GridSearchCV(estimator, {'C': grid}, cv=folds, scoring='accuracy')</c>: per C the mean over folds of the
/// held-out accuracy; the best mean wins, a tie goes to the C listed first.
/// </summary>
internal static class CrossValidation
{
    /// <summary>
    /// The solver tolerance of the cross-validation fits (the final fit keeps <see cref="NewtonSolver.DefaultTolerance"/>):
    /// scikit-learn's own default tolerance is 1e-4. On fold 0 of UCF101-size features (README, Linear classifier on
    /// features) it costs two thirds of 1e-5's CPU and moves held-out accuracies by at most 3 of 1,908 videos, the
    /// degree to which solvers that all meet 1e-5 already differ at C = 100; 1e-3 moved them by 20.
    /// </summary>
    public const double Tolerance = 1e-4;

    /// <summary>
    /// Stratified folds, seeded: each class's videos are shuffled and dealt to the folds in turn, continuing where
    /// the previous class stopped, so every fold gets each class's share (within one video) and the folds' sizes
    /// differ by at most one. Returns the fold of every video.
    /// </summary>
    public static int[] StratifiedFolds(IReadOnlyList<int> labels, int folds, long seed)
    {
        if (folds < 2) throw new ArgumentException($"--folds must be at least 2, got {folds}");
        if (labels.Count < folds) throw new ArgumentException($"--folds {folds} needs at least {folds} training videos, there are {labels.Count}");
        var rng = new Random(unchecked((int)seed));
        var assignment = new int[labels.Count];
        int next = 0;
        foreach (var group in Enumerable.Range(0, labels.Count).GroupBy(i => labels[i]).OrderBy(g => g.Key))
        {
            var members = group.ToArray();
            rng.Shuffle(members);
            foreach (int video in members) assignment[video] = next++ % folds;
        }
        return assignment;
    }

    /// <param name="kind">The linear model.</param>
    /// <param name="x">Features, [rows, width] float64.</param>
    /// <param name="labels">The class of every row.</param>
    /// <param name="foldOf">The fold (0 to k-1) of every row of <paramref name="x"/>.</param>
    /// <param name="grid">The values of C tried.</param>
    /// <param name="seed">For any random choice of the solver.</param>
    /// <param name="progress">Reported after each fold of each C.</param>
    /// <param name="cancel">Stops between fits.</param>
    /// <returns>The scores and the chosen C, and the mean of the folds' classifiers at that C (those with every class): a start
    /// near the optimum of the final fit on all videos (null when no fold has every class).</returns>
    public static (CrossValidationResult Result, LinearClassifier? Start) ChooseC(LinearModelKind kind, Tensor x, IReadOnlyList<int> labels, IReadOnlyList<int> foldOf,
        IReadOnlyList<double> grid, long? seed = null, IProgress<CrossValidationProgress>? progress = null, CancellationToken cancel = default)
    {
        if (grid.Count == 0) throw new ArgumentException("the C grid is empty");
        if (foldOf.Count != labels.Count) throw new ArgumentException($"{foldOf.Count} fold numbers for {labels.Count} videos");
        int folds = foldOf.Max() + 1;
        var correct = new double[grid.Count];
        var fits = grid.Select(_ => new List<LinearClassifier>()).ToArray();
        // Ascending C, each fit starting from the previous optimum: the path is smooth, so this saves Newton steps
        // without changing where each fit ends (the optimum is unique).
        var order = Enumerable.Range(0, grid.Count).OrderBy(i => grid[i]).ToArray();
        int done = 0, newton = 0, cg = 0;
        for (int fold = 0; fold < folds; fold++)
        {
            var train = Enumerable.Range(0, labels.Count).Where(i => foldOf[i] != fold).ToArray();
            var held = Enumerable.Range(0, labels.Count).Where(i => foldOf[i] == fold).ToArray();
            if (held.Length == 0) throw new ArgumentException($"fold {fold} holds no video");
            using var scope = NewDisposeScope();
            var xTrain = x.index_select(0, tensor(train.Select(i => (long)i).ToArray()));
            var xHeld = x.index_select(0, tensor(held.Select(i => (long)i).ToArray()));
            var yTrain = train.Select(i => labels[i]).ToArray();
            using var packed = PackedFeatures.TryCreate(xTrain, yTrain.Distinct().Count()); // once for the fold's fits at every C
            LinearClassifier? previous = null;
            foreach (int g in order)
            {
                progress?.Report(new CrossValidationProgress(done, folds * grid.Count, fold, grid[g], newton, cg));
                previous = LinearClassifier.Fit(kind, xTrain, yTrain, grid[g], previous, Tolerance, packed, cancel);
                fits[g].Add(previous);
                var predicted = previous.Predict(xHeld);
                correct[g] += (double)held.Where((v, i) => predicted[i] == labels[v]).Count() / held.Length;
                done++;
                newton += previous.Stats.Iterations;
                cg += previous.Stats.CgIterations;
            }
        }
        progress?.Report(new CrossValidationProgress(done, folds * grid.Count, folds - 1, grid[order[^1]], newton, cg));
        var mean = correct.Select(s => s / folds).ToArray();
        double best = mean.Max();
        int chosen = Array.FindIndex(mean, m => m >= best - 1e-12);
        var classes = labels.Distinct().Order().ToArray();
        var complete = fits[chosen].Where(f => f.Classes.SequenceEqual(classes)).ToList();
        return (new CrossValidationResult(folds, seed, grid, mean, grid[chosen]), complete.Count > 0 ? LinearClassifier.Mean(complete) : null);
    }
}
