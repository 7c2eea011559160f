using System.Text;
using System.Text.Json.Nodes;
using C3dNet.Checkpoints;
using C3dNet.Models;
using C3dNet.Runtime;
using C3dNet.Training;

namespace C3dNet.Tests.Training;

public class TrainerTests
{
    [Fact]
    public void A_NaN_loss_stops_the_run_with_a_clear_message_and_keeps_the_last_good_checkpoint_and_run_files()
    {
        using var dir = TrainingData.Small();
        File.WriteAllText(Path.Combine(dir.File("data"), "manifest.json"), """{"options": {"frame_step": 2}}""");
        // Epoch 1 at lr 1e-3 is fine; StepLR with gamma 1e6 makes epoch 2's lr 1e3 and the loss explodes.
        var config = TrainingData.Narrow(dir, "run", epochs: 3) with
        {
            Optimizer = "sgd", Lr = 1e-3, LrStep = 1, LrGamma = 1e6, InputScale = 1, TestEvery = 1, SnapshotEvery = 1, DatasetName = "motion",
        };
        var epochs = new List<EpochSummary>();
        var e = Assert.Throws<TrainingDivergedException>(() =>
            Trainer.Run(config, new Callback<TrainProgress>(p => { if (p is EpochCompleted c) epochs.Add(c.Summary); })));
        Assert.Matches(@"became (NaN|-?∞|Infinity|-Infinity) in epoch [23]", e.Message);
        Assert.Contains("last.pth.tar, is kept", e.Message);
        Assert.Contains("use --recipe scratch", e.Message);

        var run = new RunFolder(dir.File("run"));
        var epoch1 = Assert.Single(epochs);
        Assert.True(epoch1.IsBest);
        Assert.Equal([run.LastCheckpoint, run.BestCheckpoint, run.Snapshot("motion", 0)], epoch1.SavedCheckpoints);
        using (var last = C3dCheckpoint.Load(run.LastCheckpoint))
        {
            Assert.Equal(1, last.Epoch); // the good epoch, not the diverged one
            Assert.Equal(["MoveLeft", "MoveRight"], last.ClassNames);
            Assert.Equal(2, last.ModelConfig.FrameStep); // from manifest.json
            Assert.Equal(1f, last.ModelConfig.InputScale);
            Assert.Equal((86, 64, 56), (last.ModelConfig.ResizeWidth, last.ModelConfig.ResizeHeight, last.ModelConfig.CropSize));
            var saved = TrainConfig.FromJson(last.TrainConfig!);
            Assert.Empty(saved.FromRecipe!); // a config built in code without Given: every value its own
            Assert.Equal(config with { RunDir = run.Path, ResizeWidth = 86, ResizeHeight = 64, Recipe = "scratch", FromRecipe = saved.FromRecipe }, saved); // every option, resolved
            Assert.NotNull(TrainingState.RngState(last));
            Assert.Equal(epoch1.Val!.Accuracy, TrainingState.BestValAccuracy(last));
            Assert.Equal(1e-3, TrainingState.Schedule(last)!.BaseLrs[0]);
        }
        Assert.True(File.Exists(run.Snapshot("motion", 0)));
        Assert.False(File.Exists(run.Snapshot("motion", 1)));

        var metrics = MetricsLog.Read(run.MetricsFile);
        Assert.Equal(["train", "val", "test"], metrics.Select(m => m.Phase));
        Assert.All(metrics, m => Assert.Equal(1, m.Epoch));
        Assert.Equal(epoch1.Train.Loss, metrics[0].Loss);
        Assert.Equal(8, metrics[0].Clips);
        Assert.Equal(2, metrics[1].Clips);

        var config1 = JsonNode.Parse(File.ReadAllText(run.ConfigFile))!;
        Assert.Equal(3, config1["train_config"]!["epochs"]!.GetValue<int>());
        Assert.Equal(run.Path, config1["train_config"]!["run_dir"]!.GetValue<string>());
        Assert.Equal(2, config1["model_config"]!["num_classes"]!.GetValue<int>());
        Assert.Equal(8, config1["data"]!["train_videos"]!.GetValue<int>());

        // TensorBoard: one event file with the reference's scalar tags, readable as TFRecords.
        var events = Assert.Single(Directory.GetFiles(run.Path, "events.out.tfevents.*"));
        var bytes = File.ReadAllBytes(events);
        var text = Encoding.ASCII.GetString(bytes);
        foreach (var tag in new[] { "data/train_loss_epoch", "data/train_acc_epoch", "data/val_loss_epoch", "data/val_acc_epoch", "data/test_loss_epoch", "data/test_acc_epoch", "data/lr_epoch" })
            Assert.Contains(tag, text);
        int records = 0;
        for (long at = 0; at < bytes.Length; records++) at += 8 + 4 + BitConverter.ToInt64(bytes, (int)at) + 4;
        Assert.Equal(1 + 7, records); // file version + 7 scalars

        var png = File.ReadAllBytes(run.CurvesFile);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
    }

