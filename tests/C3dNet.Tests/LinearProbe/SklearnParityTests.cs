using System.Text.Json.Nodes;
using C3dNet.Inference;
using C3dNet.LinearProbe;
using C3dNet.Tests.Support;
using static TorchSharp.torch;

namespace C3dNet.Tests.LinearProbe;

/// <summary>
/// c3d linear's classifiers against scikit-learn 1.2 on the same features (Fixtures/linear/, made by
/// Fixtures/make_linear_fixtures.py): 6 classes, 60 training and 30 test videos, 96-dim L2-normalised vectors.
/// </summary>
public class SklearnParityTests
{
    private static readonly JsonNode Expected = JsonNode.Parse(File.ReadAllText(Fixtures.Path_("linear/expected.json")))!;

    private static Tensor Load(string name, ScalarType dtype = ScalarType.Float64)
    {
        var (data, shape) = NpyFile.ReadFloat32(Fixtures.Path_($"linear/{name}"));
        return tensor(data, [shape[0], shape[1]]).to_type(dtype);
    }

    private static int[] Ints(string key) => Expected[key]!.AsArray().Select(v => v!.GetValue<int>()).ToArray();

    public static TheoryData<string, int> Fits() => new() { { "logistic", 0 }, { "logistic", 1 }, { "logistic", 2 }, { "logistic", 3 }, { "svm", 0 }, { "svm", 1 }, { "svm", 2 }, { "svm", 3 } };

    /// <summary>As c3d linear fits: float32 features (LinearDataset), the solver's default tolerance.</summary>
    [Theory]
    [MemberData(nameof(Fits))]
    public void Same_C_as_c3d_linear_fits_gives_sklearns_predictions_and_accuracy(string model, int fit)
    {
        var expected = Expected["models"]![model]!["fits"]![fit]!;
        double c = expected["c"]!.GetValue<double>();
        using var xTrain = Load("x_train.npy", ScalarType.Float32);
        using var xTest = Load("x_test.npy", ScalarType.Float32);
        int[] yTrain = Ints("y_train"), yTest = Ints("y_test");

        var classifier = LinearClassifier.Fit(LinearModelKinds.Parse(model), xTrain, yTrain, c);
        Assert.True(classifier.Stats.Converged, $"{classifier.Stats}");
        var predicted = classifier.Predict(xTest);
        foreach (var key in new[] { "test_predictions", "default_predictions" }) // sklearn at its optimum, and with its default tolerances
        {
            var sklearn = expected[key]!.AsArray().Select(v => v!.GetValue<int>()).ToArray();
            int agree = predicted.Zip(sklearn).Count(p => p.First == p.Second);
            Assert.True(agree >= 0.99 * yTest.Length, $"C={c}: {agree} of {yTest.Length} test predictions agree with sklearn's {key}");
        }
        int correct = predicted.Zip(yTest).Count(p => p.First == p.Second);
        double sklearnCorrect = Math.Round(expected["test_accuracy"]!.GetValue<double>() * yTest.Length);
        Assert.InRange(correct, sklearnCorrect - 1, sklearnCorrect + 1);
    }

