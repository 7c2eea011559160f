using static TorchSharp.torch;

namespace C3dNet.LinearProbe;

/// <summary>
/// What the two classifiers' objectives share: parameters are one [classes, width + 1] float64 matrix (weights, then the
/// intercept in the last column) over features x [videos, width], so scores are x W^T + b and gradients flow back
/// through the transposed product. The two products with x, where all the time goes, run in x's dtype (float32 from
/// <c>c3d linear</c>: twice the speed of float64 and half the memory; float32 x packed once for MKL runs them through
/// <paramref name="packed"/>, see <see cref="PackedFeatures"/>); everything else (parameters, losses, sums) is float64.
/// The caller owns <paramref name="packed"/> (null: torch.mm).
/// </summary>
internal abstract class LinearObjective(Tensor x, double c, PackedFeatures? packed) : IConvexObjective
{
    protected Tensor X { get; } = x;
    protected double C { get; } = c;
    protected int Width => (int)X.shape[1];

    public double GradientScale => C * X.shape[0];
    public virtual bool IndependentRows => false;
    /// <summary>Loose steps far from the optimum: the softmax's curvature changes everywhere as the point moves, so an exact step there is wasted.</summary>
    public virtual double MaxForcing => 0.5;

    /// <summary>x W^T + b: [videos, classes], float64.</summary>
    protected Tensor Scores(Tensor w)
    {
        using var scope = NewDisposeScope();
        var wx = w.to_type(X.dtype);
        if (packed is not null) return packed.Scores(wx.narrow(1, 0, Width), wx.select(1, Width)).to_type(ScalarType.Float64).MoveToOuterDisposeScope();
        // Computed as (W x^T + b)^T: MKL runs that layout faster (UCF101 size, 101 classes: 39 ms against 51 ms on a 2-core Xeon, LinearBench gemm).
        return addmm(wx.narrow(1, Width, 1), wx.narrow(1, 0, Width), X.t(), 1, 1).t().contiguous().to_type(ScalarType.Float64).MoveToOuterDisposeScope();
    }

    /// <summary>The gradient of sum(t o scores) with respect to the parameters: [t^T x | column sums of t], float64.</summary>
    protected Tensor BackProject(Tensor t)
    {
        using var scope = NewDisposeScope();
        var tx = t.to_type(X.dtype);
        var product = packed is not null ? packed.BackProject(tx) : tx.t().mm(X);
        return cat([product.to_type(ScalarType.Float64), t.sum(0L).unsqueeze(1)], 1).MoveToOuterDisposeScope();
    }

    // Scores are linear in the parameters: along a line w + step d they are scores(w) + step scores(d), so a line search
    // needs one product with x (scores(d)) for all its trial steps and none for the accepted point's gradient's scores.
    private Tensor? pointScores, directionScores; // at the last ValueAndGradient point, and of the line's direction

    public double ValueAndGradient(Tensor w, out Tensor gradient) => Settle(w, Scores(w), out gradient);

    public void BeginLine(Tensor d)
    {
        directionScores?.Dispose();
        directionScores = Scores(d).DetachFromDisposeScope();
    }

    public double ValueOnLine(Tensor point, double step)
    {
        using var scope = NewDisposeScope();
        return ValueAt(point, LineScores(step));
    }

    public double ValueAndGradientOnLine(Tensor point, double step, out Tensor gradient) => Settle(point, LineScores(step), out gradient);

    private Tensor LineScores(double step) => (pointScores ?? throw new InvalidOperationException("a line search before ValueAndGradient"))
        + step * (directionScores ?? throw new InvalidOperationException("ValueOnLine before BeginLine"));

    /// <summary>The value and gradient at <paramref name="w"/> from its <paramref name="scores"/>, which are kept for the next line search.</summary>
    private double Settle(Tensor w, Tensor scores, out Tensor gradient)
    {
        double value;
        using (var scope = NewDisposeScope())
        {
            value = ValueAndGradientAt(w, scores, out var g);
            gradient = g.MoveToOuterDisposeScope();
        }
        pointScores?.Dispose();
        pointScores = scores.DetachFromDisposeScope();
        return value;
    }

    /// <summary>The objective at <paramref name="w"/> whose scores are <paramref name="scores"/>.</summary>
    protected abstract double ValueAt(Tensor w, Tensor scores);
    /// <summary>Also the gradient; remembers what <see cref="HessianTimes"/> needs of the point.</summary>
    protected abstract double ValueAndGradientAt(Tensor w, Tensor scores, out Tensor gradient);
    public abstract Tensor HessianTimes(Tensor v);
    public virtual Tensor HessianTimesRows(Tensor v, Tensor rows) =>
        throw new NotSupportedException($"{GetType().Name}'s rows are not independent problems");

    public virtual void Dispose()
    {
        pointScores?.Dispose();
        directionScores?.Dispose();
    }
}

/// <summary>
/// Multinomial logistic regression with an L2 penalty on the weights and an unpenalised intercept, as scikit-learn's
/// <c>LogisticRegression(C, penalty='l2', multi_class='multinomial', fit_intercept=True)</c>:
/// 0.5 ||W||^2 + C sum_i -log softmax(W x_i + b)[y_i].
/// </summary>
internal sealed class LogisticObjective(Tensor x, Tensor oneHot, double c, PackedFeatures? packed = null) : LinearObjective(x, c, packed)
{
    private Tensor? probabilities; // softmax at the last ValueAndGradient point, for the Hessian

