using System.Text.Json.Nodes;
using C3dNet.Checkpoints;
using C3dNet.Tests.Support;
using C3dNet.Training;

namespace C3dNet.Tests.Training;

public class TrainingRecipeTests
{
    [Theory]
    [InlineData("auto", false, false, "scratch")]
    [InlineData("auto", true, false, "reference")]
    [InlineData("auto", false, true, "reference")]
    [InlineData("auto", true, true, "reference")]
    [InlineData("reference", false, false, "reference")]
    [InlineData("scratch", true, false, "scratch")]
    [InlineData("scratch", false, true, "scratch")]
    public void Auto_is_reference_when_starting_from_weights_and_scratch_otherwise_a_named_recipe_is_itself(
        string name, bool pretrained, bool resumed, string expected) =>
        Assert.Equal(expected, TrainingRecipe.Choose(name, pretrained, resumed).Name);

    [Fact]
    public void An_unknown_recipe_is_an_error_naming_the_choices()
    {
        var e = Assert.Throws<ArgumentException>(() => TrainingRecipe.Choose("fast", false, false));
        Assert.Equal("--recipe must be one of auto, reference, scratch, got 'fast'", e.Message);
        Assert.Throws<ArgumentException>(() => new TrainConfig { Data = "d", Recipe = "fast" }.Validated());
    }

    [Fact]
    public void The_recipes_hold_the_values_of_the_reference_and_of_the_from_scratch_recipe_and_TrainConfig_defaults_are_the_reference()
    {
        var r = TrainingRecipe.Reference;
        Assert.Equal((20, "sgd", 1e-3, 0.9, 5e-4, 10.0, 10, 0.1, 0.0, (double?)null, 1f),
            (r.BatchSize, r.Optimizer, r.Lr, r.Momentum, r.WeightDecay, r.HeadLrMultiplier, r.LrStep, r.LrGamma, r.WarmupEpochs, r.ClipGradNorm, r.InputScale));
        var s = TrainingRecipe.Scratch;
        Assert.Equal((4, "adamw", 3e-5, 1e-2, 10.0, 1.0, (double?)40, 64f),
            (s.BatchSize, s.Optimizer, s.Lr, s.WeightDecay, s.HeadLrMultiplier, s.WarmupEpochs, s.ClipGradNorm, s.InputScale));
        var d = new TrainConfig { Data = "d" };
        Assert.Equal((r.BatchSize, r.Optimizer, r.Lr, r.Momentum, r.WeightDecay, r.HeadLrMultiplier, r.LrStep, r.LrGamma, r.WarmupEpochs, r.ClipGradNorm, r.InputScale),
            (d.BatchSize, d.Optimizer, d.Lr, d.Momentum, d.WeightDecay, d.HeadLrMultiplier, d.LrStep, d.LrGamma, d.WarmupEpochs, d.ClipGradNorm, d.InputScale));
        // Reference.ApplyTo changes nothing of the defaults, and sets every recipe option.
        var applied = r.ApplyTo(d with { Given = new HashSet<string>() });
        Assert.Equal(d with { Recipe = "reference", FromRecipe = applied.FromRecipe, Given = applied.Given }, applied);
        Assert.Equal(TrainingRecipe.Options.Select(TrainConfig.Key), applied.FromRecipe!);
    }

    [Fact]
    public void Options_given_win_over_the_recipe_and_the_recipe_sets_the_others()
    {
        var config = new TrainConfig
        {
            Data = "d", Lr = 1e-5, BatchSize = 2, ClipGradNorm = null, Epochs = 3,
            Given = new HashSet<string> { nameof(TrainConfig.Lr), nameof(TrainConfig.BatchSize), nameof(TrainConfig.ClipGradNorm), nameof(TrainConfig.Epochs) },
        };
        var c = TrainingRecipe.Resolve(config);
        Assert.Equal("scratch", c.Recipe);
        Assert.Equal((1e-5, 2, (double?)null, 3), (c.Lr, c.BatchSize, c.ClipGradNorm, c.Epochs)); // given
        Assert.Equal(("adamw", 1e-2, 64f, 1.0), (c.Optimizer, c.WeightDecay, c.InputScale, c.WarmupEpochs)); // from the recipe
        Assert.Equal(["optimizer", "momentum", "weight_decay", "head_lr_multiplier", "lr_step", "lr_gamma", "warmup_epochs", "input_scale"], c.FromRecipe!);

        // With --pretrained, auto is the reference recipe; a given --recipe wins over auto's choice.
        var pretrained = TrainingRecipe.Resolve(config with { Pretrained = "c3d.pth" });
        Assert.Equal(("reference", "sgd", 1f, 1e-5), (pretrained.Recipe, pretrained.Optimizer, pretrained.InputScale, pretrained.Lr));
        Assert.Equal("scratch", TrainingRecipe.Resolve(config with { Pretrained = "c3d.pth", Recipe = "scratch" }).Recipe);
    }

    [Fact]
    public void A_config_built_in_code_without_Given_keeps_every_value_it_set()
    {
        var config = new TrainConfig { Data = "d", Lr = 0.5, Optimizer = "sgd" };
        var c = TrainingRecipe.Resolve(config);
        Assert.Equal(("scratch", 0.5, "sgd", 20, 1f), (c.Recipe, c.Lr, c.Optimizer, c.BatchSize, c.InputScale));
        Assert.Empty(c.FromRecipe!);
    }

