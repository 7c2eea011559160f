using C3dNet.Training;

namespace C3dNet.Tests.Training;

public class LearningRateScheduleTests
{
    [Fact]
    public void Step_decay_applies_after_each_step_size_of_completed_epochs_as_StepLR_stepping_after_the_optimizer()
    {
        var s = new LearningRateSchedule([1e-3, 1e-2], stepSize: 10, gamma: 0.1, warmupEpochs: 0);
        Assert.Equal([1e-3, 1e-2], s.LearningRates(0, 0, 5));
        Assert.Equal(1e-3, s.LearningRates(9, 4, 5)[0], 15);
        Assert.Equal(1e-4, s.LearningRates(10, 0, 5)[0], 15); // the reference stepped first and already used 1e-4 in epoch 10 (index 9)
        Assert.Equal(1e-5, s.LearningRates(25, 0, 5)[0], 15);
        Assert.Equal(1.0, new LearningRateSchedule([1], 0, 0.1, 0).Factor(99, 0, 5)); // step 0: constant
    }

    [Fact]
    public void Warm_up_rises_linearly_batch_by_batch_then_holds()
    {
        var s = new LearningRateSchedule([1e-3], stepSize: 0, gamma: 0.1, warmupEpochs: 2);
        Assert.Equal(0.1, s.Factor(0, 0, 5), 12); // batch 1 of 10
        Assert.Equal(0.5, s.Factor(0, 4, 5), 12);
        Assert.Equal(0.6, s.Factor(1, 0, 5), 12);
        Assert.Equal(1.0, s.Factor(1, 4, 5), 12);
        Assert.Equal(1.0, s.Factor(7, 2, 5), 12);
    }

    [Fact]
    public void State_round_trips_through_the_checkpoint_dict()
    {
        var s = new LearningRateSchedule([3e-4, 3e-3], 7, 0.5, 1.5);
        var back = LearningRateSchedule.FromStateDict(s.StateDict(completedEpochs: 4));
        Assert.Equal(s.BaseLrs, back.BaseLrs);
        Assert.Equal((7, 0.5, 1.5), (back.StepSize, back.Gamma, back.WarmupEpochs));
        Assert.Equal(4, s.StateDict(4)["last_epoch"]);
    }
}
