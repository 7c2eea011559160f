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
    /// <summary>True when the objective is a sum of independent problems, one per row of the parameters (its Hessian is block diagonal by rows).</summary>
    bool IndependentRows { get; }
    double Value(Tensor w);
    double ValueAndGradient(Tensor w, out Tensor gradient);
    Tensor HessianTimes(Tensor v);
}
