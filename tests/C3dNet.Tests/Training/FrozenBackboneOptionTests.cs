using C3dNet.Training;

namespace C3dNet.Tests.Training;

/// <summary>The cache options of a frozen backbone are refused on a run that would ignore them.</summary>
public class FrozenBackboneOptionTests
{
    [Theory]
    [InlineData(nameof(TrainConfig.CacheClips))]
    [InlineData(nameof(TrainConfig.CacheDir))]
    [InlineData(nameof(TrainConfig.CacheFeatures))]
    public void A_cache_option_without_a_frozen_backbone_is_an_error_naming_the_options_that_enable_it(string given)
    {
        var e = Assert.Throws<ArgumentException>(() => new TrainConfig { Data = "d", Given = new HashSet<string> { given } }.Validated());
        Assert.Equal("--cache-clips, --cache-dir and --no-feature-cache apply to a frozen backbone only: add --freeze-backbone or --train-layers", e.Message);
    }

    [Fact]
    public void A_cache_option_is_accepted_with_freeze_backbone_with_train_layers_and_on_resume()
    {
        var given = new HashSet<string> { nameof(TrainConfig.CacheClips) };
        new TrainConfig { Data = "d", FreezeBackbone = true, CacheClips = 2, Given = given }.Validated();
        new TrainConfig { Data = "d", TrainLayers = "fc8", CacheClips = 2, Given = given }.Validated();
        new TrainConfig { Data = "d", Resume = "run", CacheClips = 2, Given = given }.Validated(); // the saved run says whether it is frozen
        new TrainConfig { Data = "d", CacheClips = 2 }.Validated(); // no command line: nothing was given by a user
    }
}
