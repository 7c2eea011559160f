namespace C3dNet.Models;

/// <summary>
/// How a model sees its input, in one place: which source frames (<see cref="Sampling"/>), resized to
/// <see cref="ResizeWidth"/> x <see cref="ResizeHeight"/>, a <see cref="CropSize"/> square crop, clips of
/// <see cref="ClipLength"/> frames, and per pixel <c>(value / ValueScale − Mean[c]) / Std[c]</c> with channels in
/// <see cref="ChannelOrder"/>. <see cref="InputTensor"/> turns 8-bit frames into that layout.
/// </summary>
internal sealed record ModelInput
{
    /// <summary>"BGR" (as OpenCV decodes; C3D's reference) or "RGB" (torchvision).</summary>
    public required string ChannelOrder { get; init; }
    /// <summary>8-bit pixel values are divided by this first: 1 for C3D, 255 for torchvision's [0, 1] floats.</summary>
    public required float ValueScale { get; init; }
    /// <summary>Subtracted per channel (in <see cref="ChannelOrder"/>, in the units after <see cref="ValueScale"/>).</summary>
    public required float[] Mean { get; init; }
    /// <summary>Divided by per channel after the mean; null for none (C3D's reference subtracts the mean only).</summary>
    public float[]? Std { get; init; }
    public required int ResizeWidth { get; init; }
    public required int ResizeHeight { get; init; }
    public required int CropSize { get; init; }
    public required int ClipLength { get; init; }
    public required TemporalSampling Sampling { get; init; }

    /// <summary>
    /// The input a model config describes. C3D: mean [90, 98, 102] in BGR without std, every 4th frame, 171x128, 112
    /// by default; its <see cref="C3dConfig.InputScale"/> divides after the mean, so it is a uniform std here. The
    /// video ResNets store value scale, std and frame rate themselves (<see cref="C3dConfig.ForVideoResNet"/>).
    /// </summary>
    public static ModelInput For(C3dConfig config) => new()
    {
        ChannelOrder = config.ChannelOrder,
        ValueScale = config.ValueScale,
        Mean = [.. config.Mean],
        Std = config.Std is { } std ? [.. std] : config.InputScale == 1f ? null : [config.InputScale, config.InputScale, config.InputScale],
        ResizeWidth = config.ResizeWidth,
        ResizeHeight = config.ResizeHeight,
        CropSize = config.CropSize,
        ClipLength = config.ClipLength,
        Sampling = config.FramesPerSecond is double fps ? TemporalSampling.AtFramesPerSecond(fps) : TemporalSampling.EveryKthFrame(config.FrameStep),
    };

    /// <summary>
    /// What torchvision's Kinetics-400 video weights (r3d_18, mc3_18, r2plus1d_18) were trained and evaluated with:
    /// 16 frames at 15 fps, resized to 128x171 (height x width), centre crop 112, RGB, /255, then its mean and std
    /// (torchvision's <c>VideoClassification</c> preset and the weights' docs). A new instance each time: the arrays
    /// are mutable.
    /// </summary>
    public static ModelInput Kinetics400 => new()
    {
        ChannelOrder = "RGB",
        ValueScale = 255f,
        Mean = [0.43216f, 0.394666f, 0.37645f],
        Std = [0.22803f, 0.22145f, 0.216989f],
        ResizeWidth = 171,
        ResizeHeight = 128,
        CropSize = 112,
        ClipLength = 16,
        Sampling = TemporalSampling.AtFramesPerSecond(15),
    };

    /// <summary>Throws with a clear message when a value is out of range.</summary>
    public ModelInput Validated()
    {
        if (ChannelOrder is not ("BGR" or "RGB")) throw new ArgumentException($"channel order must be BGR or RGB, got {ChannelOrder}");
        if (!(ValueScale > 0)) throw new ArgumentException($"value scale must be positive, got {ValueScale}");
        if (Mean.Length != 3) throw new ArgumentException($"mean needs 3 values, got {Mean.Length}");
        if (Std is not null && (Std.Length != 3 || Std.Any(s => !(s > 0))))
            throw new ArgumentException($"std needs 3 positive values, got [{string.Join(", ", Std)}]");
        if (CropSize < 1 || ResizeWidth < CropSize || ResizeHeight < CropSize)
            throw new ArgumentException($"a {CropSize} crop does not fit {ResizeWidth}x{ResizeHeight} frames");
        if (ClipLength < 1) throw new ArgumentException($"clip length must be at least 1, got {ClipLength}");
        Sampling.Validated();
        return this;
    }
}
