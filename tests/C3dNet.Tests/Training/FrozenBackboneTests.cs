using C3dNet.Checkpoints;
using C3dNet.Datasets;
using C3dNet.Models;
using C3dNet.Runtime;
using C3dNet.Tests.Models;
using C3dNet.Tests.Support;
using C3dNet.Training;
using C3dNet.Training.FrozenBackbone;
using static TorchSharp.torch;

namespace C3dNet.Tests.Training;

public class FrozenBackboneTests
{
    /// <summary>A narrow C3D's weights (seeded) saved as a start for --pretrained.</summary>
    private static string Pretrained(TempDir dir, string name, long seed)
    {
        string path = dir.File(name);
        Seeding.SeedTorch(seed);
        using var model = new C3D(new C3dConfig { NumClasses = 2, WidthMultiplier = 0.125, CropSize = 56, InputScale = 64, ResizeWidth = 86, ResizeHeight = 64 });
        using var ckpt = C3dCheckpoint.FromModel(model);
        ckpt.Save(path);
        return path;
    }

    private static TrainConfig Frozen(TempDir dir, string run, string pretrained, int epochs = 2) => TrainingData.Narrow(dir, run, epochs) with
    {
        Pretrained = pretrained, FreezeBackbone = true, CacheClips = 2, Optimizer = "sgd", Lr = 1e-2, Momentum = 0.9, WeightDecay = 5e-4,
    };

    private static (TrainResult Result, List<string> Notices) Train(TrainConfig config, CancellationToken cancel = default, Action<TrainProgress>? also = null)
    {
        var notices = new List<string>();
        var result = Trainer.Run(config, new Callback<TrainProgress>(p => { if (p is TrainNotice n) notices.Add(n.Message); also?.Invoke(p); }), cancel);
        return (result, notices);
    }

