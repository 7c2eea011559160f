using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using C3dNet.Checkpoints;
using C3dNet.Datasets;
using C3dNet.Models;

namespace C3dNet.Training;

/// <summary>
/// Every option of a training run. The options a <see cref="TrainingRecipe"/> sets default to the reference recipe's values;
/// <see cref="Recipe"/> replaces those not <see cref="Given"/> when the run starts (<see cref="TrainingRecipe.Resolve"/>).
/// Saved as config.json and in every checkpoint.
/// </summary>
internal sealed record TrainConfig
{
    /// <summary>Frame dataset folder (output of c3d preprocess).</summary>
    public required string Data { get; init; }
    /// <summary>Run folder; null: the next run/run_N under <see cref="RunsRoot"/>.</summary>
    public string? RunDir { get; init; }
    public string RunsRoot { get; init; } = "run";
    /// <summary>Start again in a --run-dir that holds an earlier run (its run files are replaced); not saved, never resumed.</summary>
    [JsonIgnore] public bool Overwrite { get; init; }
    /// <summary>Checkpoint file or run folder to continue from.</summary>
    public string? Resume { get; init; }
    /// <summary>
    /// Weights to fine-tune from, everything below the classifier (a new one is made for the data's classes): Sports-1M
    /// c3d-pretrained.pth (conv1–fc7), a checkpoint of ours, or a torchvision video ResNet state_dict (all but fc).
    /// </summary>
    public string? Pretrained { get; init; }
    /// <summary>
    /// The network to train: "c3d" (the default) or torchvision's "r3d_18", "mc3_18", "r2plus1d_18"
    /// (<see cref="C3dConfig.Architectures"/>). --pretrained and --resume files decide it themselves.
    /// </summary>
    public string Architecture { get; init; } = C3dConfig.C3dArchitecture;
    /// <summary>Name in snapshot file names (C3D-&lt;name&gt;_epoch-N); null: the data folder's name.</summary>
    public string? DatasetName { get; init; }

    public int Epochs { get; init; } = 100;

    /// <summary>
    /// "auto" (reference with --pretrained or --resume, else scratch), "reference" or "scratch": see <see cref="TrainingRecipe"/>.
    /// Once the run starts, the recipe it chose.
    /// </summary>
    public string Recipe { get; init; } = TrainingRecipe.Auto;
    /// <summary>The options (config keys) whose values the recipe set; the others were given. Null until the run starts.</summary>
    public IReadOnlyList<string>? FromRecipe { get; init; }

    public int BatchSize { get; init; } = TrainingRecipe.Reference.BatchSize;
    /// <summary>"sgd" (the reference) or "adamw".</summary>
    public string Optimizer { get; init; } = TrainingRecipe.Reference.Optimizer;
    public double Lr { get; init; } = TrainingRecipe.Reference.Lr;
    public double Momentum { get; init; } = TrainingRecipe.Reference.Momentum;
    public double WeightDecay { get; init; } = TrainingRecipe.Reference.WeightDecay;
    /// <summary>fc8 learns at this multiple of the lr (the reference: 10).</summary>
    public double HeadLrMultiplier { get; init; } = TrainingRecipe.Reference.HeadLrMultiplier;
    /// <summary>StepLR step in epochs; 0 keeps the lr constant.</summary>
    public int LrStep { get; init; } = TrainingRecipe.Reference.LrStep;
    public double LrGamma { get; init; } = TrainingRecipe.Reference.LrGamma;
    /// <summary>Linear warm-up of the lr over this many epochs (per batch); 0: none.</summary>
    public double WarmupEpochs { get; init; } = TrainingRecipe.Reference.WarmupEpochs;
    /// <summary>Gradient norm clipping (mmaction2 uses 40); null: none.</summary>
    public double? ClipGradNorm { get; init; } = TrainingRecipe.Reference.ClipGradNorm;

    public int ClipLength { get; init; } = C3dConfig.ReferenceClipLength;
    public int CropSize { get; init; } = C3dConfig.ReferenceCropSize;
    /// <summary>Frame size crops are taken from; null: 171x128 scaled by crop/112.</summary>
    public int? ResizeWidth { get; init; }
    public int? ResizeHeight { get; init; }
    public double WidthMultiplier { get; init; } = 1.0;
    /// <summary>
    /// Probability of flipping a training clip horizontally (the reference: 0.5). Use 0 when classes differ by horizontal
    /// direction (moving left vs right, turning clockwise vs counter-clockwise): a flip turns one class into the other.
    /// </summary>
    public double FlipProbability { get; init; } = 0.5;
    /// <summary>Inputs are (pixel - mean) / InputScale; 1 is the reference.</summary>
    public float InputScale { get; init; } = TrainingRecipe.Reference.InputScale;

