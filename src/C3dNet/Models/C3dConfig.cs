using System.Text.Json.Serialization;

namespace C3dNet.Models;

/// <summary>
/// Everything needed to rebuild a network and feed it correctly: its <see cref="Architecture"/> (C3D by default, or
/// one of torchvision's video ResNets) and its input (<see cref="Input"/>). Saved inside every checkpoint (key
/// <c>model_config</c>) so that eval, predict and features need nothing else. Files without an architecture are C3D.
/// </summary>
internal sealed record C3dConfig
{
    /// <summary>The architecture name of C3D; the video ResNets use torchvision's (<see cref="VideoResNetArchitecture.All"/>).</summary>
    public const string C3dArchitecture = "c3d";
    /// <summary>The smallest crop the video ResNets are run at here (their pooling is adaptive; below this little is left to see).</summary>
    public const int MinResNetCropSize = 16;

    /// <summary>Every architecture name <c>--arch</c> takes, C3D first.</summary>
    public static IReadOnlyList<string> Architectures => [C3dArchitecture, .. VideoResNetArchitecture.All.Select(a => a.Name)];

    /// <summary>"c3d", "r3d_18", "mc3_18" or "r2plus1d_18".</summary>
    public string Architecture { get; init; } = C3dArchitecture;

    /// <summary>
    /// The reference C3D's input (Tran et al.; the reference PyTorch code): 16-frame clips, 112x112 crops from 171x128
    /// frames. Every other default of clip length, crop and frame size (training, preprocessing, sampling) derives from these.
    /// </summary>
    public const int ReferenceClipLength = 16, ReferenceCropSize = 112, ReferenceFrameWidth = 171, ReferenceFrameHeight = 128;
    /// <summary>The smallest clip and crop C3D's five poolings can run (time is halved four times, space five).</summary>
    public const int MinClipLength = 16, MinCropSize = 32;

    /// <summary>Number of output classes (fc8 width).</summary>
    public int NumClasses { get; init; } = 101;
    /// <summary>Frames per clip (temporal input size).</summary>
    public int ClipLength { get; init; } = ReferenceClipLength;
    /// <summary>Square spatial crop fed to the network.</summary>
    public int CropSize { get; init; } = ReferenceCropSize;
    /// <summary>Channel-width multiplier: 1.0 is the paper's C3D; smaller for CPU experiments.</summary>
    public double WidthMultiplier { get; init; } = 1.0;
    /// <summary>Per-channel mean subtracted from pixel values, in <see cref="ChannelOrder"/>.</summary>
    public float[] Mean { get; init; } = [90f, 98f, 102f];
    /// <summary>Input pixels are divided by this after mean subtraction (1 = the reference).</summary>
    public float InputScale { get; init; } = 1f;
    /// <summary>Channel order of the input tensor: "BGR" as OpenCV decodes (the reference), or "RGB".</summary>
    public string ChannelOrder { get; init; } = "BGR";
    /// <summary>Every k-th source frame was kept when the training frames were extracted.</summary>
    public int FrameStep { get; init; } = Video.FrameStepRule.DefaultStep;
    /// <summary>Frame size (width x height) the crops are taken from.</summary>
    public int ResizeWidth { get; init; } = ReferenceFrameWidth;
    public int ResizeHeight { get; init; } = ReferenceFrameHeight;
    /// <summary>8-bit values are divided by this before the mean (1 for C3D; 255 for torchvision's weights).</summary>
    public float ValueScale { get; init; } = 1f;
    /// <summary>Per-channel std divided by after the mean (torchvision's weights); null: <see cref="InputScale"/> for all three.</summary>
    public float[]? Std { get; init; }
    /// <summary>When set, clips are made of the video resampled to this rate (torchvision's 15 fps) instead of every <see cref="FrameStep"/>-th frame.</summary>
    public double? FramesPerSecond { get; init; }

    /// <summary>True for C3D, false for the video ResNets.</summary>
    [JsonIgnore] public bool IsC3d => Architecture == C3dArchitecture;
    /// <summary>The classifier layer's name: fc8 for C3D, fc for the ResNets.</summary>
    [JsonIgnore] public string ClassifierLayer => IsC3d ? "fc8" : "fc";
    /// <summary>How this network sees its input (the one description every verb samples and normalises by).</summary>
    [JsonIgnore] public ModelInput Input => ModelInput.For(this);

    /// <summary>"5 classes, width 0.25, clip 16x112x112" (C3D) or "r3d_18, 400 classes, clip 16x112x112", for messages.</summary>
    public string Describe() => IsC3d
        ? $"{NumClasses} classes, width {WidthMultiplier}, clip {ClipLength}x{CropSize}x{CropSize}"
        : $"{Architecture}, {NumClasses} classes, clip {ClipLength}x{CropSize}x{CropSize}";

