using System.Diagnostics;
using OpenCvSharp;

namespace C3dNet.Inference;

/// <summary>
/// The network's output for one window; frames are source frame numbers (0-based, inclusive); seconds are the
/// decoder's times of the window's start and end (<see cref="ReadyWindow.StartSeconds"/>), null when it gave none.
/// </summary>
internal sealed record WindowOutput(ClipWindow Window, int StartFrame, int EndFrame, float[] Values,
    double? StartSeconds = null, double? EndSeconds = null);

/// <summary>Everything one input gave: how it was sampled, its windows and outputs, and what the user should know.</summary>
internal sealed record InputRun(
    string Input, InputKind Kind, double? Fps, int FrameStep, int SourceFrames, int SampledFrames, int Width, int Height,
    IReadOnlyList<WindowOutput> Windows, IReadOnlyList<string> Warnings, TimeSpan Elapsed)
{
    /// <summary>Seconds of source video, when the frame rate is known.</summary>
    public double? DurationSeconds => Fps is { } fps ? SourceFrames / fps : null;
}

/// <summary>Runs a per-clip function (probabilities or features) over the windows of one input, in batches.</summary>
internal static class WindowedInference
{
    /// <summary>Computes outputs for the first n clips of a batch buffer.</summary>
    public delegate float[][] ClipFunction(float[] batch, int clips);

    public static InputRun Run(InputItem input, ClipModel model, SamplingSettings settings, int batchSize, ClipFunction compute,
        IProgress<int>? windowsDone = null, CancellationToken cancel = default)
    {
        if (input.Problem is not null) throw new InvalidDataException($"{input.Path}: {input.Problem}");
        if (batchSize < 1) throw new ArgumentException($"--batch-size must be at least 1, got {batchSize}");
        var clock = Stopwatch.StartNew();
        var warnings = new List<string>();
        if (input.Kind == InputKind.FrameFolder)
        {
            using var folder = FolderSource.Open(input.Path, settings);
            var r = RunSource(folder, model, settings, batchSize, compute, windowsDone, cancel);
            return Build(input, folder, r, settings, warnings, clock);
        }

        int rightStep;
        using (var video = VideoSource.Open(input.Path, settings))
        {
            var r = RunSource(video, model, settings, batchSize, compute, windowsDone, cancel);
            if (video.SourceFrames == 0) throw new InvalidDataException($"{input.Path}: no frame could be decoded");
            if (video.ResamplesFrameRate)
            {
                // Resampling picks from the frame count: a container that under-reports it is sampled again with the true count.
                if (video.SourceFrames <= video.ExpectedFrames) return Build(input, video, r, settings, warnings, clock);
                warnings.Add($"{input.Path}: the file says {video.ExpectedFrames} frames but {video.SourceFrames} decode; sampled again");
                using var recount = VideoSource.Open(input.Path, settings, frameCount: video.SourceFrames);
                var third = RunSource(recount, model, settings, batchSize, compute, windowsDone, cancel);
                return Build(input, recount, third, settings, warnings, clock);
            }
            rightStep = VideoSource.StepFor(video.SourceFrames, settings);
            if (rightStep == video.FrameStep)
            {
                if (video.FrameStep < settings.FrameStep) warnings.Add(StepLowered(input.Path, video.SourceFrames, video.FrameStep, settings));
                return Build(input, video, r, settings, warnings, clock);
            }
            // The container's frame count was wrong enough to change the step: sample again with the right one.
            warnings.Add($"{input.Path}: the file says {video.ExpectedFrames} frames but {video.SourceFrames} decode; sampled again with frame step {rightStep}");
        }
        using var again = VideoSource.Open(input.Path, settings, rightStep);
        var second = RunSource(again, model, settings, batchSize, compute, windowsDone, cancel);
        if (rightStep < settings.FrameStep) warnings.Add(StepLowered(input.Path, again.SourceFrames, rightStep, settings));
        return Build(input, again, second, settings, warnings, clock);
    }

    private static string StepLowered(string path, int frames, int step, SamplingSettings settings) =>
        $"{path}: {frames} frames, so the frame step is lowered from {settings.FrameStep} to {step} as preprocessing does for short videos";

    private static (List<WindowOutput> Windows, int Sampled) RunSource(ISampledSource source, ClipModel model, SamplingSettings settings,
        int batchSize, ClipFunction compute, IProgress<int>? windowsDone, CancellationToken cancel)
    {
        using var pipeline = new WindowPipeline(model, settings, source.Fps, batchSize, compute, windowsDone, cancel);
        foreach (var frame in source.Frames(cancel)) pipeline.Push(frame);
        return pipeline.Finish();
    }

    /// <summary>
    /// Runs <paramref name="compute"/> over frames a caller supplies (any size, BGR, in order; they stay the caller's):
    /// every <see cref="SamplingSettings.FrameStep"/>-th frame is kept, as for a video whose length is not known.
    /// </summary>
    public static async Task<InputRun> RunFramesAsync(string name, IAsyncEnumerable<Mat> frames, double? fps, ClipModel model, SamplingSettings settings,
        int batchSize, ClipFunction compute, IProgress<int>? windowsDone = null, CancellationToken cancel = default)
    {
        if (batchSize < 1) throw new ArgumentException($"--batch-size must be at least 1, got {batchSize}");
        if (fps is { } f && !(f > 0 && double.IsFinite(f))) throw new ArgumentException($"the frame rate must be positive, got {f}");
        var clock = Stopwatch.StartNew();
        var sampler = new FrameSampler(settings, fps);
        var pipeline = new WindowPipeline(model, settings, fps, batchSize, compute, windowsDone, cancel);
        (List<WindowOutput> Windows, int Sampled) result;
        using (pipeline)
        {
            await foreach (var frame in frames.WithCancellation(cancel).ConfigureAwait(false))
            {
                cancel.ThrowIfCancellationRequested();
                if (sampler.Sample(frame) is { } sampled) pipeline.Push(sampled);
            }
            result = pipeline.Finish();
        }
        var source = new SuppliedFrames(name, fps, settings.FrameStep, sampler.Width, sampler.Height, sampler.SourceFrames);
        return Build(new InputItem(name, InputKind.Frames), source, result, settings, [], clock);
    }

    /// <summary>The sizes and counts of caller-supplied frames, for <see cref="Build"/>.</summary>
    private sealed record SuppliedFrames(string Input, double? Fps, int FrameStep, int Width, int Height, int SourceFrames) : ISampledSource
    {
        public IEnumerable<SampledFrame> Frames(CancellationToken cancel = default) => throw new NotSupportedException();
        public void Dispose() { }
    }

    private static InputRun Build(InputItem input, ISampledSource source, (List<WindowOutput> Windows, int Sampled) result,
        SamplingSettings settings, List<string> warnings, Stopwatch clock)
    {
        if (result.Sampled == 0) throw new InvalidDataException($"{input.Path}: no frame could be read");
        if (result.Sampled < settings.ClipLength)
            warnings.Add($"{input.Path}: only {result.Sampled} sampled frames, fewer than one {settings.ClipLength}-frame clip; its frames are repeated (looped) to fill one window");
        if (input.Kind == InputKind.Video && source.Fps is null)
            warnings.Add($"{input.Path}: the video reports no frame rate; times in seconds are left out");
        return new InputRun(input.Path, input.Kind, source.Fps, source.FrameStep, source.SourceFrames, result.Sampled,
            source.Width, source.Height, result.Windows, warnings, clock.Elapsed);
    }
}
