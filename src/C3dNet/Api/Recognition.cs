using C3dNet.Inference;

namespace C3dNet;

/// <summary>
/// The action recognised in one input: the top classes of the whole input (the mean of the windows' probabilities)
/// and of each window, with frames and times, exactly as one entry of <c>c3d predict --json</c>.
/// </summary>
public sealed class Recognition
{
    internal Recognition(Prediction prediction, InputReport report)
    {
        Prediction = prediction;
        Report = report;
    }

    /// <summary>The input's path, or the name given for supplied frames.</summary>
    public string Input => Report.Input;
    /// <summary>The most probable classes of the whole input, best first (top-k of the mean over windows).</summary>
    public IReadOnlyList<ScoreReport> Top => Report.Video.Top;
    /// <summary>The label of the whole input: <c>Top[0].Label</c>.</summary>
    public string Label => Top[0].Label;
    /// <summary>Each window: first and last source frame (0-based, inclusive), start/end seconds (null without a frame rate), its top-k.</summary>
    public IReadOnlyList<WindowReport> Windows => Report.Windows;
    /// <summary>What the caller should know (short video, frame step lowered, no frame rate …); the result is still valid.</summary>
    public IReadOnlyList<string> Warnings => Prediction.Run.Warnings;
    /// <summary>The class probabilities of the whole input, in the order of <see cref="ActionRecognizer.ClassNames"/>.</summary>
    public IReadOnlyList<float> Probabilities => Prediction.VideoProbabilities;
    /// <summary>Every window's probabilities over all classes (in the order of <see cref="ActionRecognizer.ClassNames"/>), in the order of <see cref="Windows"/>.</summary>
    public IReadOnlyList<IReadOnlyList<float>> WindowProbabilities => Prediction.Run.Windows.Select(w => (IReadOnlyList<float>)w.Values).ToList();
    /// <summary>Every k-th source frame was used (lower than the checkpoint's for a short video; see <see cref="Warnings"/>).</summary>
    public int FrameStep => Prediction.Run.FrameStep;
    /// <summary>Frames in the source (decoded or supplied).</summary>
    public int SourceFrames => Prediction.Run.SourceFrames;
    /// <summary>Frame rate of the source (null when unknown: a frame folder without <see cref="RecognizerOptions.FolderFps"/>, frames without one).</summary>
    public double? Fps => Prediction.Run.Fps;
    /// <summary>Time the recognition took (reading, decoding and the network).</summary>
    public TimeSpan Elapsed => Prediction.Run.Elapsed;
    /// <summary>The entry of <c>c3d predict --json</c>'s "inputs" for this input (serialise it with System.Text.Json).</summary>
    public InputReport Report { get; }
    /// <summary>Everything the run gave (the CLI's reports use it).</summary>
    internal Prediction Prediction { get; }

    /// <summary>The whole <c>c3d predict --json</c> document for this input alone.</summary>
    public PredictionReport ToDocument() => new([Report], []);
}

/// <summary>Per-clip features of one input and their L2-normalised mean, as <c>c3d features</c> writes them.</summary>
public sealed class ClipFeatures
{
    internal ClipFeatures(InputRun run, string layer, int stride)
    {
        Run = run;
        Layer = layer;
        Stride = stride;
    }

    /// <summary>The input's path.</summary>
    public string Input => Run.Input;
    /// <summary>The layer the features come from: "fc6" or "fc7" (C3D), "pool" (the video ResNets).</summary>
    public string Layer { get; }
    /// <summary>Sampled frames between clip starts.</summary>
    public int Stride { get; }
    /// <summary>Features per clip, [clips][width], after ReLU.</summary>
    public IReadOnlyList<float[]> Clips => Run.Windows.Select(w => w.Values).ToList();
    /// <summary>First and last source frame (0-based, inclusive) of each clip, in the order of <see cref="Clips"/>.</summary>
    public IReadOnlyList<(int Start, int End)> ClipFrames => Run.Windows.Select(w => (w.StartFrame, w.EndFrame)).ToList();
    /// <summary>The video's feature: the mean over clips scaled to unit L2 norm.</summary>
    public float[] Video => FeatureExtractor.NormalisedMean(Clips);
    /// <summary>What the caller should know about the input (see <see cref="Recognition.Warnings"/>).</summary>
    public IReadOnlyList<string> Warnings => Run.Warnings;
    /// <summary>Every k-th source frame was used.</summary>
    public int FrameStep => Run.FrameStep;
    /// <summary>Frame rate of the source (null when unknown).</summary>
    public double? Fps => Run.Fps;
    /// <summary>Sampling details and the raw per-clip outputs.</summary>
    internal InputRun Run { get; }

    /// <summary>Writes <c>NAME_LAYER.npy</c> ([clips, width] float32) and <c>NAME_LAYER_video.npy</c> into <paramref name="folder"/>; returns the index.json entry.</summary>
    public FeatureEntry Save(string folder, string name) => FeatureExtractor.Save(Run, folder, name, Layer);
}
