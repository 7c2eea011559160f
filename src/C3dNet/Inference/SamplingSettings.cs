using C3dNet.Models;

namespace C3dNet.Inference;

/// <summary>
/// How frames become clips at inference, the same as in training: every <see cref="FrameStep"/>-th
/// source frame (or, when <see cref="FramesPerSecond"/> is set, the frames torchvision's resampling to that rate
/// keeps, <see cref="FrameRateResampling"/>), resized to <see cref="ResizeWidth"/> x <see cref="ResizeHeight"/>, centre crop
/// <see cref="CropSize"/>, windows of <see cref="ClipLength"/> sampled frames every <see cref="Stride"/>.
/// </summary>
internal sealed record SamplingSettings
{
    public int ClipLength { get; init; } = C3dConfig.ReferenceClipLength;
    public int CropSize { get; init; } = C3dConfig.ReferenceCropSize;
    public int ResizeWidth { get; init; } = C3dConfig.ReferenceFrameWidth;
    public int ResizeHeight { get; init; } = C3dConfig.ReferenceFrameHeight;
    /// <summary>Step asked for (the checkpoint's, or the user's); short videos get a lower one by <see cref="Video.FrameStepRule"/>.</summary>
    public int FrameStep { get; init; } = Video.FrameStepRule.DefaultStep;
    /// <summary>Resample videos to this frame rate (torchvision's Kinetics-400 weights: 15) instead of a frame step.</summary>
    public double? FramesPerSecond { get; init; }
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
        var input = config.Input;
        if (frameStep is not null && input.Sampling.FramesPerSecond is double rate)
            throw new ArgumentException($"--frame-step does not apply to {config.Architecture}: its clips are the video resampled to {rate:0.###} fps, as it was trained");
        return new SamplingSettings
        {
            FramesPerSecond = input.Sampling.FramesPerSecond,
            ClipLength = config.ClipLength,
            CropSize = config.CropSize,
            ResizeWidth = config.ResizeWidth,
            ResizeHeight = config.ResizeHeight,
            FrameStep = frameStep ?? input.Sampling.FrameStep ?? Video.FrameStepRule.DefaultStep,
            Stride = stride,
            FolderFps = folderFps,
        };
    }
}
