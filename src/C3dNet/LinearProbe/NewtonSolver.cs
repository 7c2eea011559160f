using static TorchSharp.torch;

namespace C3dNet.LinearProbe;

/// <summary>How a minimisation ended.</summary>
internal sealed record SolverStats(int Iterations, int CgIterations, bool Converged, double Value, double RelativeGradient);

/// <summary>
/// Truncated Newton (Newton-CG) with a backtracking Armijo line search, full batch, in the tensors' dtype (float64 here).
/// The objectives are strictly convex in the parameters that matter, so any good optimiser reaches the optimum that
/// scikit-learn's solvers reach; Newton does so in few passes over the data (each CG step costs two matrix products
/// with the features, like one gradient), which L-BFGS needed many more of at large C.
/// Stops when ||gradient|| &lt;= tolerance x <see cref="IConvexObjective.GradientScale"/>.
/// </summary>
internal static class NewtonSolver
{
    public const double DefaultTolerance = 1e-10;
    private const int MaxIterations = 100, MaxCgIterations = 1000;

    /// <summary>Minimises from <paramref name="start"/> (not modified); returns the minimiser (the caller disposes it).</summary>
    public static (Tensor Minimiser, SolverStats Stats) Minimise(IConvexObjective objective, Tensor start, double tolerance = DefaultTolerance,
        CancellationToken cancel = default)
    {
        var w = start.clone().DetachFromDisposeScope();
        int iterations = 0, cgTotal = 0;
        double firstNorm = 0, value = double.NaN, relative = double.NaN;
        bool converged = false;
        for (; iterations <= MaxIterations; iterations++)
        {
            cancel.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            value = objective.ValueAndGradient(w, out var g);
            double norm = g.norm().item<double>();
            relative = norm / objective.GradientScale;
            if (iterations == 0) firstNorm = Math.Max(norm, double.Epsilon);
            if (relative <= tolerance) { converged = true; break; }
            if (iterations == MaxIterations) break;
            // Solve H d = -g loosely far from the optimum, tightly near it (superlinear convergence).
            double forcing = Math.Min(0.5, Math.Sqrt(norm / firstNorm));
            var (d, cg) = ConjugateGradient(objective, g, forcing * norm);
            cgTotal += cg;
            double slope = (g * d).sum().item<double>();
            double step = 1;
            Tensor next = w + d;
            while (objective.Value(next) > value + 1e-4 * step * slope)
            {
                step /= 2;
                if (step < 1e-12) return (w, new SolverStats(iterations, cgTotal, false, value, relative)); // no descent left: at rounding level
                next = w + step * d;
            }
            w.Dispose();
            w = next.DetachFromDisposeScope();
        }
        return (w, new SolverStats(iterations, cgTotal, converged, value, relative));
    }

    /// <summary>Conjugate gradients on H d = -g from d = 0, until ||residual|| &lt;= <paramref name="target"/>.</summary>
    private static (Tensor Direction, int Iterations) ConjugateGradient(IConvexObjective objective, Tensor g, double target)
    {
        var d = zeros_like(g);
        var r = -g;
        var p = r.clone();
        double rr = (r * r).sum().item<double>();
        int i = 0;
        for (; i < MaxCgIterations && Math.Sqrt(rr) > target; i++)
        {
            using var step = NewDisposeScope();
            var hp = objective.HessianTimes(p);
            double curvature = (p * hp).sum().item<double>();
            if (curvature <= 0) break; // only in the null space of an unpenalised intercept; stop with what we have
            double alpha = rr / curvature;
            d.add_(p, alpha);
            r.add_(hp, -alpha);
            double next = (r * r).sum().item<double>();
            p.mul_(next / rr).add_(r);
            rr = next;
        }
        return (d, i);
    }
}
