using System.Collections;
using C3dNet.Checkpoints;
using C3dNet.Models;
using C3dNet.Tests.Models;
using C3dNet.Tests.Support;
using C3dNet.Training;
using static TorchSharp.torch;

namespace C3dNet.Tests.Training;

/// <summary>Training the video ResNets: fine-tuning a torchvision state_dict (train --pretrained) and --arch from scratch.</summary>
public class FineTuneTests
{
    /// <summary>A torchvision-layout r3d_18 file as torch.save(model.state_dict()) writes one: 400 classes, seeded weights.</summary>
    private static string TorchvisionFile(TempDir dir, string arch = "r3d_18")
    {
        string path = dir.File($"{arch}-kinetics.pth");
        manual_seed(5);
        using var kinetics = new VideoResNet(ResNetFixtures.Architecture(arch));
        PyTorchFile.WriteDict(path, kinetics.state_dict());
        return path;
    }

    [Fact]
    public void Fine_tuning_a_torchvision_r3d_18_state_dict_trains_a_new_fc_and_writes_a_checkpoint_torchvision_loads_strictly()
    {
        using var dir = TrainingData.Small(classes: 2, train: 2, val: 1, test: 0, frames: 18);
        string tv = TorchvisionFile(dir);
        var config = new TrainConfig
        {
            Data = dir.File("data"), RunDir = dir.File("run"), Pretrained = tv, Epochs = 1, BatchSize = 2, MaxBatches = 1,
            ClipLength = 8, CropSize = 32, Optimizer = "sgd", Lr = 1e-3, LrStep = 0, TestEvery = 0, SnapshotEvery = 0, Workers = 1, Seed = 3, Device = "cpu",
        };
        var notices = new List<string>();
        var result = Trainer.Run(config, new Callback<TrainProgress>(p => { if (p is TrainNotice n) notices.Add(n.Message); }));
        Assert.False(result.Interrupted);
        var summary = Assert.Single(result.Epochs);
        Assert.True(double.IsFinite(summary.Train.Loss) && summary.Train.Loss > 0, $"train loss {summary.Train.Loss}");
        Assert.Equal(2, summary.Train.Clips);
        Assert.Equal(2, summary.Val!.Clips);
        // The test data has no manifest: the frames are used as they are, and the run says so.
        Assert.Contains(notices, n => n.Contains("no frame rate in manifest.json; r3d_18 samples at 15 fps"));

        using var ckpt = CheckpointLoader.Load(result.LastCheckpoint, CheckpointUse.Classifier);
        using var pre = C3dCheckpoint.Load(tv);
        // The architecture and the input are the file's (Kinetics-400's), at this run's clip and crop.
        Assert.Equal("r3d_18", ckpt.ModelConfig.Architecture);
        var input = ckpt.ModelConfig.Input;
        Assert.Equal(("RGB", 255f, 15.0, 8, 32), (input.ChannelOrder, input.ValueScale, input.Sampling.FramesPerSecond!.Value, input.ClipLength, input.CropSize));
        Assert.Equal(ModelInput.Kinetics400.Std, input.Std);
        Assert.Equal(["MoveLeft", "MoveRight"], ckpt.ClassNames);
        var saved = TrainConfig.FromJson(ckpt.TrainConfig!);
        Assert.Equal(("r3d_18", 1f), (saved.Architecture, saved.InputScale));

        // torchvision's r3d_18(num_classes=2).load_state_dict(strict=True) needs exactly its keys, shapes and dtypes.
        var expected = ResNetFixtures.Arch("r3d_18").GetProperty("keys").EnumerateArray().ToDictionary(
            e => e.GetProperty("key").GetString()!,
            e => (Shape: e.GetProperty("shape").EnumerateArray().Select(s => s.GetInt64()).ToArray(), Dtype: e.GetProperty("dtype").GetString()));
        expected["fc.weight"] = ([2, 512], "float32");
        expected["fc.bias"] = ([2], "float32");
        Assert.Equal(expected.Keys.Order(), ckpt.StateDict.Keys.Order());
        foreach (var (key, (shape, dtype)) in expected)
        {
            Assert.True(shape.SequenceEqual(ckpt.StateDict[key].shape), $"{key}: {C3dCheckpoint.Shape(ckpt.StateDict[key])}");
            Assert.Equal(dtype == "int64" ? ScalarType.Int64 : ScalarType.Float32, ckpt.StateDict[key].dtype);
        }

        // BatchNorm: the one training batch used batch statistics and moved the running ones (num_batches_tracked 0 -> 1);
        // validation ran in eval mode and left them.
        foreach (var bn in new[] { "stem.1", "layer1.0.conv1.1", "layer4.1.conv2.1", "layer3.0.downsample.1" })
        {
            Assert.Equal(1L, ckpt.StateDict[bn + ".num_batches_tracked"].item<long>());
            Assert.False(ckpt.StateDict[bn + ".running_mean"].allclose(pre.StateDict[bn + ".running_mean"]), $"{bn}.running_mean did not move");
        }
        // The backbone started from the file and took one small step; fc is new.
        foreach (var key in new[] { "stem.0.weight", "layer4.1.conv2.0.weight" })
        {
            float moved = (ckpt.StateDict[key] - pre.StateDict[key]).abs().max().item<float>();
            Assert.InRange(moved, 1e-9f, 1e-2f);
        }
        // Two parameter groups: all but fc at lr, fc at 10x lr.
        var groups = ((IEnumerable)ckpt.OptimizerState!["param_groups"]!).Cast<IDictionary>().ToList();
        Assert.Equal(2, groups.Count);
        Assert.Equal(2, ((IEnumerable)groups[1]["params"]!).Cast<object>().Count());
        Assert.Equal(62 - 2, ((IEnumerable)groups[0]["params"]!).Cast<object>().Count());
        Assert.Equal(1e-2, Convert.ToDouble(groups[1]["lr"]), 12);

        // Our side of the round trip: the checkpoint loads strictly into a fresh r3d_18 and gives its logits back.
        using var model = ClipNetworks.Create(ckpt.ModelConfig);
        ckpt.LoadInto(model, result.LastCheckpoint);
        model.Module.eval();
        using var x = randn(new long[] { 1, 3, 8, 32, 32 });
        using var logits = model.Logits(x);
        Assert.Equal(new long[] { 1, 2 }, logits.shape);
        Assert.True(logits.isfinite().all().item<bool>());
    }

