using C3dNet.LinearProbe;
using static TorchSharp.torch;

namespace C3dNet.Tests.LinearProbe;

public class PackedFeaturesTests
{
    [Fact]
    public void Packed_products_equal_torch_mm_for_all_rows_and_fewer()
    {
        using var scope = NewDisposeScope();
        var generator = new TorchSharp.torch.Generator(7);
        var x = randn(300, 70, generator: generator); // float32, as c3d linear gives features
        var w = randn(9, 70, generator: generator);
        var b = randn(9, generator: generator);
        var t = randn(300, 9, generator: generator);
        using var packed = PackedFeatures.TryCreate(x, 9);
        Assert.NotNull(packed); // the x64 libtorch that CI runs has MKL

        var scores = packed.Scores(w, b);
        Assert.Equal([300L, 9], scores.shape);
        Assert.True(scores.allclose(addmm(b, x, w.t(), 1, 1), rtol: 1e-5, atol: 1e-4));
        var some = packed.Scores(w.narrow(0, 2, 4), b.narrow(0, 2, 4));
        Assert.True(some.allclose(addmm(b.narrow(0, 2, 4), x, w.narrow(0, 2, 4).t(), 1, 1), rtol: 1e-5, atol: 1e-4));

        var gradient = packed.BackProject(t);
        Assert.Equal([9L, 70], gradient.shape);
        Assert.True(gradient.allclose(t.t().mm(x), rtol: 1e-5, atol: 1e-4));
        Assert.True(packed.BackProject(t.narrow(1, 0, 3)).allclose(t.narrow(1, 0, 3).t().mm(x), rtol: 1e-5, atol: 1e-4));

        Assert.Throws<ArgumentException>(() => packed.Scores(randn(10, 70), randn(10))); // more rows than packed for
        Assert.Throws<ArgumentException>(() => packed.BackProject(randn(299, 9)));
        Assert.Null(PackedFeatures.TryCreate(x.to_type(ScalarType.Float64), 9)); // float64 stays with torch.mm
    }

    [Fact]
    public void A_fit_through_features_packed_by_its_caller_equals_one_that_packs_them_itself_and_refuses_other_features()
    {
        using var scope = NewDisposeScope();
        var generator = new TorchSharp.torch.Generator(3);
        var x = randn(120, 16, generator: generator);
        var labels = Enumerable.Range(0, 120).Select(i => i % 3).ToArray();
        using var packed = PackedFeatures.TryCreate(x, 3);
        var shared = LinearClassifier.Fit(LinearModelKind.Svm, x, labels, 1, packed: packed);
        var own = LinearClassifier.Fit(LinearModelKind.Svm, x, labels, 1);
        Assert.Equal(own.Weight, shared.Weight);
        Assert.Equal(own.Stats, shared.Stats);
        Assert.Throws<ArgumentException>(() => LinearClassifier.Fit(LinearModelKind.Svm, x.narrow(0, 0, 60), labels[..60], 1, packed: packed));
    }
}
