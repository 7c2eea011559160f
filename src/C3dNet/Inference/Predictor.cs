namespace C3dNet.Inference;

/// <summary>One input's prediction: per-window probabilities (in <see cref="InputRun.Windows"/>) and their mean.</summary>
internal sealed record Prediction(InputRun Run, float[] VideoProbabilities)
{
    /// <summary>
    /// Start of a window in seconds: when its first frame is shown, by the decoder's timestamps (right for variable
    /// frame rates); frame / fps where the frames carry no time (frame folders with --fps).
    /// </summary>
    public double? StartSeconds(WindowOutput w) => w.StartSeconds ?? (Run.Fps is { } fps ? w.StartFrame / fps : null);
    /// <summary>End of a window in seconds: when its last frame stops being shown (its time plus its duration; else (frame + 1) / fps).</summary>
    public double? EndSeconds(WindowOutput w) => w.EndSeconds ?? (Run.Fps is { } fps ? (w.EndFrame + 1) / fps : null);
}

/// <summary>Sliding-window action recognition over videos and frame folders; the video-level result averages the windows' probabilities.</summary>
internal sealed class Predictor(ClipModel model, SamplingSettings settings, int batchSize)
{
    public SamplingSettings Settings => settings;

    public Prediction Predict(InputItem input, IProgress<int>? windowsDone = null, CancellationToken cancel = default)
    {
        var run = WindowedInference.Run(input, model, settings, batchSize, model.Probabilities, windowsDone, cancel);
        return new Prediction(run, Average(run.Windows.Select(w => w.Values).ToList()));
    }

    public static float[] Average(IReadOnlyList<float[]> rows)
    {
        if (rows.Count == 0) throw new ArgumentException("nothing to average: no windows");
        var mean = new double[rows[0].Length];
        foreach (var row in rows)
            for (int i = 0; i < mean.Length; i++) mean[i] += row[i];
        return mean.Select(v => (float)(v / rows.Count)).ToArray();
    }
}

/// <summary>The k most probable classes, best first (ties: lower class index first).</summary>
internal static class TopK
{
    public static IReadOnlyList<(int Index, float Prob)> Of(float[] probabilities, int k)
    {
        if (k < 1) throw new ArgumentException($"--top-k must be at least 1, got {k}");
        return probabilities.Select((p, i) => (Index: i, Prob: p))
            .OrderByDescending(x => x.Prob).ThenBy(x => x.Index)
            .Take(k).ToList();
    }
}
