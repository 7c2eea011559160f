using C3dNet.Outputs;
using System.Text.Json.Nodes;
using C3dNet.Checkpoints;
using C3dNet.Datasets;
using C3dNet.Models;
using C3dNet.Runtime;
using C3dNet.Training.FrozenBackbone;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace C3dNet.Training;

/// <summary>
/// Everything a run needs before its first batch: data, model, optimizer, lr schedule, run folder, and
/// (on resume) the state to continue from. All checks that can fail do so here, before any training.
/// </summary>
internal sealed class TrainingSetup : IDisposable
{
    public required TrainConfig Config { get; init; }
    public required FrameDataset Data { get; init; }
    public required ClipDataset Train { get; init; }
    public ClipDataset? Val { get; init; }
    public ClipDataset? Test { get; init; }
    /// <summary>The network trained: C3D or a video ResNet (<see cref="TrainConfig.Architecture"/>).</summary>
    public required IClipNetwork Model { get; init; }
    public required OptimizerHelper Optimizer { get; init; }
    public required LearningRateSchedule Schedule { get; init; }
    public required RunFolder Run { get; init; }
    public required Device Device { get; init; }
    public required string DatasetName { get; init; }
    public int StartEpoch { get; init; }
    public EpochPosition? Position { get; init; }
    public double? BestValAccuracy { get; init; }
    public string? ResumedFrom { get; init; }
    public List<string> Notices { get; } = [];
    /// <summary>The recipe the run trains with and the values it set (information, not a warning).</summary>
    public required string RecipeLine { get; init; }
    /// <summary>Set for --freeze-backbone / --train-layers: only the head trains, on cached backbone features.</summary>
    public FrozenBackboneRun? Frozen { get; init; }

    public IReadOnlyList<string> ClassNames => Data.ClassNames;