    [Fact]
    public void Arch_picks_the_network_to_train_and_a_pretrained_file_of_another_or_an_input_scale_is_refused()
    {
        using var dir = TrainingData.Small(classes: 2, train: 1, val: 0, test: 0, frames: 10);
        var scratch = new TrainConfig
        {
            Data = dir.File("data"), RunDir = dir.File("run"), Architecture = "mc3_18", Epochs = 1, BatchSize = 2, MaxBatches = 1,
            ClipLength = 4, CropSize = 16, TestEvery = 0, SnapshotEvery = 0, Workers = 1, Seed = 3, Device = "cpu",
            Given = new HashSet<string> { nameof(TrainConfig.Architecture) },
        };
        var result = Trainer.Run(scratch);
        using (var ckpt = C3dCheckpoint.Load(result.LastCheckpoint))
        {
            Assert.Equal(("mc3_18", 2), (ckpt.ModelConfig.Architecture, ckpt.ModelConfig.NumClasses));
            var saved = TrainConfig.FromJson(ckpt.TrainConfig!);
            // The scratch recipe, without C3D's input scale: a ResNet divides by its std.
            Assert.Equal(("scratch", "adamw", 1f), (saved.Recipe, saved.Optimizer, saved.InputScale));
            Assert.DoesNotContain("input_scale", saved.FromRecipe!);
        }

        Assert.Contains("--input-scale applies to C3D only", Assert.Throws<ArgumentException>(() => Trainer.Run(scratch with
        {
            RunDir = dir.File("r2"), InputScale = 64, Given = new HashSet<string> { nameof(TrainConfig.Architecture), nameof(TrainConfig.InputScale) },
        })).Message);
        string mc3 = TorchvisionFile(dir, "mc3_18");
        Assert.Contains("holds mc3_18 weights, not r2plus1d_18 (--arch)", Assert.Throws<ArgumentException>(() => Trainer.Run(scratch with
        {
            RunDir = dir.File("r3"), Architecture = "r2plus1d_18", Pretrained = mc3,
        })).Message);
        Assert.Contains("holds mc3_18 weights, not c3d (--arch)", Assert.Throws<ArgumentException>(() => Trainer.Run(scratch with
        {
            RunDir = dir.File("r4"), Architecture = "c3d", Pretrained = mc3,
        })).Message);
        Assert.False(Directory.Exists(dir.File("r2")) || Directory.Exists(dir.File("r3")) || Directory.Exists(dir.File("r4")));
    }
}
