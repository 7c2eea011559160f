using System.Text.Json;
using C3dNet.Datasets;
using C3dNet.Inference;
using C3dNet.Models;
using C3dNet.Runtime;
using C3dNet.Training;
using C3dNet.Video;

namespace C3dNet.Tests.Models;

/// <summary>Each default lives in one place; the settings of every stage agree with it.</summary>
public class DefaultsTests
{
    [Fact]
    public void Every_stage_takes_the_reference_C3D_input_from_C3dConfig()
    {
        var model = new C3dConfig();
        Assert.Equal((16, 112, 171, 128, 4), (model.ClipLength, model.CropSize, model.ResizeWidth, model.ResizeHeight, model.FrameStep));
        var sampling = new SamplingSettings();
        Assert.Equal((model.ClipLength, model.CropSize, model.ResizeWidth, model.ResizeHeight, model.FrameStep),
            (sampling.ClipLength, sampling.CropSize, sampling.ResizeWidth, sampling.ResizeHeight, sampling.FrameStep));
        var extraction = new FrameExtractionSettings();
        Assert.Equal((model.ClipLength, model.ResizeWidth, model.ResizeHeight, model.FrameStep),
            (extraction.ClipLength, extraction.Width, extraction.Height, extraction.InitialStep));
        var preprocess = new PreprocessOptions { VideosDir = "v", OutDir = "o" };
        Assert.Equal((model.ClipLength, model.ResizeWidth, model.ResizeHeight, model.FrameStep),
            (preprocess.ClipLength, preprocess.Width, preprocess.Height, preprocess.FrameStep));
        var train = new TrainConfig { Data = "d" };
        Assert.Equal((model.ClipLength, model.CropSize, model.ResizeWidth, model.ResizeHeight),
            (train.ClipLength, train.CropSize, train.ResolvedResizeWidth, train.ResolvedResizeHeight));
        Assert.Equal((ReferenceOptimizer.Lr, ReferenceOptimizer.Momentum, ReferenceOptimizer.WeightDecay, ReferenceOptimizer.HeadLrMultiplier),
            (train.Lr, train.Momentum, train.WeightDecay, train.HeadLrMultiplier));
        Assert.Equal((1e-3, 0.9, 5e-4, 10.0), (ReferenceOptimizer.Lr, ReferenceOptimizer.Momentum, ReferenceOptimizer.WeightDecay, ReferenceOptimizer.HeadLrMultiplier));
    }

    [Fact]
    public void The_demo_frames_are_the_reference_frame_size_scaled_to_its_crop()
    {
        var demo = new C3dNet.Demo.DemoOptions { WorkDir = "w" };
        Assert.Equal((86, 64), (demo.FrameWidth, demo.FrameHeight));
        Assert.Equal(C3dConfig.FrameSizeFor(demo.CropSize), (demo.FrameWidth, demo.FrameHeight));
    }

    [Fact]
    public void Non_finite_numbers_are_written_as_null_never_an_exception()
    {
        var options = new JsonSerializerOptions { Converters = { new NonFiniteAsNull(), new NonFiniteFloatAsNull() } };
        Assert.Equal("""{"a":null,"b":null,"c":0.5,"d":null}""",
            JsonSerializer.Serialize(new { a = double.NaN, b = double.PositiveInfinity, c = 0.5, d = float.NegativeInfinity }, options));
        Assert.Throws<ArgumentException>(() => JsonSerializer.Serialize(double.NaN)); // what the guard prevents
    }

    [Fact]
    public void Non_finite_network_outputs_are_an_error_not_a_result()
    {
        FiniteOutputs.Check([0.25f, 0.75f], "class probabilities");
        var e = Assert.Throws<InvalidDataException>(() => FiniteOutputs.Check([0.5f, float.NaN, float.PositiveInfinity], "class probabilities"));
        Assert.StartsWith("the network gave 2 NaN/Inf values among 3 class probabilities", e.Message);
    }
}
