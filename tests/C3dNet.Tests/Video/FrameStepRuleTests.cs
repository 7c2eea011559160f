using C3dNet.Video;

namespace C3dNet.Tests.Video;

public class FrameStepRuleTests
{
    // The reference lowers the step from 4 while frames // step <= 16: 68+ frames → 4, 51–67 → 3, 34–50 → 2, else 1.
    [Theory]
    [InlineData(0, 1)]
    [InlineData(16, 1)]
    [InlineData(17, 1)]
    [InlineData(33, 1)]
    [InlineData(34, 2)]
    [InlineData(48, 2)]
    [InlineData(50, 2)]
    [InlineData(51, 3)]
    [InlineData(64, 3)]
    [InlineData(65, 3)]
    [InlineData(67, 3)]
    [InlineData(68, 4)]
    [InlineData(69, 4)]
    [InlineData(100, 4)]
    public void Step_follows_the_reference_rule_at_its_boundaries(int frames, int expectedStep)
    {
        Assert.Equal(expectedStep, FrameStepRule.Choose(frames));
    }

    [Theory]
    [InlineData(16, 1, 16)]
    [InlineData(48, 2, 24)]
    [InlineData(64, 3, 22)]
    [InlineData(65, 3, 22)]
    [InlineData(68, 4, 17)]
    [InlineData(69, 4, 18)]
    [InlineData(100, 4, 25)]
    public void Kept_frames_are_frames_0_k_2k_and_so_on(int frames, int step, int kept)
    {
        Assert.Equal(kept, FrameStepRule.KeptFrames(frames, step));
        Assert.Equal(kept, Enumerable.Range(0, frames).Count(i => i % step == 0));
    }

    [Fact]
    public void A_custom_initial_step_and_clip_length_are_honoured()
    {
        Assert.Equal(8, FrameStepRule.Choose(1000, initialStep: 8));
        Assert.Equal(2, FrameStepRule.Choose(40, initialStep: 8, clipLength: 16)); // 40 // 3 = 13 <= 16, 40 // 2 = 20
        Assert.Equal(1, FrameStepRule.Choose(40, initialStep: 4, clipLength: 32));
        Assert.Equal("frame step must be at least 1, got 0", Assert.Throws<ArgumentException>(() => FrameStepRule.Choose(100, initialStep: 0)).Message);
    }
}
