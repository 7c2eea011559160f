using static TorchSharp.torch;

namespace C3dNet.LinearProbe;

/// <summary>
/// Features in the basis of their principal axes: x V, where V (orthogonal, float64 [width, width]) holds the
/// eigenvectors of x^T x. Fitting weights z on x V is the same problem as fitting w = V z on x (scores x V z = x w, and
/// ||z|| = ||w|| since V is orthogonal; the intercept is not rotated), but there the Gram matrix x^T x is diagonal, so
/// the Hessian's diagonal, which the solver preconditions with, holds more of its spread. Measured on UCF101-size features
/// (README, Linear classifier on features): with the SVM's tight Newton steps it needs more CG steps than the features as
/// given, unpreconditioned, and the rotation (an eigh of [width, width] in float64) costs about one fit, so <c>c3d linear</c>
/// does not use it; bench/LinearBench compares the two. Keeps x's dtype (float32 from c3d linear).
/// </summary>
internal sealed class RotatedFeatures : IDisposable
{
    /// <summary>x V, [videos, width].</summary>
    public Tensor Features { get; }
    /// <summary>V, float64 [width, width], columns the principal axes.</summary>
    public Tensor Basis { get; }

    private RotatedFeatures(Tensor features, Tensor basis)
    {
        Features = features;
        Basis = basis;
    }

    /// <summary>Rotates <paramref name="x"/> ([videos, width]) to its principal axes.</summary>
    public static RotatedFeatures Of(Tensor x)
    {
        using var scope = NewDisposeScope();
        // The Gram in x's dtype (float32: half the time) only chooses the axes; their orthogonality comes from the float64 eigh.
        var gram = x.t().mm(x).to_type(ScalarType.Float64);
        var (_, vectors) = linalg.eigh(gram);
        var features = x.mm(vectors.to_type(x.dtype));
        return new RotatedFeatures(features.DetachFromDisposeScope(), vectors.DetachFromDisposeScope());
    }

    /// <summary>The rotated rows <paramref name="rows"/> (e.g. a fold's training videos), in the same basis.</summary>
    public RotatedFeatures Rows(Tensor rows) => new(Features.index_select(0, rows), Basis.alias());

    /// <summary>Parameters [rows, width + 1] (weights, then the intercept) from the original basis to this one: [w V | b].</summary>
    public Tensor ToRotated(Tensor parameters) => Transform(parameters, Basis);

    /// <summary>Parameters [rows, width + 1] from this basis back to the original one: [z V^T | b].</summary>
    public Tensor FromRotated(Tensor parameters) => Transform(parameters, Basis.t());

    private static Tensor Transform(Tensor parameters, Tensor by)
    {
        using var scope = NewDisposeScope();
        int width = (int)by.shape[0];
        return cat([parameters.narrow(1, 0, width).mm(by), parameters.narrow(1, width, 1)], 1).MoveToOuterDisposeScope();
    }

    public void Dispose()
    {
        Features.Dispose();
        Basis.Dispose();
    }
}
