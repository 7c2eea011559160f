namespace C3dNet.Training;

/// <summary>
/// A named set of training options that work together. `reference` is the reference's fine-tuning recipe (DESIGN §3: SGD,
/// fc8 at 10x, StepLR); it diverges from scratch on full-width C3D (DESIGN §7). `scratch` is the from-scratch recipe
/// (DESIGN §2.8: inputs divided by 64, AdamW, a one-epoch warm-up, gradient clipping at norm 40 as mmaction2 does, batches of 4;
/// lr 3e-5 chosen at full width by measurement, README "Training recipes": 3e-4, the demo's lr for its narrow C3D, made the
/// loss jump). Each value here is the only place it is defined.
/// </summary>
internal sealed record TrainingRecipe
{
    public const string Auto = "auto", ReferenceName = "reference", ScratchName = "scratch";
    public static readonly string[] Choices = [Auto, ReferenceName, ScratchName];

    public required string Name { get; init; }
    public required int BatchSize { get; init; }
    public required string Optimizer { get; init; }
    public required double Lr { get; init; }
    public required double Momentum { get; init; }
    public required double WeightDecay { get; init; }
    public required double HeadLrMultiplier { get; init; }
    public required int LrStep { get; init; }
    public required double LrGamma { get; init; }
    public required double WarmupEpochs { get; init; }
    public required double? ClipGradNorm { get; init; }
    public required float InputScale { get; init; }

    public static readonly TrainingRecipe Reference = new()
    {
        Name = ReferenceName, BatchSize = 20, Optimizer = "sgd", Lr = ReferenceOptimizer.Lr, Momentum = ReferenceOptimizer.Momentum,
        WeightDecay = ReferenceOptimizer.WeightDecay, HeadLrMultiplier = ReferenceOptimizer.HeadLrMultiplier, LrStep = 10, LrGamma = 0.1,
        WarmupEpochs = 0, ClipGradNorm = null, InputScale = 1,
    };

    public static readonly TrainingRecipe Scratch = Reference with
    {
        Name = ScratchName, BatchSize = 4, Optimizer = "adamw", Lr = 3e-5, WeightDecay = 1e-2, WarmupEpochs = 1, ClipGradNorm = 40, InputScale = 64,
    };

    /// <summary>The options (<see cref="TrainConfig"/> property names) a recipe sets.</summary>
    public static readonly string[] Options =
    [
        nameof(TrainConfig.BatchSize), nameof(TrainConfig.Optimizer), nameof(TrainConfig.Lr), nameof(TrainConfig.Momentum),
        nameof(TrainConfig.WeightDecay), nameof(TrainConfig.HeadLrMultiplier), nameof(TrainConfig.LrStep), nameof(TrainConfig.LrGamma),
        nameof(TrainConfig.WarmupEpochs), nameof(TrainConfig.ClipGradNorm), nameof(TrainConfig.InputScale),
    ];

    /// <summary>Its values in a line, for help texts.</summary>
    public string Summary() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{Optimizer} lr {Lr:g3} (fc8 x{HeadLrMultiplier:g3}), weight decay {WeightDecay:g3}, StepLR {LrStep}/{LrGamma:g3}, " +
        $"warm-up {WarmupEpochs:g3} epochs, gradient norm clip {(ClipGradNorm is { } n ? n.ToString("g3", System.Globalization.CultureInfo.InvariantCulture) : "none")}, " +
        $"input scale {InputScale:g3}, batch {BatchSize}");

    /// <summary>The recipe <paramref name="name"/> stands for: auto is reference when starting from weights (--pretrained or --resume), scratch otherwise.</summary>
    public static TrainingRecipe Choose(string name, bool pretrained, bool resumed) => name switch
    {
        Auto => pretrained || resumed ? Reference : Scratch,
        ReferenceName => Reference,
        ScratchName => Scratch,
        _ => throw new ArgumentException($"--recipe must be one of {string.Join(", ", Choices)}, got '{name}'"),
    };

    /// <summary>
    /// The config with this recipe's value for every recipe option the user did not give (<see cref="TrainConfig.Given"/>;
    /// null: all given, so none is set), and <see cref="TrainConfig.Recipe"/> and <see cref="TrainConfig.FromRecipe"/> recording it.
    /// </summary>
    public TrainConfig ApplyTo(TrainConfig c)
    {
        var set = Options.Where(o => c.Given is { } given && !given.Contains(o)).ToHashSet();
        T Pick<T>(string option, T mine, T recipe) => set.Contains(option) ? recipe : mine;
        return c with
        {
            Recipe = Name,
            FromRecipe = Options.Where(set.Contains).Select(TrainConfig.Key).ToList(),
            BatchSize = Pick(nameof(BatchSize), c.BatchSize, BatchSize),
            Optimizer = Pick(nameof(Optimizer), c.Optimizer, Optimizer),
            Lr = Pick(nameof(Lr), c.Lr, Lr),
            Momentum = Pick(nameof(Momentum), c.Momentum, Momentum),
            WeightDecay = Pick(nameof(WeightDecay), c.WeightDecay, WeightDecay),
            HeadLrMultiplier = Pick(nameof(HeadLrMultiplier), c.HeadLrMultiplier, HeadLrMultiplier),
            LrStep = Pick(nameof(LrStep), c.LrStep, LrStep),
            LrGamma = Pick(nameof(LrGamma), c.LrGamma, LrGamma),
            WarmupEpochs = Pick(nameof(WarmupEpochs), c.WarmupEpochs, WarmupEpochs),
            ClipGradNorm = Pick(nameof(ClipGradNorm), c.ClipGradNorm, ClipGradNorm),
            InputScale = Pick(nameof(InputScale), c.InputScale, InputScale),
        };
    }

    /// <summary>
    /// The config a new run (or a resumed one without a saved config: a reference checkpoint) trains with: the recipe its
    /// <see cref="TrainConfig.Recipe"/> stands for, applied to the options not given.
    /// </summary>
    public static TrainConfig Resolve(TrainConfig c) => Choose(c.Recipe, c.Pretrained is not null, c.Resume is not null).ApplyTo(c);
}
