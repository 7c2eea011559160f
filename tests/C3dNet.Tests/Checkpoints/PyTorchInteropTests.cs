using System.Collections;
using C3dNet.Checkpoints;
using C3dNet.Models;
using C3dNet.Tests.Support;
using C3dNet.Training;
using static TorchSharp.torch;

namespace C3dNet.Tests.Checkpoints;

/// <summary>Files written by real PyTorch 1.13 (Fixtures/make_fixtures.py) read here, and the other way round.</summary>
public class PyTorchInteropTests
{
    private static C3D NarrowModel(int classes = 5) => new(new C3dConfig { NumClasses = classes, WidthMultiplier = 0.125 });

    [Fact]
    public void Reference_checkpoint_gives_the_logits_PyTorch_computed()
    {
        using var ckpt = C3dCheckpoint.Load(Fixtures.ReferenceCheckpoint);
        using var model = NarrowModel();
        ckpt.LoadInto(model, Fixtures.ReferenceCheckpoint);
        model.eval();
        var io = Fixtures.ReferenceOutputs();
        using var _ = no_grad();
        using var logits = model.forward(io["input"]);
        float scale = io["logits"].abs().max().item<float>();
        float diff = (logits - io["logits"]).abs().max().item<float>();
        Assert.True(diff <= 1e-4f * scale, $"max |diff| {diff} vs max |logit| {scale}");
        foreach (var layer in new[] { "fc6", "fc7" })
        {
            using var f = model.Features(io["input"], layer);
            float fd = (f - io[layer]).abs().max().item<float>();
            Assert.True(fd <= 1e-4f * io[layer].abs().max().item<float>(), $"{layer} differs by {fd}");
        }
    }

    [Fact]
    public void Reference_checkpoint_reports_epoch_and_inferred_config()
    {
        using var ckpt = C3dCheckpoint.Load(Fixtures.ReferenceCheckpoint);
        Assert.Equal(CheckpointKind.Checkpoint, ckpt.Kind);
        Assert.Equal(3, ckpt.Epoch);
        Assert.True(ckpt.ModelConfigInferred);
        Assert.Equal(5, ckpt.ModelConfig.NumClasses);
        Assert.Equal(0.125, ckpt.ModelConfig.WidthMultiplier);
        Assert.Equal(16, ckpt.ModelConfig.ClipLength);
        Assert.Equal(112, ckpt.ModelConfig.CropSize);
        Assert.Null(ckpt.ClassNames);
        using var model = NarrowModel();
        Assert.Equal(model.ParameterCount(), ckpt.ParameterCount);
    }

    [Fact]
    public void Reference_opt_dict_restores_momentum_buffers_and_group_lrs_into_our_SGD()
    {
        using var ckpt = C3dCheckpoint.Load(Fixtures.ReferenceCheckpoint);
        using var model = NarrowModel();
        ckpt.LoadInto(model, "ref");
        using var sgd = ReferenceOptimizer.CreateSgd(model, lr: 0.5, momentum: 0.1);
        OptimizerStateIo.Restore(sgd, ckpt.OptimizerState!, "ref");

        var groups = sgd.ParamGroups.ToList();
        Assert.Equal(1e-4, groups[0].LearningRate, 12);
        Assert.Equal(1e-3, groups[1].LearningRate, 12);

        // The buffers we now hold equal the file's, parameter by parameter (reference order: conv1.weight first, fc8.bias last).
        var saved = (IDictionary)((IDictionary)ckpt.OptimizerState!)["state"]!;
        var restored = (IDictionary)OptimizerStateIo.Capture(sgd)["state"]!;
        Assert.Equal(22, saved.Count);
        foreach (var key in new object[] { 0, 5, 21 })
        {
            var a = (Tensor)((IDictionary)saved[key]!)["momentum_buffer"]!;
            var b = (Tensor)((IDictionary)restored[key]!)["momentum_buffer"]!;
            Assert.True(a.abs().sum().item<float>() > 0);
            Assert.True(a.allclose(b), $"momentum buffer {key} differs");
        }
        var fc8Bias = (Tensor)((IDictionary)saved[21]!)["momentum_buffer"]!;
        Assert.Equal(new long[] { 5 }, fc8Bias.shape);
    }