    /// <summary>
    /// The config of a torchvision video ResNet (<paramref name="architecture"/>) with <paramref name="numClasses"/>
    /// outputs that sees <paramref name="input"/> (torchvision's Kinetics-400 weights: <see cref="ModelInput.Kinetics400"/>).
    /// </summary>
    public static C3dConfig ForVideoResNet(string architecture, int numClasses, ModelInput input) => new()
    {
        Architecture = architecture,
        NumClasses = numClasses,
        ClipLength = input.ClipLength,
        CropSize = input.CropSize,
        ResizeWidth = input.ResizeWidth,
        ResizeHeight = input.ResizeHeight,
        ChannelOrder = input.ChannelOrder,
        ValueScale = input.ValueScale,
        Mean = [.. input.Mean],
        Std = input.Std is null ? null : [.. input.Std],
        FrameStep = input.Sampling.FrameStep ?? Video.FrameStepRule.DefaultStep,
        FramesPerSecond = input.Sampling.FramesPerSecond,
    };

    /// <summary>The reference's 171x128 frames for 112 crops, scaled for other crop sizes (same margins).</summary>
    public static (int Width, int Height) FrameSizeFor(int cropSize) =>
        ((int)Math.Round((double)ReferenceFrameWidth * cropSize / ReferenceCropSize),
         (int)Math.Round((double)ReferenceFrameHeight * cropSize / ReferenceCropSize));

    /// <summary>Channel counts of conv1, conv2, conv3, conv4, conv5 and the fc6/fc7 width.</summary>
    [JsonIgnore] public int[] Channels => [Scale(64), Scale(128), Scale(256), Scale(512), Scale(512)];
    [JsonIgnore] public int FcWidth => Scale(4096);

    /// <summary>Flattened size after pool5; 8192 for the paper's 16x112x112 at full width.</summary>
    [JsonIgnore]
    public int FlattenSize
    {
        get
        {
            // pool1 (1,2,2); pool2..pool4 (2,2,2); pool5 (2,2,2) with padding (0,1,1).
            static int Pool(int n, int k, int s, int p) => (int)Math.Floor((n + 2.0 * p - k) / s) + 1;
            int t = ClipLength, h = CropSize, w = CropSize;
            h = Pool(h, 2, 2, 0); w = Pool(w, 2, 2, 0);
            for (int i = 0; i < 3; i++) { t = Pool(t, 2, 2, 0); h = Pool(h, 2, 2, 0); w = Pool(w, 2, 2, 0); }
            t = Pool(t, 2, 2, 0); h = Pool(h, 2, 2, 1); w = Pool(w, 2, 2, 1);
            if (t < 1 || h < 1 || w < 1)
                throw new ArgumentException($"clip length {ClipLength} and crop {CropSize} are too small for C3D's five poolings (need at least 16 frames and 32 pixels)");
            return Channels[4] * t * h * w;
        }
    }

    private int Scale(int channels) => Math.Max(1, (int)Math.Round(channels * WidthMultiplier));

    /// <summary>Throws with a clear message when a value is out of range.</summary>
    public C3dConfig Validated()
    {
        if (!IsC3d) return ValidatedVideoResNet();
        if (Std is not null || ValueScale != 1f || FramesPerSecond is not null)
            throw new ArgumentException("C3D takes a mean, an input scale and a frame step, not std, value scale or a frame rate");
        if (NumClasses < 1) throw new ArgumentException($"number of classes must be at least 1, got {NumClasses}");
        if (WidthMultiplier <= 0 || WidthMultiplier > 4) throw new ArgumentException($"width multiplier must be in (0, 4], got {WidthMultiplier}");
        if (Mean.Length != 3) throw new ArgumentException($"mean needs 3 values, got {Mean.Length}");
        if (ChannelOrder is not ("BGR" or "RGB")) throw new ArgumentException($"channel order must be BGR or RGB, got {ChannelOrder}");
        if (InputScale <= 0) throw new ArgumentException($"input scale must be positive, got {InputScale}");
        if (ClipLength < MinClipLength) throw new ArgumentException($"clip length must be at least {MinClipLength} (C3D pools time four times), got {ClipLength}");
        if (CropSize < MinCropSize) throw new ArgumentException($"crop size must be at least {MinCropSize} (C3D pools space five times), got {CropSize}");
        if (ResizeWidth < CropSize || ResizeHeight < CropSize)
            throw new ArgumentException($"crop size {CropSize} does not fit frames of {ResizeWidth}x{ResizeHeight}");
        _ = FlattenSize;
        return this;
    }

    private C3dConfig ValidatedVideoResNet()
    {
        if (VideoResNetArchitecture.Find(Architecture) is null)
            throw new ArgumentException($"unknown architecture '{Architecture}': this version knows {string.Join(", ", Architectures)}");
        if (NumClasses < 1) throw new ArgumentException($"number of classes must be at least 1, got {NumClasses}");
        if (WidthMultiplier != 1) throw new ArgumentException($"{Architecture} has torchvision's widths only (width multiplier 1), got {WidthMultiplier}");
        if (InputScale != 1) throw new ArgumentException($"{Architecture} takes std and a value scale, not an input scale (got {InputScale})");
        if (CropSize < MinResNetCropSize) throw new ArgumentException($"crop size must be at least {MinResNetCropSize} for {Architecture}, got {CropSize}");
        Input.Validated();
        return this;
    }
}