    /// <summary>Run the test split every N epochs; 0: never.</summary>
    public int TestEvery { get; init; } = 20;
    /// <summary>Write models/C3D-&lt;dataset&gt;_epoch-N.pth.tar every N epochs; 0: never.</summary>
    public int SnapshotEvery { get; init; } = 50;
    /// <summary>Centre-crop clips per video in validation and test phases.</summary>
    public int ValClips { get; init; } = 1;
    public long Seed { get; init; } = 42;
    public string Device { get; init; } = "auto";
    /// <summary>Loader threads; 0: half the cores (1 to 4).</summary>
    public int Workers { get; init; }
    /// <summary>Stop each phase after this many batches (smoke runs); null: all.</summary>
    public int? MaxBatches { get; init; }

    // Frozen backbone (FrozenBackbone/): the head trains on backbone features computed once.
    /// <summary>Keep the backbone (C3D: conv1–conv5b) fixed and train only the head (C3D: fc6–fc8, or <see cref="TrainLayers"/>).</summary>
    public bool FreezeBackbone { get; init; }
    /// <summary>The head layers that train, comma-separated (e.g. "fc8"); null: the whole head. Implies <see cref="FreezeBackbone"/>.</summary>
    public string? TrainLayers { get; init; }
    /// <summary>Clip variants (start, crop, flip) per training video in the feature cache; each epoch draws one per video.</summary>
    public int CacheClips { get; init; } = FrozenBackbone.FrozenBackboneDefaults.CacheClips;
    /// <summary>Folder of the feature cache (to share it between runs); null: feature-cache in the run folder.</summary>
    public string? CacheDir { get; init; }
    /// <summary>False: the frozen backbone runs live on every batch (on the same clips the cache would hold), for checking.</summary>
    public bool CacheFeatures { get; init; } = true;
    [JsonIgnore] public bool Frozen => FreezeBackbone || TrainLayers is not null;

    /// <summary>
    /// The options the user set (property names; the command line's explicit options). On resume every other option comes
    /// from the saved run, so a resumed run goes on as it began. Null: all are taken as set, and only the trajectory options
    /// come from the saved run.
    /// </summary>
    [JsonIgnore] public IReadOnlySet<string>? Given { get; init; }

    /// <summary>Options that say where the files are, not how to train: never taken from a saved run.</summary>
    public static readonly string[] LocationOptions = [nameof(Data), nameof(RunDir), nameof(RunsRoot), nameof(Resume)];

    /// <summary>Options that shape the trajectory of training. On resume they come from the checkpoint, so the run continues as it began.</summary>
    public static readonly string[] TrajectoryOptions =
    [
        nameof(Architecture), nameof(Recipe), nameof(FromRecipe), nameof(BatchSize), nameof(Optimizer), nameof(Lr), nameof(Momentum), nameof(WeightDecay), nameof(HeadLrMultiplier),
        nameof(LrStep), nameof(LrGamma), nameof(WarmupEpochs), nameof(ClipGradNorm), nameof(ClipLength), nameof(CropSize),
        nameof(ResizeWidth), nameof(ResizeHeight), nameof(WidthMultiplier), nameof(InputScale), nameof(FlipProbability), nameof(ValClips), nameof(Seed),
        nameof(DatasetName), nameof(FreezeBackbone), nameof(TrainLayers), nameof(CacheClips),
    ];

    [JsonIgnore] public int ResolvedWorkers => ClipLoader.ResolveWorkers(Workers);
    [JsonIgnore] public int ResolvedResizeWidth => ResizeWidth ?? C3dConfig.FrameSizeFor(CropSize).Width;
    [JsonIgnore] public int ResolvedResizeHeight => ResizeHeight ?? C3dConfig.FrameSizeFor(CropSize).Height;

