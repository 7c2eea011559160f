using C3dNet.Inference;

namespace C3dNet;

/// <summary>
/// How an <see cref="ActionRecognizer"/> runs and samples, with the defaults of <c>c3d predict</c>. Every property is
/// optional: <c>new RecognizerOptions()</c> is what <c>c3d predict --checkpoint F</c> does.
/// </summary>
public sealed record RecognizerOptions
{
    /// <summary>"auto" (CUDA when available), "cpu" or "cuda".</summary>
    public string Device { get; init; } = "auto";
    /// <summary>Arithmetic of the network: fp32, or bf16 (module and input cast).</summary>
    public InferencePrecision Precision { get; init; } = InferencePrecision.Fp32;
    /// <summary>Clips per forward pass; null chooses by device and network width (the CLI's --batch-size default).</summary>
    public int? BatchSize { get; init; }
    /// <summary>A class list ('1 ClassName' lines) for checkpoints that store none (the reference's); null uses the checkpoint's.</summary>
    public string? LabelsFile { get; init; }
    /// <summary>Sampled frames between window starts (predict's --stride).</summary>
    public int Stride { get; init; } = 8;
    /// <summary>Keep every k-th source frame; null takes the checkpoint's (as in training). Short videos get a lower step, as preprocessing does.</summary>
    public int? FrameStep { get; init; }
    /// <summary>Classes listed per window and per video (capped at the number of classes).</summary>
    public int TopK { get; init; } = 5;
    /// <summary>Frame rate of frame folders (which carry none), for times in seconds; null leaves their times out.</summary>
    public double? FolderFps { get; init; }
    /// <summary>
    /// Which FFmpeg decodes video files and streams: the system's when the shim loads (Auto), or OpenCV's.
    /// <see cref="Video.VideoDecoder.Ffmpeg"/> makes <see cref="ActionRecognizer.Load"/> throw <see cref="InvalidOperationException"/> when the shim does not load.
    /// </summary>
    public Video.VideoDecoder Decoder { get; init; } = Video.VideoDecoder.Auto;
}

/// <summary>What <see cref="ActionRecognizer.ExtractFeatures(string, FeatureOptions?, IProgress{RecognitionProgress}?, CancellationToken)"/> extracts, with <c>c3d features</c>' defaults.</summary>
public sealed record FeatureOptions
{
    /// <summary>C3D: "fc6" or "fc7" (after ReLU); the video ResNets: "pool" (512-d, before fc). Null: the model's default (fc6, pool).</summary>
    public string? Layer { get; init; }
    /// <summary>Sampled frames between clip starts; null is the clip length (clips do not overlap, as in the C3D paper).</summary>
    public int? Stride { get; init; }
}

/// <summary>Progress of one input: windows (clips) computed so far.</summary>
/// <param name="Input">The input's path, or the name given for supplied frames.</param>
/// <param name="WindowsDone">Windows computed so far (reported after each batch).</param>
public sealed record RecognitionProgress(string Input, int WindowsDone);