    [Fact]
    public void Sports1M_weights_fill_conv1_to_fc7_and_leave_fc8()
    {
        using var ckpt = C3dCheckpoint.Load(Fixtures.PretrainedNarrow);
        Assert.Equal(CheckpointKind.Pretrained, ckpt.Kind);
        Assert.Equal(487, ckpt.ModelConfig.NumClasses);
        Assert.DoesNotContain("fc8.weight", ckpt.StateDict.Keys);

        var raw = PyTorchFile.ReadDict(Fixtures.PretrainedNarrow);
        using var model = NarrowModel(classes: 10);
        using var fc8Before = model.state_dict()["fc8.weight"].clone();
        ckpt.LoadInto(model, Fixtures.PretrainedNarrow);
        var sd = model.state_dict();
        Assert.True(sd["conv1.weight"].equal((Tensor)raw["features.0.weight"]!).all().item<bool>());
        Assert.True(sd["conv5b.bias"].equal((Tensor)raw["features.18.bias"]!).all().item<bool>());
        Assert.True(sd["fc7.weight"].equal((Tensor)raw["classifier.3.weight"]!).all().item<bool>());
        Assert.True(sd["fc8.weight"].equal(fc8Before).all().item<bool>());
    }

    [Fact]
    public void Our_checkpoint_round_trips_weights_optimizer_names_and_configs()
    {
        using var dir = new TempDir();
        random.manual_seed(7);
        var config = new C3dConfig { NumClasses = 3, WidthMultiplier = 0.125, InputScale = 64, FrameStep = 2 };
        using var model = new C3D(config);
        using var sgd = ReferenceOptimizer.CreateSgd(model, lr: 1e-3);
        using (var loss = nn.functional.cross_entropy(model.forward(randn(new long[] { 2, 3, 16, 112, 112 })), tensor(new long[] { 0, 2 })))
        {
            loss.backward();
            sgd.step();
        }
        using var ckpt = C3dCheckpoint.FromModel(model, epoch: 4, classNames: ["Left", "Right", "Up"]);
        ckpt.OptimizerState = OptimizerStateIo.Capture(sgd);
        ckpt.TrainConfig = new System.Text.Json.Nodes.JsonObject { ["lr"] = 1e-3, ["batch_size"] = 20 };
        ckpt.Extra["best_val_acc"] = 0.5;
        string path = dir.File("models/C3D-test_epoch-3.pth.tar");
        ckpt.Save(path);
        Assert.Single(Directory.GetFiles(Path.GetDirectoryName(path)!));

        using var back = C3dCheckpoint.Load(path);
        Assert.Equal(4, back.Epoch);
        Assert.Equal(["Left", "Right", "Up"], back.ClassNames!);
        Assert.False(back.ModelConfigInferred);
        Assert.Equal(64f, back.ModelConfig.InputScale);
        Assert.Equal(2, back.ModelConfig.FrameStep);
        Assert.Equal(config.Mean, back.ModelConfig.Mean);
        Assert.Equal("20", back.TrainConfig!["batch_size"]!.ToJsonString());
        Assert.Equal(0.5, Convert.ToDouble(back.Extra["best_val_acc"]));
        foreach (var (k, v) in model.state_dict()) Assert.True(v.equal(back.StateDict[k]).all().item<bool>(), k);

        using var model2 = new C3D(back.ModelConfig);
        back.LoadInto(model2, path);
        using var sgd2 = ReferenceOptimizer.CreateSgd(model2, lr: 9);
        OptimizerStateIo.Restore(sgd2, back.OptimizerState!, path);
        var m1 = (Tensor)((IDictionary)((IDictionary)OptimizerStateIo.Capture(sgd)["state"]!)[3]!)["momentum_buffer"]!;
        var m2 = (Tensor)((IDictionary)((IDictionary)OptimizerStateIo.Capture(sgd2)["state"]!)[3]!)["momentum_buffer"]!;
        Assert.True(m1.equal(m2).all().item<bool>());
        Assert.Equal(1e-3, sgd2.ParamGroups.First().LearningRate, 12);
    }

    [Fact]
    public void A_failed_write_leaves_the_previous_file_intact_and_no_temporary_files()
    {
        using var dir = new TempDir();
        string path = dir.File("last.pth.tar");
        using var model = NarrowModel();
        using (var ckpt = C3dCheckpoint.FromModel(model, epoch: 1)) ckpt.Save(path);
        long size = new FileInfo(path).Length;

        using var bad = C3dCheckpoint.FromModel(model, epoch: 2);
        bad.Extra["exploding"] = new Exploding(); // the pickler throws part-way through the archive
        Assert.ThrowsAny<Exception>(() => bad.Save(path));

        Assert.Equal(new[] { path }, Directory.GetFiles(dir.Path));
        Assert.Equal(size, new FileInfo(path).Length);
        using var back = C3dCheckpoint.Load(path);
        Assert.Equal(1, back.Epoch);
    }

    /// <summary>The pickler reads public properties; this one fails like a full disk would.</summary>
    private sealed class Exploding { public int Value => throw new IOException("disk full"); }
}