    [Fact]
    public void Pretrained_Sports1M_weights_start_conv1_to_fc7()
    {
        using var dir = TrainingData.Small(classes: 2, train: 1, val: 0, test: 0, frames: 16, width: 171, height: 128);
        var config = TrainingData.Narrow(dir, "run", epochs: 1) with
        {
            Pretrained = Support.Fixtures.PretrainedNarrow, CropSize = 112, InputScale = 1, Optimizer = "sgd", Lr = 1e-9, BatchSize = 2,
        };
        var result = Trainer.Run(config);
        var trained = TrainingData.Weights(result.LastCheckpoint);
        using var pre = C3dCheckpoint.Load(Support.Fixtures.PretrainedNarrow);
        foreach (var key in new[] { "conv1.weight", "conv5b.bias", "fc7.weight" })
            Assert.True(trained[key].allclose(pre.StateDict[key], rtol: 1e-4, atol: 1e-6), $"{key} is not the pretrained one");
        Assert.Equal(new long[] { 2, 512 }, trained["fc8.weight"].shape);
    }

    [Fact]
    public void Our_narrow_checkpoint_as_pretrained_gives_its_width_and_crop_without_options()
    {
        using var dir = TrainingData.Small(classes: 2, train: 1, val: 0, test: 0, frames: 16);
        string weights = dir.File("narrow.pth");
        Seeding.SeedTorch(5);
        using (var model = new C3D(new C3dConfig { NumClasses = 3, WidthMultiplier = 0.125, CropSize = 56 }))
        using (var ckpt = C3dCheckpoint.FromModel(model)) ckpt.Save(weights);
        var notices = new List<string>();
        // As `c3d train --data D --pretrained narrow.pth --epochs 1 --max-batches 1 --lr 1e-9 --width-mult 1`: width and crop are not for the user to match.
        var config = new TrainConfig
        {
            Data = dir.File("data"), RunDir = dir.File("run"), Pretrained = weights, Epochs = 1, MaxBatches = 1, BatchSize = 2, Lr = 1e-9, WidthMultiplier = 1.0,
            Workers = 1, Device = "cpu", TestEvery = 0, SnapshotEvery = 0,
            Given = new HashSet<string> { nameof(TrainConfig.Data), nameof(TrainConfig.RunDir), nameof(TrainConfig.Pretrained), nameof(TrainConfig.Epochs),
                nameof(TrainConfig.MaxBatches), nameof(TrainConfig.BatchSize), nameof(TrainConfig.Lr), nameof(TrainConfig.WidthMultiplier) },
        };
        var result = Trainer.Run(config, new Callback<TrainProgress>(p => { if (p is TrainNotice n) notices.Add(n.Message); }));
        using var trained = C3dCheckpoint.Load(result.LastCheckpoint);
        Assert.Equal((0.125, 56, 2), (trained.ModelConfig.WidthMultiplier, trained.ModelConfig.CropSize, trained.ModelConfig.NumClasses));
        using var pre = C3dCheckpoint.Load(weights);
        Assert.True(trained.StateDict["conv1.weight"].allclose(pre.StateDict["conv1.weight"], rtol: 1e-4, atol: 1e-6));
        Assert.Contains(notices, n => n.Contains("narrow.pth") && n.Contains("width multiplier 0.125 taken from the weights (--width-mult 1 ignored)"));
    }

    [Fact]
    public void Bad_options_and_data_are_refused_before_training_with_the_option_named()
    {
        using var dir = TrainingData.Small(classes: 2, train: 1, val: 0, test: 0, frames: 16);
        Assert.Contains("--crop-size 112 does not fit frames of 100x64",
            Assert.Throws<ArgumentException>(() => Trainer.Run(TrainingData.Narrow(dir, "r") with { CropSize = 112, ResizeWidth = 100, ResizeHeight = 64 })).Message);
        Assert.Contains("--optimizer", Assert.Throws<ArgumentException>(() => Trainer.Run(TrainingData.Narrow(dir, "r") with { Optimizer = "adam" })).Message);
        Assert.Contains("--lr", Assert.Throws<ArgumentException>(() => Trainer.Run(TrainingData.Narrow(dir, "r") with { Lr = 0 })).Message);
        Assert.Throws<DirectoryNotFoundException>(() => Trainer.Run(TrainingData.Narrow(dir, "r") with { Data = dir.File("nothing") }));
        Assert.False(Directory.Exists(dir.File("r")));
    }

    [Fact]
    public void Runs_are_numbered_by_number_not_text()
    {
        using var dir = new Support.TempDir();
        Assert.Equal(Path.Combine(dir.Path, "run_0"), RunFolder.Next(dir.Path));
        foreach (var n in new[] { "run_2", "run_9", "run_10", "notes" }) Directory.CreateDirectory(dir.File(n));
        Assert.Equal(Path.Combine(dir.Path, "run_11"), RunFolder.Next(dir.Path));
    }
}
