using System.Text.Json.Serialization;

namespace C3dNet.Models;

/// <summary>
/// Everything needed to rebuild a C3D and feed it correctly. Saved inside every checkpoint
/// (key <c>model_config</c>) so that eval, predict and features need nothing else.
/// </summary>
public sealed record C3dConfig
{
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
}