    private double Penalty(Tensor w)
    {
        var weights = w.narrow(1, 0, Width);
        return 0.5 * (weights * weights).sum().item<double>();
    }

    protected override double ValueAt(Tensor w, Tensor scores) => Penalty(w) - C * (scores.log_softmax(1) * oneHot).sum().item<double>();

    protected override double ValueAndGradientAt(Tensor w, Tensor scores, out Tensor gradient)
    {
        var logP = scores.log_softmax(1);
        double value = Penalty(w) - C * (logP * oneHot).sum().item<double>();
        var p = logP.exp();
        gradient = BackProject(p - oneHot).mul_(C);
        gradient.narrow(1, 0, Width).add_(w.narrow(1, 0, Width));
        probabilities?.Dispose();
        probabilities = p.DetachFromDisposeScope();
        return value;
    }

    /// <summary>Per video the softmax Hessian (diag(p) - p p^T) applied to the scores' change, back-projected; plus the penalty's identity on the weights.</summary>
    public override Tensor HessianTimes(Tensor v)
    {
        using var scope = NewDisposeScope();
        var p = probabilities ?? throw new InvalidOperationException("HessianTimes before ValueAndGradient");
        var pz = p * Scores(v);
        var t = pz - p * pz.sum(1, keepdim: true);
        var h = BackProject(t).mul_(C);
        h.narrow(1, 0, Width).add_(v.narrow(1, 0, Width));
        return h.MoveToOuterDisposeScope();
    }

    public override void Dispose()
    {
        probabilities?.Dispose();
        base.Dispose();
    }
}

/// <summary>
/// One-vs-rest linear SVMs with the squared hinge loss, as scikit-learn's <c>LinearSVC(C, loss='squared_hinge',
/// penalty='l2', multi_class='ovr', fit_intercept=True, intercept_scaling=1)</c>, i.e. liblinear: the intercept is
/// the weight of an extra feature of value 1 and is penalised like the others. Summed over classes (the problems
/// are independent): sum_k 0.5 (||w_k||^2 + b_k^2) + C sum_i max(0, 1 - s_ik (w_k x_i + b_k))^2, s_ik = +1 for the
/// video's class, -1 otherwise. The Hessian is liblinear's generalised one (videos inside the margin).
/// </summary>
internal sealed class SquaredHingeObjective(Tensor x, Tensor signs, double c, PackedFeatures? packed = null) : LinearObjective(x, c, packed)
{
    /// <summary>One-vs-rest: each class's row is a problem of its own.</summary>
    public override bool IndependentRows => true;

    /// <summary>
    /// Tight steps throughout: the loss is piecewise quadratic, and a step solved closely lands near the optimum of the
    /// current margin set, so the set settles in few steps (finite Newton). Measured on cross-validation's fold 0 of
    /// UCF101-size features (README): at C = 100, 7 Newton and 147 CG steps with a cap of 1e-3 against 50 and 713 with 0.5.
    /// 1e-2 needs fewer CG steps again without more Newton steps (the whole fold 163 CG steps against 202, 17% less CPU);
    /// 3e-2 more Newton steps (C = 10: 6 against 4).
    /// </summary>
    public override double MaxForcing => 1e-2;

    private Tensor? active; // 1 where a video is inside class k's margin at the last ValueAndGradient point

    protected override double ValueAt(Tensor w, Tensor scores)
    {
        var violation = (1 - signs * scores).clamp_min(0);
        return 0.5 * (w * w).sum().item<double>() + C * (violation * violation).sum().item<double>();
    }

    protected override double ValueAndGradientAt(Tensor w, Tensor scores, out Tensor gradient)
    {
        var violation = (1 - signs * scores).clamp_min(0);
        double value = 0.5 * (w * w).sum().item<double>() + C * (violation * violation).sum().item<double>();
        gradient = BackProject(signs * violation).mul_(-2 * C).add_(w);
        active?.Dispose();
        active = violation.gt(0).to_type(violation.dtype).DetachFromDisposeScope();
        return value;
    }

    public override Tensor HessianTimes(Tensor v) => Curvature(v, Active);

    public override Tensor HessianTimesRows(Tensor v, Tensor rows)
    {
        using var scope = NewDisposeScope();
        return Curvature(v, Active.index_select(1, rows)).MoveToOuterDisposeScope();
    }

    private Tensor Active => active ?? throw new InvalidOperationException("HessianTimes or HessianTimesRows before ValueAndGradient");

    /// <summary>v + 2C x_a^T (x_a v) for the videos <paramref name="a"/> inside each row's margin (columns of a match rows of v).</summary>
    private Tensor Curvature(Tensor v, Tensor a)
    {
        using var scope = NewDisposeScope();
        return BackProject(a * Scores(v)).mul_(2 * C).add_(v).MoveToOuterDisposeScope();
    }

    public override void Dispose()
    {
        active?.Dispose();
        base.Dispose();
    }
}