    [Fact]
    public void The_default_recipe_is_printed_with_its_values_and_recorded_in_config_json_and_the_checkpoint_an_option_given_wins()
    {
        using var dir = TrainingData.Small(train: 2, val: 0, test: 0);
        var (code, stdout, stderr) = CliRunner.Run("train", "--data", dir.File("data"), "--run-dir", dir.File("run"), "--epochs", "1", "--max-batches", "1",
            "--width-mult", "0.125", "--crop-size", "56", "--lr", "1e-4", "--device", "cpu", "--test-every", "0");
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("recipe scratch (auto: no --pretrained, no --resume): batch_size 4, optimizer \"adamw\", momentum 0.9, weight_decay 0.01, " +
                        "head_lr_multiplier 10, lr_step 10, lr_gamma 0.1, warmup_epochs 1, clip_grad_norm 40, input_scale 64",
            System.Text.RegularExpressions.Regex.Replace(stdout, @"\s+", " "));
        var saved = JsonNode.Parse(File.ReadAllText(dir.File("run/config.json")))!["train_config"]!.AsObject();
        using var ckpt = C3dCheckpoint.Load(dir.File("run/models/last.pth.tar"));
        foreach (var train in new[] { saved, ckpt.TrainConfig! })
        {
            Assert.Equal("scratch", train["recipe"]!.GetValue<string>());
            Assert.Equal(["batch_size", "optimizer", "momentum", "weight_decay", "head_lr_multiplier", "lr_step", "lr_gamma", "warmup_epochs", "clip_grad_norm", "input_scale"],
                train["from_recipe"]!.AsArray().Select(n => n!.GetValue<string>()));
            Assert.Equal((1e-4, "adamw", 4.0, 40.0, 64.0), (Number(train["lr"]), train["optimizer"]!.GetValue<string>(), Number(train["batch_size"]),
                Number(train["clip_grad_norm"]), Number(train["input_scale"])));
        }
        Assert.Equal(64f, ckpt.ModelConfig.InputScale);

        // Resumed, the run keeps its recipe and values (auto would be reference for a checkpoint that has no saved config).
        var (code2, stdout2, stderr2) = CliRunner.Run("train", "--data", dir.File("data"), "--resume", dir.File("run"), "--epochs", "2");
        Assert.True(code2 == 0, stdout2 + stderr2);
        Assert.Contains("recipe scratch (the resumed run's): batch_size 4", System.Text.RegularExpressions.Regex.Replace(stdout2, @"\s+", " "));
        using var resumed = C3dCheckpoint.Load(dir.File("run/models/last.pth.tar"));
        Assert.Equal((2, "scratch", 1e-4), (resumed.Epoch, resumed.TrainConfig!["recipe"]!.GetValue<string>(), Number(resumed.TrainConfig!["lr"])));
    }

    [Fact]
    public void The_reference_recipe_given_explicitly_sets_the_reference_values()
    {
        using var dir = TrainingData.Small(train: 2, val: 0, test: 0);
        var (code, stdout, stderr) = CliRunner.Run("train", "--data", dir.File("data"), "--run-dir", dir.File("run"), "--epochs", "1", "--max-batches", "1",
            "--width-mult", "0.125", "--crop-size", "56", "--recipe", "reference", "--batch-size", "2", "--clip-grad-norm", "5", "--device", "cpu", "--test-every", "0");
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains("recipe reference (--recipe): optimizer \"sgd\", lr 0.001, momentum 0.9", System.Text.RegularExpressions.Regex.Replace(stdout, @"\s+", " "));
        var train = JsonNode.Parse(File.ReadAllText(dir.File("run/config.json")))!["train_config"]!;
        Assert.Equal(("reference", 2.0, 5.0, 1.0), (train["recipe"]!.GetValue<string>(), Number(train["batch_size"]), Number(train["clip_grad_norm"]),
            Number(train["input_scale"])));
    }

    [Fact]
    public void Pretrained_weights_with_the_scratch_recipe_get_a_warning_naming_the_input_scale_and_auto_gets_none()
    {
        using var dir = TrainingData.Small(train: 1, val: 0, test: 0, width: 171, height: 128);
        string[] common = ["train", "--data", dir.File("data"), "--epochs", "1", "--max-batches", "1", "--batch-size", "2", "--width-mult", "0.125",
            "--pretrained", Fixtures.PretrainedNarrow, "--device", "cpu", "--test-every", "0", "--snapshot-every", "0"];
        var (code, stdout, stderr) = CliRunner.Run([.. common, "--run-dir", dir.File("scratch"), "--recipe", "scratch"]);
        Assert.True(code == 0, stdout + stderr);
        string warning = System.Text.RegularExpressions.Regex.Replace(stderr, @"\s+", " ");
        Assert.Contains("--pretrained with --recipe scratch: that recipe is made for training from random weights and divides the input by 64 (input_scale), " +
                        "while the pretrained weights expect pixel - mean (input scale 1)", warning);
        Assert.DoesNotContain("--pretrained with --recipe", stdout);

        // With --input-scale given, the warning says only what still applies; with auto (reference) there is none.
        (code, stdout, stderr) = CliRunner.Run([.. common, "--run-dir", dir.File("scaled"), "--recipe", "scratch", "--input-scale", "1"]);
        Assert.True(code == 0, stdout + stderr);
        warning = System.Text.RegularExpressions.Regex.Replace(stderr, @"\s+", " ");
        Assert.Contains("--pretrained with --recipe scratch: that recipe is made for training from random weights; for fine-tuning", warning);
        Assert.DoesNotContain("divides the input", warning);
        (code, stdout, stderr) = CliRunner.Run([.. common, "--run-dir", dir.File("auto")]);
        Assert.True(code == 0, stdout + stderr);
        Assert.DoesNotContain("--pretrained with --recipe", stdout + stderr);
    }

    /// <summary>A JSON number as a double (a checkpoint's pickled train_config gives 40.0 back as an integer).</summary>
    private static double Number(JsonNode? node) => double.Parse(node!.ToJsonString(), System.Globalization.CultureInfo.InvariantCulture);
}