    public static TrainingSetup Create(TrainConfig requested)
    {
        var data = FrameDataset.Open(requested.Data);
        var notices = new List<string>();

        C3dCheckpoint? resume = null, pre = null;
        string? resumeFile = null, resumeRunDir = null;
        try
        {
            if (requested.Resume is not null)
            {
                (resumeFile, resumeRunDir) = RunFolder.ResolveResume(requested.Resume);
                resume = CheckpointLoader.Load(resumeFile, CheckpointUse.Resume);
            }
            else if (requested.Pretrained is not null) pre = CheckpointLoader.Load(requested.Pretrained, CheckpointUse.Backbone);
            string architecture = ArchitectureOf(requested, resume, pre);
            // Checked once the architecture is known (a --pretrained or --resume file decides it): clip and crop limits are its own.
            requested = (requested with { Architecture = architecture }).Validated();
            // A saved run continues with its own recipe and values; a new run (or a reference checkpoint) gets its recipe now.
            var config = ForArchitecture(
                resume?.TrainConfig is { } saved ? RecipeOfSavedRun(requested.ContinuingFrom(saved)) : TrainingRecipe.Resolve(requested),
                architecture, requested).Validated();
            string recipeLine = RecipeNotice(config, requested, continuing: resume?.TrainConfig is not null);
            if (ScratchWithPretrained(config, requested) is { } mismatch) notices.Add(mismatch);
            if (resume?.TrainConfig is not null && DifferingOptions(requested, config) is { Count: > 0 } differ)
                notices.Add($"{resumeFile}: the run continues with its own training options; this command's differ and are not used: {string.Join(", ", differ)}");
            var modelConfig = ModelConfigFor(config, data, resume, pre);
            // The recorded options follow what the weights dictate (a reference checkpoint fixes width, clip and crop).
            config = config with
            {
                WidthMultiplier = modelConfig.WidthMultiplier, ClipLength = modelConfig.ClipLength, CropSize = modelConfig.CropSize,
                ResizeWidth = modelConfig.ResizeWidth, ResizeHeight = modelConfig.ResizeHeight, InputScale = modelConfig.InputScale,
                Architecture = modelConfig.Architecture,
            };
            if (resume is not null) CheckpointLoader.ClassNamesForData(resume, resumeFile!, data.ClassNames, data.Root);
            if (resume is not null && resume.ModelConfigInferred && Math.Abs(requested.WidthMultiplier - modelConfig.WidthMultiplier) > 1e-9)
                notices.Add($"{resumeFile}: width multiplier {modelConfig.WidthMultiplier} taken from the checkpoint's weights (--width-mult {requested.WidthMultiplier} ignored)");
            if (pre is not null && resume is null && Math.Abs(requested.WidthMultiplier - modelConfig.WidthMultiplier) > 1e-9 &&
                requested.Given?.Contains(nameof(TrainConfig.WidthMultiplier)) != false)
                notices.Add($"{requested.Pretrained}: width multiplier {modelConfig.WidthMultiplier} taken from the weights (--width-mult {requested.WidthMultiplier} ignored)");

            var train = new ClipDataset(SplitVideos(data, "train", notices, required: true), modelConfig);
            foreach (var missing in data.ClassNames.Where(c => !train.Videos.Any(v => v.ClassName == c)))
                notices.Add($"{data.SplitDirectory("train")}: class '{missing}' has no training video; the network cannot learn it");
            var val = OptionalSplit(data, "val", modelConfig, notices);
            var test = config.TestEvery > 0 ? OptionalSplit(data, "test", modelConfig, notices) : null;
            notices.AddRange(ClipDataset.SamplingNotices([.. train.Videos, .. val?.Videos ?? [], .. test?.Videos ?? []], modelConfig, data.Root));
            if (val is null) notices.Add($"{data.Root}: no val split: validation is skipped and best.pth.tar is not written");
            if (config.TestEvery > 0 && test is null) notices.Add($"{data.Root}: no test split: the test phase is skipped");

            var device = DeviceSelector.Resolve(config.Device);
            Seeding.SeedTorch(config.Seed);
            var model = ClipNetworks.Create(modelConfig);
            // A new classifier for the data's classes: everything else comes from the pretrained file.
            if (resume is not null) resume.LoadInto(model, resumeFile!);
            else if (pre is not null) pre.LoadInto(model, config.Pretrained!, backboneOnly: true);
            model.Module.to(device);
            var optimizer = OptimizerFactory.Create(model, config);
            if (resume?.OptimizerState is { } opt) OptimizerStateIo.Restore(optimizer, opt, resumeFile!);
            else if (resume is not null) notices.Add($"{resumeFile}: no optimizer state (opt_dict): the optimizer starts afresh");

            var schedule = (resume is null ? null : TrainingState.Schedule(resume))
                ?? new LearningRateSchedule(
                    (resume is null ? null : TrainingState.InitialLearningRates(resume.OptimizerState)) ?? [config.Lr, config.Lr * config.HeadLrMultiplier],
                    config.LrStep, config.LrGamma, config.WarmupEpochs);

            int startEpoch = resume?.Epoch ?? 0;
            if (startEpoch >= config.Epochs)
                throw new ArgumentException($"{resumeFile} has completed {startEpoch} epochs already: pass --epochs greater than {startEpoch} to train on");
            if (resume is not null && TrainingState.RngState(resume) is { } rng) random.set_rng_state(rng);

            var run = new RunFolder(config.RunDir ?? resumeRunDir ?? RunFolder.Next(config.RunsRoot));
            foreach (var stale in run.Prepare(continuing: resumeRunDir is not null && FileIdentity.Same(resumeRunDir, run.Path), overwrite: requested.Overwrite))
                notices.Add($"{stale}: removed a temporary file left by an interrupted write");
            var frozen = config.Frozen
                ? FrozenBackboneRun.Create(config, data, train, val, test, model, device, config.CacheDir ?? Path.Combine(run.Path, FrozenBackboneDefaults.RunFolderCacheName), notices)
                : null;
            var setup = new TrainingSetup
            {
                Config = config with { RunDir = run.Path, Workers = config.ResolvedWorkers },
                Data = data, Train = train, Val = val, Test = test, Model = model, Optimizer = optimizer, Schedule = schedule,
                Run = run, Device = device, DatasetName = config.DatasetName ?? data.Name,
                StartEpoch = startEpoch,
                Position = resume is null ? null : TrainingState.Position(resume),
                BestValAccuracy = resume is null ? null : TrainingState.BestValAccuracy(resume),
                ResumedFrom = resumeFile,
                RecipeLine = recipeLine,
                Frozen = frozen,
            };
            setup.Notices.AddRange(notices);
            setup.WriteConfig();
            MetricsLog.KeepUpTo(run.MetricsFile, startEpoch, setup.Notices);
            return setup;
        }
        finally
        {
            resume?.Dispose();
            pre?.Dispose();
        }
    }

