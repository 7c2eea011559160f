using System.Runtime.CompilerServices;
using C3dNet.Checkpoints;
using C3dNet.Inference;
using C3dNet.Models;
using C3dNet.Runtime;
using C3dNet.Video;
using OpenCvSharp;

namespace C3dNet;

/// <summary>
/// Recognises actions in videos with a trained checkpoint: load it once, then call <see cref="Recognize(string, IProgress{RecognitionProgress}?, CancellationToken)"/>
/// on video files, frame folders, or frames you supply (a camera, your own decoder). Results have the windows, times and
/// top-k of <c>c3d predict --json</c>; <see cref="ExtractFeatures(string, FeatureOptions?, IProgress{RecognitionProgress}?, CancellationToken)"/>
/// gives <c>c3d features</c>' fc6/fc7 features.
/// <para>
/// Thread safety: one instance may serve concurrent callers. Reading and decoding run in parallel on the callers'
/// threads; the network's forward passes are serialised by a lock (one model in memory, one pass at a time), so
/// throughput is that of one model. For more, load more instances. Do not call any method after <see cref="Dispose"/>.
/// </para>
/// Errors: a checkpoint that cannot be used throws <see cref="CheckpointException"/>; an input that cannot be read
/// throws (<see cref="InvalidDataException"/>, <see cref="VideoReadException"/>, <see cref="Datasets.FrameReadException"/>, …)
/// with a message naming it; cancelling throws <see cref="OperationCanceledException"/>.
/// </summary>
public sealed class ActionRecognizer : IDisposable
{
    private readonly ClipModel model;
    private readonly IReadOnlyList<string>? classNames;
    private readonly int batchSize;
    private readonly Lock forward = new();

    private ActionRecognizer(string checkpointPath, ClipModel model, IReadOnlyList<string>? classNames, CheckpointKind kind, RecognizerOptions options, int batchSize,
        VideoDecoder decoder, string? decoderNotice)
    {
        Decoder = decoder;
        DecoderNotice = decoderNotice;
        CheckpointPath = checkpointPath;
        this.model = model;
        this.classNames = classNames;
        Kind = kind;
        Options = options;
        this.batchSize = batchSize;
        Sampling = SamplingSettings.For(model.Config, options.Stride, options.FrameStep, options.FolderFps) with { Decoder = decoder };
    }

    /// <summary>
    /// Loads a trained checkpoint (ours or the reference's <c>.pth.tar</c>) for recognition. The checkpoint is checked as
    /// every verb checks it (damaged weights, class names that disagree with the classifier, …).
    /// </summary>
    /// <exception cref="CheckpointException">The file cannot be used; the message names it and the problem.</exception>
    /// <exception cref="InvalidOperationException"><see cref="RecognizerOptions.Decoder"/> is <see cref="VideoDecoder.Ffmpeg"/> and the shim does not load (the message says why).</exception>
    public static ActionRecognizer Load(string checkpointPath, RecognizerOptions? options = null) =>
        Open(checkpointPath, options ?? new RecognizerOptions(), CheckpointUse.Classifier);

    /// <summary>
    /// Loads weights for feature extraction only: a training checkpoint or Sports-1M pretrained weights (no classifier
    /// needed). <see cref="CanRecognize"/> tells whether recognition is available too.
    /// </summary>
    public static ActionRecognizer LoadForFeatures(string weightsPath, RecognizerOptions? options = null) =>
        Open(weightsPath, options ?? new RecognizerOptions(), CheckpointUse.Backbone);