    private static void AssertClose(Dictionary<string, Tensor> expected, Dictionary<string, Tensor> actual, double relative)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (key, e) in expected)
        {
            using var a = e.to_type(ScalarType.Float64);
            using var b = actual[key].to_type(ScalarType.Float64);
            double diff = (a - b).norm().item<double>() / Math.Max(a.norm().item<double>(), 1e-12);
            Assert.True(diff <= relative, $"{key} differs by {diff:G3} (relative)");
        }
    }

    [Fact]
    public void The_head_trained_from_the_cache_has_the_parameters_of_the_head_trained_on_the_frozen_backbone_computed_live()
    {
        using var dir = TrainingData.Small();
        string pre = Pretrained(dir, "pre.pth.tar", seed: 5);
        var (cached, notices) = Train(Frozen(dir, "cached", pre));
        var (live, liveNotices) = Train(Frozen(dir, "live", pre) with { CacheFeatures = false });
        Assert.Contains(notices, n => n.StartsWith("frozen backbone: training fc6, fc7, fc8") && n.Contains("cached in"));
        Assert.Contains(liveNotices, n => n.Contains("computed live on every batch"));
        Assert.False(Directory.Exists(Path.Combine(live.RunDir, FrozenBackboneDefaults.RunFolderCacheName)));

        var fromCache = TrainingData.Weights(cached.LastCheckpoint);
        var fromLive = TrainingData.Weights(live.LastCheckpoint);
        AssertClose(fromLive, fromCache, 1e-4);
        var start = TrainingData.Weights(pre);
        foreach (var layer in C3D.LayerNames)
        {
            bool same = start[layer + ".weight"].equal(fromCache[layer + ".weight"]).all().item<bool>();
            Assert.True(same == layer.StartsWith("conv"), $"{layer}: {(same ? "did not train" : "changed, though frozen")}");
        }
        // The same losses, phase by phase.
        var a = MetricsLog.Read(Path.Combine(cached.RunDir, "metrics.jsonl"));
        var b = MetricsLog.Read(Path.Combine(live.RunDir, "metrics.jsonl"));
        Assert.Equal(b.Count, a.Count);
        for (int i = 0; i < a.Count; i++) Assert.Equal(b[i].Loss, a[i].Loss, 4);
    }

    [Fact]
    public void Train_layers_fc8_trains_fc8_only()
    {
        using var dir = TrainingData.Small(train: 2);
        string pre = Pretrained(dir, "pre.pth.tar", seed: 5);
        var (run, notices) = Train(Frozen(dir, "run", pre, epochs: 1) with { FreezeBackbone = false, TrainLayers = "fc8" });
        Assert.Contains(notices, n => n.StartsWith("frozen backbone: training fc8 ("));
        var start = TrainingData.Weights(pre);
        var trained = TrainingData.Weights(run.LastCheckpoint);
        foreach (var layer in C3D.LayerNames)
            Assert.True(start[layer + ".weight"].equal(trained[layer + ".weight"]).all().item<bool>() == (layer != "fc8"), layer);
        Assert.Contains("'conv5b' is not a head layer",
            Assert.Throws<ArgumentException>(() => Trainer.Run(Frozen(dir, "bad", pre) with { TrainLayers = "fc8,conv5b" })).Message);
    }

    [Fact]
    public void Each_epoch_takes_one_of_the_K_clips_live_training_would_draw_in_epochs_0_to_K_minus_1()
    {
        using var dir = TrainingData.Small(train: 4);
        var data = FrameDataset.Open(dir.File("data"));
        var train = new ClipDataset(data.Videos("train"), new C3dConfig { NumClasses = 2, CropSize = 56, ResizeWidth = 86, ResizeHeight = 64, ClipLength = 16 });
        var one = new ClipVariants(train, seed: 3, variants: 1, flipProbability: 0.5);
        Assert.Equal(train.TrainEpoch(3, 0), one.Epoch(0)); // K = 1, epoch 0: live training's very clips
        var four = new ClipVariants(train, seed: 3, variants: 4, flipProbability: 0.5);
        var drawn = new HashSet<ClipSpec>();
        for (int epoch = 0; epoch < 6; epoch++)
        {
            var clips = four.Epoch(epoch);
            Assert.Equal(train.TrainEpoch(3, epoch).Select(c => c.Video), clips.Select(c => c.Video)); // live training's order
            foreach (var c in clips)
            {
                Assert.Contains(c, Enumerable.Range(0, 4).Select(k => train.TrainEpoch(3, k).Single(s => s.Video == c.Video)));
                drawn.Add(c);
            }
        }
        Assert.True(drawn.Count > train.Videos.Count, "every epoch took the same variant of every video");
    }

    [Fact]
    public void A_cache_is_reused_when_data_weights_and_clip_settings_match_and_rebuilt_with_a_message_when_not()
    {
        using var dir = TrainingData.Small(train: 2);
        string pre = Pretrained(dir, "pre.pth.tar", seed: 5), other = Pretrained(dir, "other.pth.tar", seed: 6);
        string cacheDir = dir.File("cache");
        TrainConfig Config(string run) => Frozen(dir, run, pre, epochs: 1) with { CacheDir = cacheDir };

        var (first, built) = Train(Config("r1"));
        Assert.Contains(built, n => n.Contains("building 2 of 2 chunks"));
        string chunk = Path.Combine(cacheDir, "train-00000.f32");
        var written = File.GetLastWriteTimeUtc(chunk);
        var bytes = File.ReadAllBytes(chunk);
        File.WriteAllText(Path.Combine(cacheDir, "mine.txt"), "a user's file");

        var (_, reused) = Train(Config("r2"));
        Assert.Contains(reused, n => n.Contains("all 2 chunks built, reused"));
        Assert.Equal(written, File.GetLastWriteTimeUtc(chunk));
        Assert.Equal(TrainingData.Weights(first.LastCheckpoint).Keys, TrainingData.Weights(Path.Combine(dir.File("r2"), "models", "last.pth.tar")).Keys);

        var (_, seedChanged) = Train(Config("r3") with { Seed = 12 });
        Assert.Contains(seedChanged, n => n.Contains("built with different clip settings (seed 11 → 12): rebuilding it"));
        Assert.Contains(seedChanged, n => n.Contains("building 2 of 2 chunks"));
        Assert.NotEqual(bytes, File.ReadAllBytes(chunk));

        var (_, weightsChanged) = Train(Config("r4") with { Seed = 12, Pretrained = other });
        Assert.Contains(weightsChanged, n => n.Contains("built with different backbone weights: rebuilding it"));
        var (_, clipsChanged) = Train(Config("r5") with { Seed = 12, Pretrained = other, CacheClips = 3 });
        Assert.Contains(clipsChanged, n => n.Contains("different clip settings (cache_clips 2 → 3)"));
        Assert.Equal("a user's file", File.ReadAllText(Path.Combine(cacheDir, "mine.txt")));

        // A folder of other files is not taken for a cache.
        Directory.CreateDirectory(dir.File("photos"));
        File.WriteAllText(dir.File("photos/a.jpg"), "x");
        var e = Assert.Throws<OutputException>(() => Trainer.Run(Config("r6") with { CacheDir = dir.File("photos") }));
        Assert.Contains("not a feature cache", e.Message);
        Assert.Equal("x", File.ReadAllText(dir.File("photos/a.jpg")));
    }

    [Fact]
    public void A_killed_cache_build_continues_where_it_stopped_and_gives_the_cache_of_an_uninterrupted_build()
    {
        using var dir = TrainingData.Small(train: 2);
        string pre = Pretrained(dir, "pre.pth.tar", seed: 5);
        string killed = dir.File("killed-cache");
        using (var run = new PausedRun("cache-chunk:1", "train", "--data", dir.File("data"), "--run-dir", dir.File("k"), "--pretrained", pre,
                   "--freeze-backbone", "--cache-clips", "2", "--cache-dir", killed, "--width-mult", "0.125", "--crop-size", "56", "--input-scale", "64",
                   "--batch-size", "4", "--epochs", "1", "--test-every", "0", "--seed", "11", "--device", "cpu", "--workers", "2"))
        {
            run.WaitUntilPaused();
            run.Signal("KILL");
            run.WaitForExit();
        }
        Assert.True(File.Exists(Path.Combine(killed, "train-00000.f32")));
        Assert.False(File.Exists(Path.Combine(killed, "val-00000.f32")));

        var config = Frozen(dir, "again", pre, epochs: 1) with { Lr = 1e-3, WeightDecay = 5e-4, Momentum = 0.9, Optimizer = "sgd" };
        var (_, notices) = Train(config with { CacheDir = killed });
        Assert.Contains(notices, n => n.Contains("building 1 of 2 chunks") && n.Contains("1 built before are kept"));
        Train(config with { CacheDir = dir.File("straight-cache"), RunDir = dir.File("straight") });
        foreach (var name in new[] { "train-00000.f32", "val-00000.f32" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(dir.File("straight-cache"), name)), File.ReadAllBytes(Path.Combine(killed, name)));
    }

    [Fact]
    public void Cancelled_while_building_the_cache_or_training_the_head_the_run_resumes_to_the_parameters_of_an_uninterrupted_one()
    {
        using var dir = TrainingData.Small();
        string pre = Pretrained(dir, "pre.pth.tar", seed: 5);
        var (straight, _) = Train(Frozen(dir, "straight", pre));
        var expected = TrainingData.Weights(straight.LastCheckpoint);

        using var cts = new CancellationTokenSource();
        var (stopped, _) = Train(Frozen(dir, "stopped", pre), cts.Token, p => { if (p is BatchCompleted { Epoch: 2, Phase: TrainPhase.Train, Batch: 1 }) cts.Cancel(); });
        Assert.True(stopped.Interrupted);
        var (resumed, notices) = Train(Frozen(dir, "stopped", pre) with { Resume = stopped.RunDir, RunDir = null });
        Assert.False(resumed.Interrupted);
        Assert.Contains(notices, n => n.Contains("all 2 chunks built, reused"));
        TrainingData.AssertSameWeights(expected, TrainingData.Weights(resumed.LastCheckpoint));

        // Cancelled during the cache build, before any training: resume builds the rest and trains as if never stopped.
        using var early = new CancellationTokenSource();
        early.Cancel();
        var (beforeTraining, _) = Train(Frozen(dir, "early", pre), early.Token);
        Assert.True(beforeTraining.Interrupted);
        Assert.Equal(0, beforeTraining.EpochsCompleted);
        var (fromStart, _) = Train(Frozen(dir, "early", pre) with { Resume = beforeTraining.RunDir, RunDir = null });
        TrainingData.AssertSameWeights(expected, TrainingData.Weights(fromStart.LastCheckpoint));
    }

    [Fact]
    public void The_checkpoint_of_a_frozen_run_loads_strictly_and_predicts_what_the_cached_features_through_its_head_give()
    {
        using var dir = TrainingData.Small();
        string pre = Pretrained(dir, "pre.pth.tar", seed: 5);
        var (run, _) = Train(Frozen(dir, "run", pre, epochs: 1));
        using var ckpt = CheckpointLoader.Load(run.LastCheckpoint, CheckpointUse.Classifier);
        Assert.Empty(CheckpointLoader.Problems(ckpt));
        using var model = new C3D(ckpt.ModelConfig);
        ckpt.LoadInto(model, run.LastCheckpoint); // strict: every key, every shape
        model.eval();

        var data = FrameDataset.Open(dir.File("data"));
        var val = new ClipDataset(data.Videos("val"), ckpt.ModelConfig);
        var clips = val.EvalClips(1);
        var cacheDir = Path.Combine(run.RunDir, FrozenBackboneDefaults.RunFolderCacheName);
        using var _ = no_grad();
        for (int i = 0; i < clips.Length; i++)
        {
            var clip = new float[val.ClipFloats];
            val.Write(clips[i], clip);
            using var x = tensor(clip, val.BatchShape(1));
            using var live = model.forward(x);
            var bytes = File.ReadAllBytes(Path.Combine(cacheDir, "val-00000.f32"));
            var row = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).Slice(i * (int)model.BackboneWidth, (int)model.BackboneWidth).ToArray();
            using var features = tensor(row, [1, model.BackboneWidth]);
            using var fromCache = model.HeadLogits(features);
            Assert.True(live.allclose(fromCache, rtol: 1e-4, atol: 1e-5), $"clip {i}: the checkpoint and the cached features through its head differ by {(live - fromCache).abs().max().item<float>()}");
        }
    }

    [Fact]
    public void A_video_resnet_trains_its_fc_on_cached_pooled_features_with_its_backbone_and_batch_norm_statistics_untouched()
    {
        using var dir = TrainingData.Small(classes: 2, train: 2, val: 1, test: 0, frames: 18);
        string tv = dir.File("r3d_18-kinetics.pth");
        manual_seed(5);
        using (var kinetics = new VideoResNet(ResNetFixtures.Architecture("r3d_18"))) PyTorchFile.WriteDict(tv, kinetics.state_dict());
        TrainConfig Config(string run) => new()
        {
            Data = dir.File("data"), RunDir = dir.File(run), Pretrained = tv, Epochs = 2, BatchSize = 2, ClipLength = 8, CropSize = 32,
            Optimizer = "sgd", Lr = 1e-2, LrStep = 0, TestEvery = 0, SnapshotEvery = 0, Workers = 1, Seed = 3, Device = "cpu",
            FreezeBackbone = true, CacheClips = 2,
        };
        var (cached, notices) = Train(Config("cached"));
        Assert.Contains(notices, n => n.StartsWith("frozen backbone: training fc (1,026 parameters)") && n.Contains("(512 per clip)"));
        var (live, _) = Train(Config("live") with { CacheFeatures = false });
        var fromCache = TrainingData.Weights(cached.LastCheckpoint);
        AssertClose(TrainingData.Weights(live.LastCheckpoint), fromCache, 1e-4);
        using var pre = C3dCheckpoint.Load(tv);
        foreach (var (key, value) in fromCache.Where(kv => !kv.Key.StartsWith("fc.")))
            Assert.True(value.equal(pre.StateDict[key]).all().item<bool>(), $"{key} changed, though frozen (batch norm in eval mode keeps its statistics)");
    }
}
