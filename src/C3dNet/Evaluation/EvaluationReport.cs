namespace C3dNet.Evaluation;

/// <summary>Accuracy of one class at video level.</summary>
internal sealed record ClassAccuracy(int Index, string Name, int Videos, int Correct, double Accuracy);

/// <summary>A video's result: softmax averaged over its clips.</summary>
internal sealed record VideoPrediction(string Video, int Label, int Predicted, double Probability, bool Correct, int Clips);

/// <summary>
/// What `c3d eval` reports: clip accuracy (each clip on its own) and video accuracy (softmax averaged over a
/// video's clips, as mmaction2 reports C3D), top-1 and top-k, per-class accuracy and the video-level confusion
/// matrix (rows: true class, columns: predicted class). JSON names are snake_case.
/// </summary>
internal sealed record EvaluationReport
{
    public string? Checkpoint { get; init; }
    public string? Data { get; init; }
    public string? Split { get; init; }
    public required IReadOnlyList<string> ClassNames { get; init; }
    public int ClipsPerVideo { get; init; }
    /// <summary>The k of the top-k numbers: 5, or the class count when smaller.</summary>
    public required int TopK { get; init; }
    public required int Videos { get; init; }
    public required int Clips { get; init; }
    public required double ClipTop1 { get; init; }
    public required double ClipTopK { get; init; }
    public required double VideoTop1 { get; init; }
    public required double VideoTopK { get; init; }
    /// <summary>Mean of the per-class video accuracies (classes with videos).</summary>
    public required double MeanClassAccuracy { get; init; }
    public required IReadOnlyList<ClassAccuracy> PerClass { get; init; }
    public required int[][] Confusion { get; init; }
    public required IReadOnlyList<VideoPrediction> Predictions { get; init; }
    /// <summary>Videos left out because a frame could not be read.</summary>
    public IReadOnlyList<string> Failures { get; init; } = [];

    /// <summary>
    /// Computes every number from per-clip probabilities. <paramref name="videoNames"/> and <paramref name="videoLabels"/>
    /// are indexed by the video numbers in <paramref name="scores"/>; videos without clips are left out.
    /// </summary>
    public static EvaluationReport Compute(IReadOnlyList<string> classNames, IReadOnlyList<string> videoNames, IReadOnlyList<int> videoLabels,
        ClipScores scores, int topK = 5)
    {
        int classes = classNames.Count, k = Math.Min(topK, classes);
        int clipTop1 = 0, clipTopK = 0;
        var sums = new Dictionary<int, (double[] Sum, int Clips)>();
        for (int i = 0; i < scores.Count; i++)
        {
            var p = scores.Probabilities[i];
            if (p.Length != classes) throw new ArgumentException($"clip {i} has {p.Length} probabilities, expected {classes}");
            var top = TopIndices(p, k);
            if (top[0] == scores.Labels[i]) clipTop1++;
            if (top.Contains(scores.Labels[i])) clipTopK++;
            int v = scores.Videos[i];
            if (!sums.TryGetValue(v, out var acc)) acc = (new double[classes], 0);
            for (int c = 0; c < classes; c++) acc.Sum[c] += p[c];
            sums[v] = (acc.Sum, acc.Clips + 1);
        }

        var confusion = Enumerable.Range(0, classes).Select(_ => new int[classes]).ToArray();
        var predictions = new List<VideoPrediction>();
        int videoTop1 = 0, videoTopK = 0;
        foreach (var (v, (sum, n)) in sums.OrderBy(kv => kv.Key))
        {
            var mean = sum.Select(s => s / n).ToArray();
            var top = TopIndices(mean, k);
            int label = videoLabels[v];
            bool correct = top[0] == label;
            if (correct) videoTop1++;
            if (top.Contains(label)) videoTopK++;
            confusion[label][top[0]]++;
            predictions.Add(new VideoPrediction(videoNames[v], label, top[0], mean[top[0]], correct, n));
        }
        var perClass = Enumerable.Range(0, classes).Select(c =>
        {
            int total = confusion[c].Sum(), right = confusion[c][c];
            return new ClassAccuracy(c, classNames[c], total, right, total > 0 ? (double)right / total : 0);
        }).ToList();
        var withVideos = perClass.Where(c => c.Videos > 0).ToList();
        int videos = predictions.Count, clips = scores.Count;
        return new EvaluationReport
        {
            ClassNames = classNames, TopK = k, Videos = videos, Clips = clips,
            ClipTop1 = Ratio(clipTop1, clips), ClipTopK = Ratio(clipTopK, clips),
            VideoTop1 = Ratio(videoTop1, videos), VideoTopK = Ratio(videoTopK, videos),
            MeanClassAccuracy = withVideos.Count > 0 ? withVideos.Average(c => c.Accuracy) : 0,
            PerClass = perClass, Confusion = confusion, Predictions = predictions,
        };
    }

    private static double Ratio(int a, int b) => b > 0 ? (double)a / b : 0;

    /// <summary>The indices of the k largest values, largest first; ties go to the lower index.</summary>
    public static int[] TopIndices(IReadOnlyList<float> values, int k) => TopIndices(values.Select(v => (double)v).ToArray(), k);

    public static int[] TopIndices(double[] values, int k) =>
        Enumerable.Range(0, values.Length).OrderByDescending(i => values[i]).ThenBy(i => i).Take(k).ToArray();
}