    private static ActionRecognizer Open(string path, RecognizerOptions options, CheckpointUse use)
    {
        if (options.TopK < 1) throw new ArgumentException($"--top-k must be at least 1, got {options.TopK}");
        var (decoder, notice) = VideoDecoders.Resolve(options.Decoder);
        var device = DeviceSelector.Resolve(options.Device);
        using var checkpoint = CheckpointLoader.Load(path, use);
        var names = use == CheckpointUse.Classifier || options.LabelsFile is not null || (checkpoint.Kind == CheckpointKind.Checkpoint && checkpoint.ClassNames is not null)
            ? CheckpointLoader.ClassNames(checkpoint, path, options.LabelsFile)
            : null;
        var model = ClipModel.FromCheckpoint(checkpoint, path, device, options.Precision);
        try
        {
            int batch = InferenceBatchSize.Resolve(options.BatchSize, device, model.Config.WidthMultiplier);
            return new ActionRecognizer(path, model, names, checkpoint.Kind, options, batch, decoder, notice);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The file this was loaded from.</summary>
    public string CheckpointPath { get; }
    /// <summary>A training checkpoint, or Sports-1M pretrained weights (features only).</summary>
    public CheckpointKind Kind { get; }
    /// <summary>
    /// Which FFmpeg decodes video files and streams (<see cref="VideoDecoder.Ffmpeg"/>: the system's, through libc3dav.so
    /// next to the app; or <see cref="VideoDecoder.OpenCv"/>), chosen at load from <see cref="RecognizerOptions.Decoder"/>.
    /// </summary>
    public VideoDecoder Decoder { get; }
    /// <summary>Why <see cref="VideoDecoder.Auto"/> fell back to OpenCV (null when it did not): one line to show the user once.</summary>
    public string? DecoderNotice { get; }
    /// <summary>The options it was loaded with.</summary>
    public RecognizerOptions Options { get; }
    /// <summary>How frames become clips: clip length, frame size, crop, frame step, stride.</summary>
    internal SamplingSettings Sampling { get; }
    /// <summary>Every k-th source frame is used (the checkpoint's, or <see cref="RecognizerOptions.FrameStep"/>); a short video may get a lower one (see <see cref="Recognition.FrameStep"/>).</summary>
    public int FrameStep => Sampling.FrameStep;
    /// <summary>True when the weights have a classifier with class names (<see cref="Load"/> always; <see cref="LoadForFeatures"/> for checkpoints that store them).</summary>
    public bool CanRecognize => classNames is not null;
    /// <summary>The classes, in the order of the network's outputs (and of <see cref="ScoreReport.Index"/>).</summary>
    public IReadOnlyList<string> ClassNames => classNames ?? throw NoClassifier();
    /// <summary>Sampled frames per clip.</summary>
    public int ClipLength => model.Config.ClipLength;
    /// <summary>Width of fc6/fc7 features.</summary>
    public int FeatureWidth => model.Config.IsC3d ? model.Config.FcWidth : VideoResNet.FeatureSize;

    /// <summary>The layer features come from when <see cref="FeatureOptions.Layer"/> is null.</summary>
    public string DefaultFeatureLayer => FeatureExtractor.DefaultLayer(model.Config);
    /// <summary>Clips per forward pass.</summary>
    public int BatchSize => batchSize;

    /// <summary>Recognises the action in a video file or a frame folder (00001.jpg …, already sampled).</summary>
    public Recognition Recognize(string path, IProgress<RecognitionProgress>? progress = null, CancellationToken cancel = default) =>
        Recognize(InputPaths.Of(path), progress, cancel);

    /// <summary>As <see cref="Recognize(string, IProgress{RecognitionProgress}?, CancellationToken)"/>, on the thread pool.</summary>
    public Task<Recognition> RecognizeAsync(string path, IProgress<RecognitionProgress>? progress = null, CancellationToken cancel = default) =>
        Task.Run(() => Recognize(path, progress, cancel), cancel);

    /// <summary>
    /// Recognises the action in frames you supply: 8-bit BGR <see cref="Mat"/>s of any size, in order (every
    /// <see cref="FrameStep"/>-th is used, as for a video). The frames stay yours: they are copied
    /// and not disposed. <paramref name="fps"/> gives times in seconds (null leaves them out).
    /// </summary>
    public Recognition Recognize(IEnumerable<Mat> frames, double? fps, string name = "frames", IProgress<RecognitionProgress>? progress = null, CancellationToken cancel = default) =>
        RecognizeAsync(Async(frames), fps, name, progress, cancel).GetAwaiter().GetResult(); // completes synchronously: nothing in it waits

    /// <summary>As <see cref="Recognize(IEnumerable{Mat}, double?, string, IProgress{RecognitionProgress}?, CancellationToken)"/>, for frames that arrive asynchronously.</summary>
    public async Task<Recognition> RecognizeAsync(IAsyncEnumerable<Mat> frames, double? fps, string name = "frames", IProgress<RecognitionProgress>? progress = null,
        CancellationToken cancel = default)
    {
        var names = ClassNames;
        var run = await WindowedInference.RunFramesAsync(name, frames, fps, model, Sampling, batchSize, Probabilities, Windows(name, progress), cancel).ConfigureAwait(false);
        return Result(new Prediction(run, Predictor.Average(run.Windows.Select(w => w.Values).ToList())), names);
    }

    /// <summary>fc6/fc7 features of every clip of a video file or frame folder, and the video's normalised mean.</summary>
    public ClipFeatures ExtractFeatures(string path, FeatureOptions? options = null, IProgress<RecognitionProgress>? progress = null, CancellationToken cancel = default) =>
        ExtractFeatures(InputPaths.Of(path), options, progress, cancel);

    /// <summary>As <see cref="ExtractFeatures(string, FeatureOptions?, IProgress{RecognitionProgress}?, CancellationToken)"/>, on the thread pool.</summary>
    public Task<ClipFeatures> ExtractFeaturesAsync(string path, FeatureOptions? options = null, IProgress<RecognitionProgress>? progress = null, CancellationToken cancel = default) =>
        Task.Run(() => ExtractFeatures(path, options, progress, cancel), cancel);

    /// <summary>
    /// Recognition on a camera or stream until it ends or <paramref name="cancel"/> is cancelled (which ends it cleanly):
    /// a rolling window of the last clip, <paramref name="onChange"/> called on the working thread each time the top-1
    /// label changes; optionally an annotated video written to <paramref name="annotatedVideoPath"/>.
    /// </summary>
    /// <param name="stream">A camera index ("0") or a stream URL (rtsp://, http://, udp://, a file).</param>
    /// <param name="onChange">Called with each change of the top-1 label (the first label too).</param>
    /// <param name="annotatedVideoPath">Where to write the frames with the current label drawn on them; null writes none.</param>
    /// <param name="cancel">Ends the run cleanly (the annotated video is finished, not dropped).</param>
    /// <exception cref="VideoReadException">The stream cannot be opened.</exception>
    public LiveSummary RecognizeLive(string stream, Action<LabelChange> onChange, string? annotatedVideoPath = null, CancellationToken cancel = default)
    {
        using var source = VideoDecoders.OpenStream(stream, Sampling.Decoder);
        return RecognizeLive(source, onChange, annotatedVideoPath, cancel);
    }

    /// <summary>As <see cref="RecognizeLive(string, Action{LabelChange}, string?, CancellationToken)"/> on a stream already opened.</summary>
    internal LiveSummary RecognizeLive(IFrameSource stream, Action<LabelChange> onChange, string? annotatedVideoPath = null, CancellationToken cancel = default) =>
        LivePredictor.Run(stream, model, Sampling, ClassNames, onChange, annotatedVideoPath, cancel, Probabilities);

    /// <summary>An input as <see cref="InputPaths.Expand"/> lists it (a path with its kind, or the reason it has none).</summary>
    internal Recognition Recognize(InputItem input, IProgress<RecognitionProgress>? progress, CancellationToken cancel)
    {
        var names = ClassNames;
        var run = WindowedInference.Run(input, model, Sampling, batchSize, Probabilities, Windows(input.Path, progress), cancel);
        return Result(new Prediction(run, Predictor.Average(run.Windows.Select(w => w.Values).ToList())), names);
    }

    /// <summary>An input as <see cref="InputPaths.Expand"/> lists it (see <see cref="Recognize(InputItem, IProgress{RecognitionProgress}?, CancellationToken)"/>).</summary>
    internal ClipFeatures ExtractFeatures(InputItem input, FeatureOptions? options, IProgress<RecognitionProgress>? progress = null, CancellationToken cancel = default)
    {
        options ??= new FeatureOptions();
        var settings = FeatureSampling(options);
        string layer = FeatureLayer(options);
        var run = WindowedInference.Run(input, model, settings, batchSize, (batch, n) => { lock (forward) return model.Features(batch, n, layer); },
            Windows(input.Path, progress), cancel);
        return new ClipFeatures(run, layer, settings.Stride);
    }

    /// <summary>The layer <paramref name="options"/> asks for (or the model's default); throws <see cref="ArgumentException"/> for one the model lacks.</summary>
    internal string FeatureLayer(FeatureOptions? options = null)
    {
        string layer = options?.Layer ?? DefaultFeatureLayer;
        return model.Network.FeatureLayers.Contains(layer) ? layer
            : throw new ArgumentException($"unknown feature layer '{layer}' for {(model.Config.IsC3d ? "C3D" : model.Config.Architecture)}: use {string.Join(" or ", model.Network.FeatureLayers)}");
    }

    /// <summary>The sampling feature extraction uses with <paramref name="options"/>; throws <see cref="ArgumentException"/> for a bad layer or stride.</summary>
    internal SamplingSettings FeatureSampling(FeatureOptions? options = null)
    {
        options ??= new FeatureOptions();
        _ = FeatureLayer(options);
        int stride = options.Stride ?? ClipLength;
        if (stride < 1) throw new ArgumentException($"--stride must be at least 1, got {stride}");
        return Sampling with { Stride = stride };
    }

    private float[][] Probabilities(float[] batch, int clips)
    {
        if (classNames is null) throw NoClassifier();
        lock (forward) return model.Probabilities(batch, clips);
    }

    private Recognition Result(Prediction prediction, IReadOnlyList<string> names) =>
        new(prediction, PredictionReport.ForInput(prediction, names, Math.Min(Options.TopK, names.Count)));

    private static IProgress<int>? Windows(string input, IProgress<RecognitionProgress>? progress) =>
        progress is null ? null : new SyncProgress(n => progress.Report(new RecognitionProgress(input, n)));

    private InvalidOperationException NoClassifier() =>
        new($"{CheckpointPath}: loaded for features ({(Kind == CheckpointKind.Pretrained ? "Sports-1M weights" : "no class names")}); recognition needs a checkpoint with its classes (ActionRecognizer.Load)");

#pragma warning disable CS1998 // an async iterator over a synchronous sequence: it never waits
    private static async IAsyncEnumerable<Mat> Async(IEnumerable<Mat> frames, [EnumeratorCancellation] CancellationToken cancel = default)
#pragma warning restore CS1998
    {
        foreach (var f in frames)
        {
            cancel.ThrowIfCancellationRequested();
            yield return f;
        }
    }

    /// <summary>Reports on the caller's thread at once (Progress&lt;T&gt; would post to a context, out of order).</summary>
    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        public void Report(int value) => report(value);
    }

    /// <summary>Frees the network (its weights).</summary>
    public void Dispose() => model.Dispose();
}
