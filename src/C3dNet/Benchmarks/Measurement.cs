namespace C3dNet.Benchmarks;

/// <summary>One benchmark figure: the median over repeated runs, with the spread.</summary>
internal sealed record Measurement(string Key, string Description, double Median, double Min, double Max, int Runs, string Unit);

/// <summary>Warm-up, then repeated timed runs; each run's rate is work / seconds.</summary>
internal static class RepeatedTimer
{
    public static Measurement Rate(string key, string description, string unit, double workPerRun, int warmup, int runs,
        Action run, CancellationToken cancel)
    {
        for (int i = 0; i < warmup; i++) { cancel.ThrowIfCancellationRequested(); run(); }
        var rates = new List<double>();
        for (int i = 0; i < runs; i++)
        {
            cancel.ThrowIfCancellationRequested();
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            run();
            double seconds = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
            rates.Add(workPerRun / seconds);
        }
        return Summarise(key, description, unit, rates);
    }

    public static Measurement Summarise(string key, string description, string unit, IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        double median = sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
        return new Measurement(key, description, median, sorted[0], sorted[^1], sorted.Length, unit);
    }
}
