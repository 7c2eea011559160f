using static TorchSharp.torch;

namespace C3dNet.LinearProbe;

/// <summary>
/// What the two classifiers' objectives share: parameters are one [classes, width + 1] float64 matrix (weights, then the
/// intercept in the last column) over features x [videos, width], so scores are x W^T + b and gradients flow back
/// through the transposed product. The two products with x, where all the time goes, run in x's dtype (float32 from
/// <c>c3d linear</c>: twice the speed of float64 and half the memory); everything else (parameters, losses, sums) is float64.
/// </summary>
internal abstract class LinearObjective(Tensor x, double c) : IConvexObjective
{
    protected Tensor X { get; } = x;
    protected double C { get; } = c;
    protected int Width => (int)X.shape[1];

    public double GradientScale => C * X.shape[0];
    public virtual bool IndependentRows => false;

    /// <summary>x W^T + b: [videos, classes], float64.</summary>
    protected Tensor Scores(Tensor w)
    {
        using var scope = NewDisposeScope();
        var wx = w.to_type(X.dtype);
        return addmm(wx.select(1, Width), X, wx.narrow(1, 0, Width).t(), 1, 1).to_type(ScalarType.Float64).MoveToOuterDisposeScope();
    }

    /// <summary>The gradient of sum(t o scores) with respect to the parameters: [t^T x | column sums of t], float64.</summary>
    protected Tensor BackProject(Tensor t)
    {
        using var scope = NewDisposeScope();
        return cat([t.to_type(X.dtype).t().mm(X).to_type(ScalarType.Float64), t.sum(0L).unsqueeze(1)], 1).MoveToOuterDisposeScope();
    }

    public abstract double Value(Tensor w);
    public abstract double ValueAndGradient(Tensor w, out Tensor gradient);
    public abstract Tensor HessianTimes(Tensor v);
    public virtual void Dispose() { }
}

/// <summary>
/// Multinomial logistic regression with an L2 penalty on the weights and an unpenalised intercept, as scikit-learn's
/// <c>LogisticRegression(C, penalty='l2', multi_class='multinomial', fit_intercept=True)</c>:
/// 0.5 ||W||^2 + C sum_i -log softmax(W x_i + b)[y_i].
/// </summary>
internal sealed class LogisticObjective(Tensor x, Tensor oneHot, double c) : LinearObjective(x, c)
{
    private Tensor? probabilities; // softmax at the last ValueAndGradient point, for the Hessian

    private double Penalty(Tensor w)
    {
        var weights = w.narrow(1, 0, Width);
        return 0.5 * (weights * weights).sum().item<double>();
    }

    public override double Value(Tensor w)
    {
        using var scope = NewDisposeScope();
        var logP = Scores(w).log_softmax(1);
        return Penalty(w) - C * (logP * oneHot).sum().item<double>();
    }

    public override double ValueAndGradient(Tensor w, out Tensor gradient)
    {
        double value;
        using (var scope = NewDisposeScope())
        {
            var logP = Scores(w).log_softmax(1);
            value = Penalty(w) - C * (logP * oneHot).sum().item<double>();
            var p = logP.exp();
            var g = BackProject(p - oneHot).mul_(C);
            g.narrow(1, 0, Width).add_(w.narrow(1, 0, Width));
            gradient = g.MoveToOuterDisposeScope();
            probabilities?.Dispose();
            probabilities = p.DetachFromDisposeScope();
        }
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

    public override void Dispose() => probabilities?.Dispose();
}

/// <summary>
/// One-vs-rest linear SVMs with the squared hinge loss, as scikit-learn's <c>LinearSVC(C, loss='squared_hinge',
/// penalty='l2', multi_class='ovr', fit_intercept=True, intercept_scaling=1)</c>, i.e. liblinear: the intercept is
/// the weight of an extra feature of value 1 and is penalised like the others. Summed over classes (the problems
/// are independent): sum_k 0.5 (||w_k||^2 + b_k^2) + C sum_i max(0, 1 - s_ik (w_k x_i + b_k))^2, s_ik = +1 for the
/// video's class, -1 otherwise. The Hessian is liblinear's generalised one (videos inside the margin).
/// </summary>
internal sealed class SquaredHingeObjective(Tensor x, Tensor signs, double c) : LinearObjective(x, c)
{
    /// <summary>One-vs-rest: each class's row is a problem of its own.</summary>
    public override bool IndependentRows => true;

    private Tensor? active; // 1 where a video is inside class k's margin at the last ValueAndGradient point

    public override double Value(Tensor w)
    {
        using var scope = NewDisposeScope();
        var violation = (1 - signs * Scores(w)).clamp_min(0);
        return 0.5 * (w * w).sum().item<double>() + C * (violation * violation).sum().item<double>();
    }

    public override double ValueAndGradient(Tensor w, out Tensor gradient)
    {
        double value;
        using (var scope = NewDisposeScope())
        {
            var violation = (1 - signs * Scores(w)).clamp_min(0);
            value = 0.5 * (w * w).sum().item<double>() + C * (violation * violation).sum().item<double>();
            gradient = BackProject(signs * violation).mul_(-2 * C).add_(w).MoveToOuterDisposeScope();
            active?.Dispose();
            active = violation.gt(0).to_type(violation.dtype).DetachFromDisposeScope();
        }
        return value;
    }

    public override Tensor HessianTimes(Tensor v)
    {
        using var scope = NewDisposeScope();
        var a = active ?? throw new InvalidOperationException("HessianTimes before ValueAndGradient");
        return BackProject(a * Scores(v)).mul_(2 * C).add_(v).MoveToOuterDisposeScope();
    }

    public override void Dispose() => active?.Dispose();
}
