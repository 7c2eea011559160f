using C3dNet.Checkpoints;
using C3dNet.Tests.Datasets;
using C3dNet.Tests.Support;
using C3dNet.Training;
using static TorchSharp.torch;

namespace C3dNet.Tests.Training;

/// <summary>Small motion datasets and narrow, fast training configs for the trainer tests.</summary>
internal static class TrainingData
{
    /// <summary>A 2-class dataset of 86x64 frames (crops of 56 need no resizing), 4 training videos per class.</summary>
    public static TempDir Small(int classes = 2, int train = 4, int val = 1, int test = 1, int frames = 18, int width = 86, int height = 64)
    {
        var dir = new TempDir();
        MotionFrames.Write(dir.File("data"), new MotionFrames.Options
        {
            Classes = classes, TrainPerClass = train, ValPerClass = val, TestPerClass = test, Frames = frames, Width = width, Height = height, Seed = 7,
        });
        return dir;
    }

    public static TrainConfig Narrow(TempDir dir, string run, int epochs = 2) => new()
    {
        Data = dir.File("data"), RunDir = dir.File(run), Epochs = epochs, BatchSize = 4, WidthMultiplier = 0.125, CropSize = 56,
        InputScale = 64, Optimizer = "adamw", Lr = 3e-4, LrStep = 0, TestEvery = 0, SnapshotEvery = 0, Workers = 2, Seed = 11, Device = "cpu",
    };

    public static Dictionary<string, Tensor> Weights(string checkpoint)
    {
        using var ckpt = C3dCheckpoint.Load(checkpoint);
        return ckpt.StateDict.ToDictionary(kv => kv.Key, kv => kv.Value.clone());
    }

    public static void AssertSameWeights(Dictionary<string, Tensor> expected, Dictionary<string, Tensor> actual)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (key, e) in expected)
        {
            float diff = (e - actual[key]).abs().max().item<float>();
            Assert.True(diff <= 1e-6f, $"{key} differs by {diff}");
        }
    }

    public static void AssertDifferentWeights(Dictionary<string, Tensor> a, Dictionary<string, Tensor> b) =>
        Assert.Contains(a.Keys, k => !a[k].equal(b[k]).all().item<bool>());
}

/// <summary>Calls back synchronously on the reporting thread.</summary>
internal sealed class Callback<T>(Action<T> action) : IProgress<T>
{
    public void Report(T value) => action(value);
}