    /// <summary>Throws with a clear message naming the option when a value is out of range.</summary>
    public TrainConfig Validated()
    {
        static void Check(bool ok, string message) { if (!ok) throw new ArgumentException(message); }
        Check(Epochs >= 1, $"--epochs must be at least 1, got {Epochs}");
        Check(TrainingRecipe.Choices.Contains(Recipe), $"--recipe must be one of {string.Join(", ", TrainingRecipe.Choices)}, got '{Recipe}'");
        Check(BatchSize >= 1, $"--batch-size must be at least 1, got {BatchSize}");
        Check(Optimizer is "sgd" or "adamw", $"--optimizer must be sgd or adamw, got '{Optimizer}'");
        Check(Lr > 0 && double.IsFinite(Lr), $"--lr must be positive, got {Lr}");
        Check(Momentum >= 0 && Momentum < 1, $"--momentum must be in [0, 1), got {Momentum}");
        Check(WeightDecay >= 0, $"--weight-decay must be at least 0, got {WeightDecay}");
        Check(HeadLrMultiplier > 0, $"--head-lr-mult must be positive, got {HeadLrMultiplier}");
        Check(LrStep >= 0, $"--lr-step must be at least 0 (0: constant lr), got {LrStep}");
        Check(LrGamma > 0, $"--lr-gamma must be positive, got {LrGamma}");
        Check(WarmupEpochs >= 0, $"--warmup-epochs must be at least 0, got {WarmupEpochs}");
        Check(ClipGradNorm is null or > 0, $"--clip-grad-norm must be positive, got {ClipGradNorm}");
        Check(C3dConfig.Architectures.Contains(Architecture), $"--arch must be one of {string.Join(", ", C3dConfig.Architectures)}, got '{Architecture}'");
        bool c3d = Architecture == C3dConfig.C3dArchitecture;
        Check(!c3d || ClipLength >= C3dConfig.MinClipLength, $"--clip-len must be at least {C3dConfig.MinClipLength} (C3D pools time four times), got {ClipLength}");
        Check(ClipLength >= 1, $"--clip-len must be at least 1, got {ClipLength}");
        int minCrop = c3d ? C3dConfig.MinCropSize : C3dConfig.MinResNetCropSize;
        Check(CropSize >= minCrop, $"--crop-size must be at least {minCrop} for {Architecture}, got {CropSize}");
        Check(ResolvedResizeWidth >= CropSize && ResolvedResizeHeight >= CropSize,
            $"--crop-size {CropSize} does not fit frames of {ResolvedResizeWidth}x{ResolvedResizeHeight} (--resize)");
        Check(WidthMultiplier > 0 && WidthMultiplier <= 4, $"--width-mult must be in (0, 4], got {WidthMultiplier}");
        Check(InputScale > 0, $"--input-scale must be positive, got {InputScale}");
        Check(FlipProbability is >= 0 and <= 1, $"--flip-prob must be in [0, 1], got {FlipProbability}");
        Check(TestEvery >= 0, $"--test-every must be at least 0, got {TestEvery}");
        Check(SnapshotEvery >= 0, $"--snapshot-every must be at least 0, got {SnapshotEvery}");
        Check(ValClips >= 1, $"--val-clips must be at least 1, got {ValClips}");
        Check(MaxBatches is null or >= 1, $"--max-batches must be at least 1, got {MaxBatches}");
        Check(CacheClips >= 1, $"--cache-clips must be at least 1, got {CacheClips}");
        // The cache options shape a frozen run only; given to any other run they would do nothing (a resumed run knows from its saved config).
        Check(Resume is not null || Frozen || Given is null || !Given.Overlaps([nameof(CacheClips), nameof(CacheDir), nameof(CacheFeatures)]),
            "--cache-clips, --cache-dir and --no-feature-cache apply to a frozen backbone only: add --freeze-backbone or --train-layers");
        Check(Workers >= 0, $"--workers must be at least 0, got {Workers}");
        return this;
    }

    public JsonObject ToJson() => (JsonObject)JsonSerializer.SerializeToNode(this, PickleJson.Options)!;

    public static TrainConfig FromJson(JsonObject json) =>
        json.Deserialize<TrainConfig>(PickleJson.Options) ?? throw new InvalidDataException("empty train config");

    /// <summary>
    /// The config a resumed run continues with, from the saved run's (a checkpoint's train_config): its trajectory options
    /// always, and every other option not <see cref="Given"/> (where the files are excepted).
    /// </summary>
    public TrainConfig ContinuingFrom(JsonObject saved)
    {
        var mine = ToJson();
        foreach (var key in mine.Select(kv => kv.Key).ToList())
        {
            if (LocationOptions.Any(o => Key(o) == key)) continue;
            bool fromRun = TrajectoryOptions.Any(o => Key(o) == key) || (Given is { } given && !given.Any(o => Key(o) == key));
            if (fromRun && saved.TryGetPropertyValue(key, out var value)) mine[key] = value?.DeepClone();
        }
        return FromJson(mine) with { Given = Given };
    }

    /// <summary>An option's key in config.json and in a checkpoint's train_config.</summary>
    public static string Key(string option) => JsonNamingPolicy.SnakeCaseLower.ConvertName(option);
}
