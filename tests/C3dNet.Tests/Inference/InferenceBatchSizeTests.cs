using C3dNet.Inference;
using static TorchSharp.torch;

namespace C3dNet.Tests.Inference;

public class InferenceBatchSizeTests
{
    [Fact]
    public void Full_width_C3D_on_CPU_defaults_to_batch_1_and_narrow_nets_to_batch_8()
    {
        Assert.Equal(1, InferenceBatchSize.Resolve(null, CPU, widthMultiplier: 1.0));
        Assert.Equal(8, InferenceBatchSize.Resolve(null, CPU, widthMultiplier: 0.125));
    }

    [Fact]
    public void A_given_batch_size_wins_and_one_below_1_is_refused()
    {
        Assert.Equal(3, InferenceBatchSize.Resolve(3, CPU, 1.0));
        var e = Assert.Throws<ArgumentException>(() => InferenceBatchSize.Resolve(0, CPU, 1.0));
        Assert.Equal("--batch-size must be at least 1, got 0", e.Message);
    }
}
