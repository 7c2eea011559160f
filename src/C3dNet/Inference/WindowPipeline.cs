namespace C3dNet.Inference;

/// <summary>
/// Sampled frames in, per-window outputs out: frames become windows (<see cref="WindowStream"/>), windows become
/// batches (<see cref="ClipBatcher{T}"/>), each batch goes through the clip function. Shared by inputs read here
/// (videos, frame folders) and frames a caller pushes.
/// </summary>
internal sealed class WindowPipeline : IDisposable
{
    private readonly List<WindowOutput> outputs = [];
    private readonly ClipBatcher<(ClipWindow Window, int Start, int End, double? StartS, double? EndS)> batcher;
    private readonly double? fps;
    private readonly WindowStream stream;

    /// <param name="model">The network (its clip length, sizes and normalisation).</param>
    /// <param name="settings">How frames become clips.</param>
    /// <param name="batchSize">Clips per call of <paramref name="compute"/>.</param>
    /// <param name="compute">The per-clip function (probabilities or features).</param>
    /// <param name="windowsDone">Windows done so far, after each batch.</param>
    /// <param name="cancel">Checked before each batch.</param>
    /// <param name="fps">The source's frame rate: the last frame of a window lasts 1/fps when the decoder gave no duration.</param>
    public WindowPipeline(ClipModel model, SamplingSettings settings, double? fps, int batchSize, WindowedInference.ClipFunction compute,
        IProgress<int>? windowsDone, CancellationToken cancel)
    {
        this.fps = fps;
        batcher = new(batchSize, model.Config, (buffer, tags) =>
        {
            cancel.ThrowIfCancellationRequested();
            var values = compute(buffer, tags.Count);
            for (int i = 0; i < tags.Count; i++)
                outputs.Add(new WindowOutput(tags[i].Window, tags[i].Start, tags[i].End, values[i], tags[i].StartS, tags[i].EndS));
            windowsDone?.Report(outputs.Count);
        });
        stream = new WindowStream(settings.ClipLength, settings.Stride);
    }

    /// <summary>Adds the next sampled frame (the pipeline takes ownership).</summary>
    public void Push(SampledFrame frame) => stream.Push(frame, OnWindow);

    /// <summary>Ends the input: the tail window, the last partial batch; returns the windows and the sampled frame count.</summary>
    public (List<WindowOutput> Windows, int Sampled) Finish()
    {
        int sampled = stream.SampledFrames;
        stream.Complete(OnWindow);
        batcher.Flush();
        return (outputs, sampled);
    }

    private void OnWindow(ReadyWindow w) =>
        batcher.Add(w.Frames.Select(f => f.Frame).ToArray(), (w.Window, w.StartFrame, w.EndFrame, w.StartSeconds, w.EndSeconds(fps)));

    public void Dispose() => stream.Dispose();
}