    /// <summary>
    /// The architecture a run trains: a resumed checkpoint's or a pretrained file's own (an --arch that names another is
    /// refused), else <see cref="TrainConfig.Architecture"/> (C3D by default).
    /// </summary>
    private static string ArchitectureOf(TrainConfig requested, C3dCheckpoint? resume, C3dCheckpoint? pre)
    {
        var file = resume ?? pre;
        if (file is null) return requested.Architecture;
        string theirs = file.ModelConfig.Architecture, path = (resume is not null ? requested.Resume : requested.Pretrained)!;
        bool given = requested.Given?.Contains(nameof(TrainConfig.Architecture)) ?? requested.Architecture != C3dConfig.C3dArchitecture;
        if (given && requested.Architecture != theirs)
            throw new ArgumentException($"{path}: holds {theirs} weights, not {requested.Architecture} (--arch)");
        return theirs;
    }

    /// <summary>
    /// The config with <paramref name="architecture"/>. The ResNets normalise by their input's std, so C3D's --input-scale
    /// (a recipe's or the user's) does not apply: one given is refused, a recipe's is left out.
    /// </summary>
    private static TrainConfig ForArchitecture(TrainConfig config, string architecture, TrainConfig requested)
    {
        config = config with { Architecture = architecture };
        if (architecture == C3dConfig.C3dArchitecture) return config;
        if (requested.Given?.Contains(nameof(TrainConfig.InputScale)) == true && requested.InputScale != 1)
            throw new ArgumentException($"--input-scale applies to C3D only: {architecture} divides by its input's std");
        string key = TrainConfig.Key(nameof(TrainConfig.InputScale));
        return config with { InputScale = 1, FromRecipe = config.FromRecipe?.Where(k => k != key).ToList() };
    }

    /// <summary>A run saved before recipes existed: it resumes with its own values, the recipe that stands for (reference), none set by it.</summary>
    private static TrainConfig RecipeOfSavedRun(TrainConfig c) =>
        c.Recipe == TrainingRecipe.Auto || c.FromRecipe is null
            ? c with { Recipe = c.Recipe == TrainingRecipe.Auto ? TrainingRecipe.ReferenceName : c.Recipe, FromRecipe = [] }
            : c;

    /// <summary>
    /// The warning for --pretrained with --recipe scratch: that recipe is made for random weights, and its input scale (when it
    /// set one) feeds the Sports-1M weights inputs 64 times smaller than those they learned on. Null when the pair is not given.
    /// </summary>
    internal static string? ScratchWithPretrained(TrainConfig config, TrainConfig requested)
    {
        if (requested.Pretrained is null || config.Recipe != TrainingRecipe.ScratchName || requested.Resume is not null) return null;
        string scale = config.FromRecipe?.Contains(TrainConfig.Key(nameof(TrainConfig.InputScale))) == true
            ? $" and divides the input by {config.InputScale:g3} (input_scale), while the pretrained weights expect pixel - mean (input scale 1)"
            : "";
        return $"--pretrained with --recipe {TrainingRecipe.ScratchName}: that recipe is made for training from random weights{scale}; " +
               $"for fine-tuning, leave --recipe at auto (reference with --pretrained) or give the options you want explicitly";
    }

    /// <summary>The recipe line printed at the start: which recipe, why, and every value it set.</summary>
    private static string RecipeNotice(TrainConfig config, TrainConfig requested, bool continuing)
    {
        string why = continuing ? "the resumed run's"
            : requested.Recipe != TrainingRecipe.Auto ? "--recipe"
            : requested.Pretrained is not null ? "auto: --pretrained given"
            : requested.Resume is not null ? "auto: resuming"
            : "auto: no --pretrained, no --resume";
        var json = config.ToJson();
        var set = config.FromRecipe ?? [];
        string values = set.Count == 0 ? "no option taken from it" : string.Join(", ", set.Select(k => $"{k} {json[k]?.ToJsonString() ?? "none"}"));
        return $"recipe {config.Recipe} ({why}): {values}";
    }

    private static List<string> DifferingOptions(TrainConfig requested, TrainConfig effective)
    {
        var a = requested.ToJson();
        var b = effective.ToJson();
        return TrainConfig.TrajectoryOptions.Where(o => requested.Given is null || requested.Given.Contains(o)).Select(TrainConfig.Key)
            .Where(k => !JsonNode.DeepEquals(a[k], b[k]))
            .Select(k => $"{k} {a[k]?.ToJsonString() ?? "null"} (run: {b[k]?.ToJsonString() ?? "null"})").ToList();
    }

