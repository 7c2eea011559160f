using static TorchSharp.torch;

namespace C3dNet.LinearProbe;

/// <summary>How a minimisation ended.</summary>
internal sealed record SolverStats(int Iterations, int CgIterations, bool Converged, double Value, double RelativeGradient);

/// <summary>
/// Truncated Newton (Newton-CG) with a backtracking Armijo line search, full batch, parameters in float64.
/// The objectives are strictly convex in the parameters that matter, so any good optimiser reaches the optimum that
/// scikit-learn's solvers reach; Newton does so in few passes over the data (each CG step costs two matrix products
/// with the features, like one gradient), which L-BFGS needed many more of at large C.
/// When the objective's rows are independent problems (one-vs-rest), conjugate gradients run per row, each with its own
/// step lengths and stopping point, in the same matrix products: a row stops as soon as its own problem is solved.
/// Stops when ||gradient|| &lt;= tolerance x <see cref="IConvexObjective.GradientScale"/>.
/// </summary>
internal static class NewtonSolver
{
    /// <summary>
    /// What <c>c3d linear</c>'s final fit (and a fit at a given C) reaches: predictions and cross-validation accuracies are
    /// those of the exact optimum (measured on the scikit-learn fixture and on UCF101-size features, bench/LinearBench), at a
    /// fraction of the passes of 1e-10, and above the rounding level of float32 features. Cross-validation's fits stop at
    /// <see cref="CrossValidation.Tolerance"/>. Tests of the optimum itself use <see cref="TightTolerance"/> on float64.
    /// </summary>
    public const double DefaultTolerance = 1e-5;
    public const double TightTolerance = 1e-10;
    private const int MaxIterations = 100, MaxCgIterations = 1000;

    /// <summary>Minimises from <paramref name="start"/> (not modified); returns the minimiser (the caller disposes it).</summary>
    /// <param name="objective">What to minimise.</param>
    /// <param name="start">The first point.</param>
    /// <param name="tolerance">Stops when ||gradient|| &lt;= tolerance x the objective's gradient scale.</param>
    /// <param name="cancel">Stops between Newton steps.</param>
    public static (Tensor Minimiser, SolverStats Stats) Minimise(IConvexObjective objective, Tensor start, double tolerance = DefaultTolerance,
        CancellationToken cancel = default)
    {
        var w = start.clone().DetachFromDisposeScope();
        int iterations = 0, cgTotal = 0;
        double value, relative = double.NaN;
        Tensor? firstNorms = null;
        bool converged = false;
        // A row whose gradient is below its share of the tolerance needs no more steps.
        double rowTolerance = tolerance * objective.GradientScale / Math.Sqrt(objective.IndependentRows ? start.shape[0] : 1);
        value = objective.ValueAndGradient(w, out var gradient);
        var g = gradient.DetachFromDisposeScope();
        try
        {
            for (; iterations <= MaxIterations; iterations++)
            {
                cancel.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                double norm = g.norm().item<double>();
                relative = norm / objective.GradientScale;
                if (relative <= tolerance) { converged = true; break; }
                if (iterations == MaxIterations) break;
                // Solve H d = -g loosely far from the optimum, tightly near it (superlinear convergence), per row when rows are independent.
                var norms = RowNorms(objective, g);
                if (firstNorms is null) firstNorms = norms.clamp_min(double.Epsilon).DetachFromDisposeScope();
                var forcing = (norms / firstNorms).sqrt().clamp_max(objective.MaxForcing);
                var target = (forcing * norms).clamp_min(rowTolerance);
                var (d, cg) = ConjugateGradient(objective, g, target);
                cgTotal += cg;
                double slope = (g * d).sum().item<double>();
                double step = 1;
                objective.BeginLine(d);
                Tensor next = w + d;
                while (objective.ValueOnLine(next, step) > value + 1e-4 * step * slope)
                {
                    step /= 2;
                    if (step < 1e-12) return (w, new SolverStats(iterations, cgTotal, false, value, relative)); // no descent left: at rounding level
                    next = w + step * d;
                }
                value = objective.ValueAndGradientOnLine(next, step, out var nextGradient);
                g.Dispose();
                g = nextGradient.DetachFromDisposeScope();
                w.Dispose();
                w = next.DetachFromDisposeScope();
            }
        }
        finally
        {
            firstNorms?.Dispose();
            g.Dispose();
        }
        return (w, new SolverStats(iterations, cgTotal, converged, value, relative));
    }

    /// <summary>||g|| per row ([rows, 1]) when rows are independent, else of all ([1, 1]).</summary>
    private static Tensor RowNorms(IConvexObjective objective, Tensor g) =>
        objective.IndependentRows ? g.norm(1, keepdim: true) : g.norm().reshape(1, 1);

    private static Tensor Dot(IConvexObjective objective, Tensor a, Tensor b) =>
        objective.IndependentRows ? (a * b).sum(1, keepdim: true) : (a * b).sum().reshape(1, 1);

    /// <summary>
    /// Conjugate gradients on H d = -g from d = 0, per row (or for all) until ||residual|| &lt;= <paramref name="target"/>
    /// ([rows, 1] or [1, 1]); a row whose curvature is not positive stops (only in the null space of an unpenalised intercept).
    /// Not preconditioned: Jacobi on the features as given needed more steps than none, and on the features rotated to
    /// their principal axes it was slower in all, the rotation counted (README, Linear classifier on features).
    /// </summary>
    private static (Tensor Direction, int Iterations) ConjugateGradient(IConvexObjective objective, Tensor g, Tensor target)
    {
        var d = zeros_like(g);
        var r = -g;
        var p = r.clone();
        var rr = Dot(objective, r, r);
        var open = rr.gt(target * target);
        int i = 0;
        for (; i < MaxCgIterations && open.any().item<bool>(); i++)
        {
            using var step = NewDisposeScope();
            var hp = HessianTimesOpen(objective, p, open);
            var curvature = Dot(objective, p, hp);
            var moving = open.logical_and(curvature.gt(0));
            if (!moving.any().item<bool>()) break;
            var alpha = where(moving, rr / where(moving, curvature, ones_like(curvature)), zeros_like(rr));
            d.add_(p * alpha);
            r.sub_(hp * alpha);
            var next = Dot(objective, r, r);
            p.mul_(where(moving, next / rr.clamp_min(double.Epsilon), zeros_like(rr))).add_(r);
            rr = next.MoveToOuterDisposeScope();
            open = moving.logical_and(rr.gt(target * target)).MoveToOuterDisposeScope();
        }
        return (d, i);
    }

    /// <summary>
    /// H p, computed only for the <paramref name="open"/> rows when rows are independent problems (zero in the others, whose
    /// step is zero anyway): a row's product costs as much as any other's, and most rows finish long before the last one.
    /// </summary>
    private static Tensor HessianTimesOpen(IConvexObjective objective, Tensor p, Tensor open)
    {
        if (!objective.IndependentRows) return objective.HessianTimes(p);
        var rows = open.squeeze(1).nonzero().squeeze(1);
        if (rows.shape[0] == p.shape[0]) return objective.HessianTimes(p);
        return zeros_like(p).index_copy_(0, rows, objective.HessianTimesRows(p.index_select(0, rows), rows));
    }
}
