using C3dNet.Models;

namespace C3dNet.Inference;

/// <summary>
/// How frames become clips at inference, the same as in training: every <see cref="FrameStep"/>-th
/// source frame, resized to <see cref="ResizeWidth"/> x <see cref="ResizeHeight"/>, centre crop
/// <see cref="CropSize"/>, windows of <see cref="ClipLength"/> sampled frames every <see cref="Stride"/>.
/// </summary>
public sealed record SamplingSettings
{
    public int ClipLength { get; init; } = C3dConfig.ReferenceClipLength;
    public int CropSize { get; init; } = C3dConfig.ReferenceCropSize;
    public int ResizeWidth { get; init; } = C3dConfig.ReferenceFrameWidth;
    public int ResizeHeight { get; init; } = C3dConfig.ReferenceFrameHeight;
    /// <summary>Step asked for (the checkpoint's, or the user's); short videos get a lower one by <see cref="Video.FrameStepRule"/>.</summary>
    public int FrameStep { get; init; } = Video.FrameStepRule.DefaultStep;
    /// <summary>Sampled frames between window starts.</summary>
    public int Stride { get; init; } = 8;
    /// <summary>Frame rate of frame folders, which carry none; null leaves their times out.</summary>
    public double? FolderFps { get; init; }
    /// <summary>Which FFmpeg decodes videos (<see cref="Video.VideoDecoders"/>).</summary>
    public Video.VideoDecoder Decoder { get; init; } = Video.VideoDecoder.Auto;

    /// <summary>The model's sampling, with the user's frame step and stride.</summary>
    public static SamplingSettings For(C3dConfig config, int stride, int? frameStep = null, double? folderFps = null)
    {
        if (stride < 1) throw new ArgumentException($"--stride must be at least 1, got {stride}");
        if (frameStep is < 1) throw new ArgumentException($"--frame-step must be at least 1, got {frameStep}");
        if (folderFps is <= 0) throw new ArgumentException($"--fps must be positive, got {folderFps}");
        return new SamplingSettings
        {
            ClipLength = config.ClipLength,
            CropSize = config.CropSize,
            ResizeWidth = config.ResizeWidth,
            ResizeHeight = config.ResizeHeight,
            FrameStep = frameStep ?? config.FrameStep,
            Stride = stride,
            FolderFps = folderFps,
        };
    }
}
