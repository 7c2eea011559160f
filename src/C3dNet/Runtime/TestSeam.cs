namespace C3dNet.Runtime;

/// <summary>
/// A test seam, for the test suite only: it makes an interruption (Ctrl-C, SIGTERM, kill -9) certain to land while a run
/// is still working, instead of racing the end of the run. With <c>C3D_TEST_PAUSE_AFTER=UNIT:N</c> (UNIT: <c>batch</c> =
/// training batches in all, <c>video</c> = preprocessed videos, <c>frame</c> = frames of a live stream,
/// <c>request</c> = requests of <c>c3d serve</c> that got their turn at the model) the work stops after
/// its N-th unit, creates the file <c>C3D_TEST_PAUSED_FILE</c> names (so the test knows it may signal), and waits until it is
/// cancelled; <c>UNIT:N:hold</c> waits on even then (a unit of work that does not end soon, for a second Ctrl-C to cut short).
/// Unset, as always outside the tests, it costs one comparison per unit.
/// </summary>
internal static class TestSeam
{
    private sealed record Pause(string Unit, long After, bool Hold);

    private static readonly Pause? Configured = Parse(Environment.GetEnvironmentVariable("C3D_TEST_PAUSE_AFTER"));

    private static Pause? Parse(string? value)
    {
        var parts = value?.Split(':') ?? [];
        return parts.Length is 2 or 3 && long.TryParse(parts[1], out long n) ? new Pause(parts[0], n, parts.Length == 3 && parts[2] == "hold") : null;
    }

    /// <summary>Called after each unit of work with the number of units done so far.</summary>
    public static void UnitDone(string unit, long done, CancellationToken cancel, Action? beforePause = null)
    {
        if (Configured is not { } p || p.Unit != unit || p.After != done) return;
        beforePause?.Invoke();
        if (Environment.GetEnvironmentVariable("C3D_TEST_PAUSED_FILE") is { Length: > 0 } flag) File.WriteAllText(flag, $"{unit} {done}");
        cancel.WaitHandle.WaitOne();
        if (p.Hold) Thread.Sleep(Timeout.Infinite);
    }
}