    [Theory]
    [MemberData(nameof(Fits))]
    public void Same_C_to_a_tight_tolerance_in_float64_gives_sklearns_coefficients_predictions_and_accuracy(string model, int fit)
    {
        var expected = Expected["models"]![model]!["fits"]![fit]!;
        double c = expected["c"]!.GetValue<double>();
        using var xTrain = Load("x_train.npy");
        using var xTest = Load("x_test.npy");
        int[] yTrain = Ints("y_train"), yTest = Ints("y_test");

        var classifier = LinearClassifier.Fit(LinearModelKinds.Parse(model), xTrain, yTrain, c, tolerance: NewtonSolver.TightTolerance);
        Assert.True(classifier.Stats.Converged, $"{classifier.Stats}");

        var predicted = classifier.Predict(xTest);
        var sklearn = expected["test_predictions"]!.AsArray().Select(v => v!.GetValue<int>()).ToArray();
        int agree = predicted.Zip(sklearn).Count(p => p.First == p.Second);
        Assert.True(agree >= 0.99 * yTest.Length, $"C={c}: {agree} of {yTest.Length} test predictions agree with sklearn");
        int correct = predicted.Zip(yTest).Count(p => p.First == p.Second);
        Assert.InRange(correct, Math.Round(expected["test_accuracy"]!.GetValue<double>() * yTest.Length) - 1, Math.Round(expected["test_accuracy"]!.GetValue<double>() * yTest.Length) + 1);

        // Both objectives are strictly convex: the optimum is one point, both solvers reach it to ~1e-7 of the largest coefficient.
        var coef = expected["coef"]!.AsArray().SelectMany(r => r!.AsArray().Select(v => v!.GetValue<double>())).ToArray();
        var intercept = expected["intercept"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        double scale = coef.Max(Math.Abs);
        double worst = coef.Zip(classifier.Weight).Max(p => Math.Abs(p.First - p.Second)) / scale;
        double worstBias = intercept.Zip(classifier.Bias).Max(p => Math.Abs(p.First - p.Second)) / scale;
        Assert.True(worst < 1e-6 && worstBias < 1e-6, $"C={c}: largest coefficient difference {worst:G3}, intercept {worstBias:G3} (relative to {scale:G3})");
    }

    [Theory]
    [InlineData("logistic")]
    [InlineData("svm")]
    public void Cross_validation_on_sklearns_folds_scores_every_C_as_its_grid_search_and_chooses_the_same(string model)
    {
        var expected = Expected["models"]![model]!;
        var grid = Expected["grid"]!.AsArray().Select(v => v!.GetValue<double>()).ToList();
        using var xTrain = Load("x_train.npy", ScalarType.Float32); // as c3d linear gives them
        var (cv, _) = CrossValidation.ChooseC(LinearModelKinds.Parse(model), xTrain, Ints("y_train"), Ints("folds"), grid);
        var sklearnMeans = expected["cv_mean_accuracy"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        Assert.Equal(sklearnMeans.Length, cv.MeanAccuracy.Count);
        for (int i = 0; i < grid.Count; i++) Assert.Equal(sklearnMeans[i], cv.MeanAccuracy[i], 9);
        Assert.Equal(expected["cv_best_c"]!.GetValue<double>(), cv.BestC);
        Assert.Equal(5, cv.Folds);
    }

    [Theory]
    [InlineData("logistic")]
    [InlineData("svm")]
    public void The_final_fit_starts_from_the_folds_mean_at_the_chosen_C_and_ends_at_the_optimum_a_fit_from_zero_reaches(string model)
    {
        var kind = LinearModelKinds.Parse(model);
        var grid = Expected["grid"]!.AsArray().Select(v => v!.GetValue<double>()).ToList();
        using var xTrain = Load("x_train.npy");
        int[] yTrain = Ints("y_train"), folds = Ints("folds");
        var (cv, start) = CrossValidation.ChooseC(kind, xTrain, yTrain, folds, grid);
        Assert.NotNull(start);
        Assert.Equal(cv.BestC, start.C);
        // The mean of the folds' own fits at that C, each refitted here as ChooseC fits it.
        var foldFits = Enumerable.Range(0, cv.Folds).Select(f =>
        {
            var rows = Enumerable.Range(0, yTrain.Length).Where(i => folds[i] != f).ToArray();
            using var xFold = xTrain.index_select(0, tensor(rows.Select(i => (long)i).ToArray()));
            var path = grid.Order().TakeWhile(c => c <= cv.BestC).Aggregate((LinearClassifier?)null,
                (previous, c) => LinearClassifier.Fit(kind, xFold, rows.Select(i => yTrain[i]).ToArray(), c, previous, CrossValidation.Tolerance));
            return path!;
        }).ToList();
        for (int j = 0; j < start.Weight.Length; j++) Assert.Equal(foldFits.Average(f => f.Weight[j]), start.Weight[j], 9);

        var fromStart = LinearClassifier.Fit(kind, xTrain, yTrain, cv.BestC, start, NewtonSolver.TightTolerance);
        var fromZero = LinearClassifier.Fit(kind, xTrain, yTrain, cv.BestC, null, NewtonSolver.TightTolerance);
        double scale = fromZero.Weight.Max(Math.Abs);
        Assert.True(fromStart.Weight.Zip(fromZero.Weight).Max(p => Math.Abs(p.First - p.Second)) < 1e-6 * scale);
        Assert.True(fromStart.Stats.Iterations < fromZero.Stats.Iterations, $"from the start {fromStart.Stats}, from zero {fromZero.Stats}");
    }
}