    private static C3dConfig ModelConfigFor(TrainConfig config, FrameDataset data, C3dCheckpoint? resume, C3dCheckpoint? pre)
    {
        if (resume is { ModelConfigInferred: false }) return resume.ModelConfig;
        if (config.Architecture != C3dConfig.C3dArchitecture)
        {
            // A ResNet sees its input as its weights were trained (a torchvision file: Kinetics-400's; ours: what it records),
            // at this run's clip length, crop and frame size.
            var weightsInput = pre?.ModelConfig.Input ?? ModelInput.Kinetics400;
            return (C3dConfig.ForVideoResNet(config.Architecture, data.ClassNames.Count, weightsInput with
            {
                ClipLength = config.ClipLength, CropSize = config.CropSize,
                ResizeWidth = config.ResolvedResizeWidth, ResizeHeight = config.ResolvedResizeHeight,
            }) with { WidthMultiplier = config.WidthMultiplier }).Validated();
        }
        var fromOptions = new C3dConfig
        {
            NumClasses = data.ClassNames.Count, ClipLength = config.ClipLength, CropSize = config.CropSize,
            WidthMultiplier = config.WidthMultiplier, InputScale = config.InputScale, FrameStep = data.FrameStep,
            ResizeWidth = config.ResolvedResizeWidth, ResizeHeight = config.ResolvedResizeHeight,
        };
        if (resume is null && pre is not null)
        {
            // Pretrained C3D weights fix the width, and the crop through fc6's input size: taken from the file
            // (recorded in ours, inferred from the shapes of others) unless --crop-size was given.
            var p = pre.ModelConfig;
            var sized = config.Given is { } given && !given.Contains(nameof(TrainConfig.CropSize)) ? config with { CropSize = p.CropSize } : config;
            return (fromOptions with
            {
                WidthMultiplier = p.WidthMultiplier, CropSize = sized.CropSize,
                ResizeWidth = sized.ResolvedResizeWidth, ResizeHeight = sized.ResolvedResizeHeight,
            }).Validated();
        }
        if (resume is null) return fromOptions.Validated();
        var w = resume.ModelConfig; // inferred from a reference checkpoint's weight shapes
        return (fromOptions with
        {
            NumClasses = w.NumClasses, WidthMultiplier = w.WidthMultiplier, ClipLength = w.ClipLength, CropSize = w.CropSize,
            ResizeWidth = w.CropSize == config.CropSize ? config.ResolvedResizeWidth : C3dConfig.FrameSizeFor(w.CropSize).Width,
            ResizeHeight = w.CropSize == config.CropSize ? config.ResolvedResizeHeight : C3dConfig.FrameSizeFor(w.CropSize).Height,
        }).Validated();
    }

    private static IReadOnlyList<VideoEntry> SplitVideos(FrameDataset data, string split, List<string> notices, bool required)
    {
        if (!data.HasSplit(split))
        {
            if (required) throw new DirectoryNotFoundException($"{data.SplitDirectory(split)}: the {split} split is missing");
            return [];
        }
        var videos = data.Videos(split, notices);
        if (required && videos.Count == 0) throw new InvalidDataException($"{data.SplitDirectory(split)}: no videos with frames to train on");
        return videos;
    }

    private static ClipDataset? OptionalSplit(FrameDataset data, string split, C3dConfig modelConfig, List<string> notices)
    {
        var videos = SplitVideos(data, split, notices, required: false);
        return videos.Count == 0 ? null : new ClipDataset(videos, modelConfig);
    }

    /// <summary>config.json: every resolved option, the model config and the classes.</summary>
    private void WriteConfig()
    {
        var json = new JsonObject
        {
            ["train_config"] = Config.ToJson(),
            ["model_config"] = System.Text.Json.JsonSerializer.SerializeToNode(Model.Config, PickleJson.Options),
            ["class_names"] = new JsonArray(ClassNames.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
            ["data"] = new JsonObject
            {
                ["root"] = Data.Root,
                ["frame_step"] = Data.FrameStep,
                ["frame_step_from_manifest"] = Data.FrameStepFromManifest,
                ["train_videos"] = Train.Videos.Count,
                ["val_videos"] = Val?.Videos.Count ?? 0,
                ["test_videos"] = Test?.Videos.Count ?? 0,
            },
            ["resumed_from"] = ResumedFrom,
            ["start_epoch"] = StartEpoch,
        };
        AtomicFile.Write(Run.ConfigFile, temp => File.WriteAllText(temp, json.ToJsonString(PickleJson.Options)));
    }

    public void Dispose()
    {
        Frozen?.Dispose();
        Optimizer.Dispose();
        Model.Dispose();
    }
}
