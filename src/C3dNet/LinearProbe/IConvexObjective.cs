using static TorchSharp.torch;

namespace C3dNet.LinearProbe;

/// <summary>
/// A convex objective of one parameter matrix, with what Newton's method needs: value, gradient and
/// (generalised) Hessian-vector products. Implementations remember the point of the last
/// <see cref="ValueAndGradient"/> for <see cref="HessianTimes"/>.
/// </summary>
internal interface IConvexObjective : IDisposable
{
    /// <summary>The size of the gradient at a typical start (C x training videos): the solver's tolerance is relative to it.</summary>
    double GradientScale { get; }
    /// <summary>
    /// How loosely CG may solve a Newton step at most: it stops when ||residual|| &lt;= min(this, sqrt(||g|| / ||g_0||)) x ||g||.
    /// </summary>
    double MaxForcing { get; }
    /// <summary>True when the objective is a sum of independent problems, one per row of the parameters (its Hessian is block diagonal by rows).</summary>
    bool IndependentRows { get; }
    double ValueAndGradient(Tensor w, out Tensor gradient);
    /// <summary>Starts a line search from the last <see cref="ValueAndGradient"/> point w along <paramref name="d"/>.</summary>
    void BeginLine(Tensor d);
    /// <summary>The value at <paramref name="point"/> = w + <paramref name="step"/> d.</summary>
    double ValueOnLine(Tensor point, double step);
    /// <summary>As <see cref="ValueAndGradient"/> at <paramref name="point"/> = w + <paramref name="step"/> d, which becomes the point.</summary>
    double ValueAndGradientOnLine(Tensor point, double step, out Tensor gradient);
    Tensor HessianTimes(Tensor v);
    /// <summary>
    /// For <see cref="IndependentRows"/> objectives: rows <paramref name="rows"/> of H v, where <paramref name="v"/> holds
    /// only those rows ([rows, columns]); costs in proportion to their number.
    /// </summary>
    Tensor HessianTimesRows(Tensor v, Tensor rows);
}
