using C3dNet.LinearProbe;
using static TorchSharp.torch;

namespace C3dNet.Tests.LinearProbe;

/// <summary>The solver on the features' principal axes (rotated, Jacobi-preconditioned) against the plain one on the features as given.</summary>
public class PreconditionedSolverTests
{
    /// <summary>Non-negative, L2-normalised rows around class means with a shared part (as fc6 vectors), float64.</summary>
    private static (Tensor X, int[] Labels) Features(int videos, int classes, int width, ulong seed)
    {
        using var scope = NewDisposeScope();
        var g = new Generator(seed);
        var labels = Enumerable.Range(0, videos).Select(i => i % classes).ToArray();
        var means = randn([classes, width], ScalarType.Float64, generator: g).clamp_min(0);
        var x = means.index_select(0, tensor(labels.Select(l => (long)l).ToArray())) + randn([videos, 3], ScalarType.Float64, generator: g).mm(randn([3, width], ScalarType.Float64, generator: g))
                + 1.5 * randn([videos, width], ScalarType.Float64, generator: g);
        return (LinearDataset.L2Normalise(x.clamp_min(0)).MoveToOuterDisposeScope(), labels);
    }

    [Theory]
    [InlineData("svm", 1.0)]
    [InlineData("svm", 100.0)]
    [InlineData("logistic", 1.0)]
    [InlineData("logistic", 100.0)]
    public void Rotated_and_preconditioned_reaches_the_plain_solvers_optimum(string model, double c)
    {
        var (x, labels) = Features(150, 5, 40, 7);
        using (x)
        {
            var kind = LinearModelKinds.Parse(model);
            using var axes = RotatedFeatures.Of(x);
            var plain = LinearClassifier.Fit(kind, x, labels, c, tolerance: NewtonSolver.TightTolerance);
            var rotated = LinearClassifier.Fit(kind, axes, labels, c, tolerance: NewtonSolver.TightTolerance);
            Assert.True(plain.Stats.Converged && rotated.Stats.Converged, $"plain {plain.Stats}, rotated {rotated.Stats}");

            double scale = plain.Weight.Max(Math.Abs);
            Assert.True(scale > 0.1, $"largest coefficient {scale}: the data must give a non-trivial optimum");
            double worst = plain.Weight.Zip(rotated.Weight).Max(p => Math.Abs(p.First - p.Second)) / scale;
            double worstBias = plain.Bias.Zip(rotated.Bias).Max(p => Math.Abs(p.First - p.Second)) / scale;
            Assert.True(worst < 1e-6 && worstBias < 1e-6, $"C={c}: weights differ by {worst:G3}, intercepts by {worstBias:G3} (relative to {scale:G3})");
        }
    }
}
