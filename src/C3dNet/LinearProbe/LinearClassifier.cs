using static TorchSharp.torch;

namespace C3dNet.LinearProbe;

/// <summary>The two linear models <c>c3d linear</c> trains.</summary>
internal enum LinearModelKind { Logistic, Svm }

internal static class LinearModelKinds
{
    public static readonly string[] Choices = ["logistic", "svm"];
    public static string Name(this LinearModelKind kind) => kind == LinearModelKind.Logistic ? "logistic" : "svm";
    public static LinearModelKind Parse(string name) => name switch
    {
        "logistic" => LinearModelKind.Logistic,
        "svm" => LinearModelKind.Svm,
        _ => throw new ArgumentException($"unknown model '{name}': use logistic or svm"),
    };
}

/// <summary>
/// A fitted linear classifier: scores = x W^T + b (logistic: softmax gives probabilities; svm: one-vs-rest decision
/// values), prediction = the class of the highest score. Rows are for <see cref="Classes"/> (the labels present in
/// the training data, ascending); a cross-validation fold may lack a class, which it then never predicts, as in
/// scikit-learn. Weights are float64, row-major [rows, width].
/// </summary>
internal sealed record LinearClassifier(LinearModelKind Kind, double C, int Width, IReadOnlyList<int> Classes, double[] Weight, double[] Bias,
    SolverStats Stats)
{
    /// <summary>
    /// Fits on features <paramref name="x"/> ([videos, width]; float32, as <c>c3d linear</c> gives them, or float64: the
    /// products with the features run in their dtype, the rest in float64) with class labels <paramref name="labels"/>.
    /// </summary>
    /// <param name="kind">The linear model.</param>
    /// <param name="x">Features, [videos, width], float32 or float64.</param>
    /// <param name="labels">The class of every row.</param>
    /// <param name="c">Inverse regularisation strength (scikit-learn's C).</param>
    /// <param name="warmStart">A classifier of the same kind and classes to start from (its optimum is close when its C is).</param>
    /// <param name="tolerance">The solver's stopping tolerance.</param>
    /// <param name="packed"><paramref name="x"/> already packed for MKL, by a caller fitting it at several C (null: packed here for this fit).</param>
    /// <param name="cancel">Stops between solver iterations.</param>
    public static LinearClassifier Fit(LinearModelKind kind, Tensor x, IReadOnlyList<int> labels, double c, LinearClassifier? warmStart = null,
        double tolerance = NewtonSolver.DefaultTolerance, PackedFeatures? packed = null, CancellationToken cancel = default)
    {
        if (c <= 0 || !double.IsFinite(c)) throw new ArgumentException($"C must be a positive number, got {c}");
        if (x.shape[0] != labels.Count) throw new ArgumentException($"{x.shape[0]} feature rows but {labels.Count} labels");
        int width = (int)x.shape[1];
        var classes = labels.Distinct().Order().ToArray();
        if (classes.Length == 1) // nothing to separate: a constant prediction
            return new LinearClassifier(kind, c, width, classes, new double[width], [0], new SolverStats(0, 0, true, 0, 0));
        var row = classes.Select((label, i) => (label, i)).ToDictionary(p => p.label, p => p.i);

        if (packed is not null && !packed.Serves(x, classes.Length)) throw new ArgumentException("the packed features are not these features");
        using var ownPacked = packed is null ? PackedFeatures.TryCreate(x, classes.Length) : null;
        using var scope = NewDisposeScope();
        var rows = tensor(labels.Select(l => (long)row[l]).ToArray());
        var oneHot = nn.functional.one_hot(rows, classes.Length).to_type(ScalarType.Float64);
        using IConvexObjective objective = kind == LinearModelKind.Logistic
            ? new LogisticObjective(x, oneHot, c, packed ?? ownPacked)
            : new SquaredHingeObjective(x, oneHot * 2 - 1, c, packed ?? ownPacked);
        var start = warmStart is not null && warmStart.Classes.SequenceEqual(classes) && warmStart.Kind == kind
            ? warmStart.Parameters(ScalarType.Float64)
            : zeros(classes.Length, width + 1, ScalarType.Float64);
        var (w, stats) = NewtonSolver.Minimise(objective, start, tolerance, cancel);
        using (w)
        {
            var weight = w.narrow(1, 0, width).contiguous().data<double>().ToArray();
            var bias = w.select(1, width).contiguous().data<double>().ToArray();
            // The intercept of the softmax is free up to a common shift; scikit-learn's sums to zero (it starts at zero and
            // the gradient keeps that sum): keep it there exactly.
            if (kind == LinearModelKind.Logistic)
            {
                double mean = bias.Average();
                for (int i = 0; i < bias.Length; i++) bias[i] -= mean;
            }
            return new LinearClassifier(kind, c, width, classes, weight, bias, stats);
        }
    }

    /// <summary>The element-wise mean of classifiers of the same kind, C and classes (a warm start; its stats are the first's).</summary>
    public static LinearClassifier Mean(IReadOnlyList<LinearClassifier> classifiers)
    {
        var first = classifiers[0];
        if (classifiers.Any(c => c.Kind != first.Kind || c.Width != first.Width || !c.Classes.SequenceEqual(first.Classes)))
            throw new ArgumentException("only classifiers of the same kind, width and classes can be averaged");
        double[] Average(Func<LinearClassifier, double[]> part) =>
            Enumerable.Range(0, part(first).Length).Select(i => classifiers.Average(c => part(c)[i])).ToArray();
        return first with { Weight = Average(c => c.Weight), Bias = Average(c => c.Bias) };
    }

    /// <summary>[rows, width + 1]: weights, then the intercept.</summary>
    private Tensor Parameters(ScalarType dtype) =>
        cat([tensor(Weight, [Classes.Count, Width]), tensor(Bias, [Classes.Count, 1])], 1).to_type(dtype);

    /// <summary>Scores [videos, rows] of features [videos, width].</summary>
    public Tensor Scores(Tensor x)
    {
        if (x.shape[1] != Width) throw new ArgumentException($"features are {x.shape[1]} wide, the classifier {Width}");
        using var scope = NewDisposeScope();
        var w = tensor(Weight, [Classes.Count, Width]).to_type(x.dtype);
        var b = tensor(Bias).to_type(x.dtype);
        return addmm(b, x, w.t(), 1, 1).MoveToOuterDisposeScope();
    }

    /// <summary>The predicted class label of each row of <paramref name="x"/> (ties: the lower class).</summary>
    public int[] Predict(Tensor x)
    {
        using var scores = Scores(x);
        using var best = scores.argmax(1);
        return best.data<long>().ToArray().Select(r => Classes[(int)r]).ToArray();
    }
}
