using C3dNet.Models;
using C3dNet.Training;
using static TorchSharp.torch;

namespace C3dNet.Tests.Models;

public class C3DTests
{
    [Theory]
    [InlineData(16, 112, 0.125, 5)]
    [InlineData(16, 64, 0.25, 3)]
    [InlineData(32, 112, 0.125, 7)]
    [InlineData(16, 56, 0.25, 6)]
    [InlineData(24, 96, 0.125, 2)]
    public void Forward_maps_clips_to_class_logits(int clip, int crop, double width, int classes)
    {
        using var model = new C3D(new C3dConfig { NumClasses = classes, ClipLength = clip, CropSize = crop, WidthMultiplier = width });
        model.eval();
        using var x = randn(new long[] { 2, 3, clip, crop, crop });
        using var y = model.forward(x);
        Assert.Equal(new long[] { 2, classes }, y.shape);
    }

    [Fact]
    public void Flatten_size_is_8192_for_the_paper_input()
    {
        Assert.Equal(8192, new C3dConfig().FlattenSize);
        Assert.Equal(8192 / 8, new C3dConfig { WidthMultiplier = 0.125 }.FlattenSize);
        Assert.Equal(512 * 2 * 4 * 4, new C3dConfig { ClipLength = 32 }.FlattenSize);
    }

    [Fact]
    public void Full_size_C3D_has_78409573_parameters_and_maps_to_101_logits()
    {
        using var model = new C3D(new C3dConfig { NumClasses = 101 });
        Assert.Equal(78_409_573, model.ParameterCount());
        var keys = model.state_dict().Keys.ToList();
        var expected = C3D.LayerNames.SelectMany(l => new[] { l + ".weight", l + ".bias" }).ToList();
        Assert.Equal(expected, keys);
        model.eval();
        using var _ = no_grad();
        using var y = model.forward(zeros(new long[] { 1, 3, 16, 112, 112 }));
        Assert.Equal(new long[] { 1, 101 }, y.shape);
    }

    [Fact]
    public void Too_short_clips_are_refused_with_a_reason()
    {
        var e = Assert.Throws<ArgumentException>(() => new C3D(new C3dConfig { ClipLength = 8 }));
        Assert.Contains("clip length must be at least 16", e.Message);
    }

    [Fact]
    public void Conv_weights_are_kaiming_normal()
    {
        random.manual_seed(3);
        using var model = new C3D(new C3dConfig { NumClasses = 4, WidthMultiplier = 0.25 });
        var w = model.state_dict()["conv3a.weight"];
        double fanIn = w.shape[1] * 27;
        double std = w.std().item<float>();
        Assert.InRange(std, 0.9 * Math.Sqrt(2 / fanIn), 1.1 * Math.Sqrt(2 / fanIn));
        Assert.InRange(Math.Abs(w.mean().item<float>()), 0, 0.01);
    }

    [Fact]
    public void Dropout_is_active_only_in_training_mode()
    {
        using var model = new C3D(new C3dConfig { NumClasses = 4, WidthMultiplier = 0.125 });
        using var x = randn(new long[] { 2, 3, 16, 112, 112 }) * 50;
        using var _ = no_grad();
        model.eval();
        using var a = model.forward(x);
        using var b = model.forward(x);
        Assert.True(a.equal(b).all().item<bool>());
        model.train();
        using var c = model.forward(x);
        using var d = model.forward(x);
        Assert.False(c.equal(d).all().item<bool>());
    }

    [Fact]
    public void Parameter_groups_follow_the_reference_order_and_lr()
    {
        using var model = new C3D(new C3dConfig { NumClasses = 4, WidthMultiplier = 0.125 });
        var (baseParams, head) = model.ParameterGroups();
        Assert.Equal(20, baseParams.Count);
        Assert.Equal(2, head.Count);
        var sd = model.state_dict();
        Assert.Equal(sd["conv1.weight"].shape, baseParams[0].shape);
        Assert.Equal(sd["conv1.bias"].shape, baseParams[1].shape);
        Assert.Equal(sd["fc7.bias"].shape, baseParams[19].shape);
        Assert.Equal(new long[] { 4, 512 }, head[0].shape);

        using var sgd = ReferenceOptimizer.CreateSgd(model, lr: 1e-3);
        var lrs = sgd.ParamGroups.Select(g => g.LearningRate).ToArray();
        Assert.Equal(new[] { 1e-3, 1e-2 }, lrs);
    }

    [Fact]
    public void Fc6_and_fc7_features_have_the_fc_width_and_are_non_negative()
    {
        using var model = new C3D(new C3dConfig { NumClasses = 4, WidthMultiplier = 0.125 });
        model.eval();
        using var x = randn(new long[] { 3, 3, 16, 112, 112 });
        using var f6 = model.Features(x, "fc6");
        using var f7 = model.Features(x, "fc7");
        Assert.Equal(new long[] { 3, 512 }, f6.shape);
        Assert.Equal(new long[] { 3, 512 }, f7.shape);
        Assert.True(f6.min().item<float>() >= 0);
        Assert.Throws<ArgumentException>(() => model.Features(x, "fc8"));
    }
}
