using C3dNet.Training;
using Spectre.Console;

namespace C3dNet.Cli.Ui;

/// <summary>
/// Draws a training run: a progress bar per phase with running loss and accuracy, one summary line per epoch,
/// notices as warnings. Reports arrive on the training thread, in order.
/// </summary>
internal sealed class TrainingView(ProgressContext context) : IProgress<TrainProgress>
{
    private ProgressTask? current;

    /// <summary>Runs <paramref name="body"/> inside a Spectre progress display.</summary>
    public static T Show<T>(Func<TrainingView, T> body) =>
        AnsiConsole.Progress()
            .AutoClear(false)
            .HideCompleted(true)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx => body(new TrainingView(ctx)));

    public void Report(TrainProgress value)
    {
        switch (value)
        {
            case RunStarted r:
                ConsoleUi.Info($"run folder: {r.RunDir}");
                ConsoleUi.Info($"data: {r.ClassNames.Count} classes; videos train {r.TrainVideos}, val {r.ValVideos}, test {r.TestVideos}");
                ConsoleUi.Info($"model: {(r.Architecture == C3dNet.Models.C3dConfig.C3dArchitecture ? "C3D" : r.Architecture)}, {r.Parameters:N0} parameters, device {r.Device}" +
                               (r.ResumedFrom is null ? "" : $"; resuming from {r.ResumedFrom} after epoch {r.StartEpoch}"));
                break;
            case PhaseStarted p:
                current?.StopTask();
                current = context.AddTask(Describe(p.Epoch, p.Phase, null), maxValue: Math.Max(1, p.Batches));
                if (p.Batches == 0) current.Value = current.MaxValue;
                break;
            case BatchCompleted b when current is not null:
                current.Value = b.Batch;
                current.Description = Describe(b.Epoch, b.Phase, b);
                break;
            case EpochCompleted e:
                current?.StopTask();
                current = null;
                ConsoleUi.Info(SummaryLine(e.Summary));
                break;
            case TrainNotice n when n.IsWarning:
                ConsoleUi.Warning(n.Message);
                break;
            case TrainNotice n:
                ConsoleUi.Info(n.Message);
                break;
        }
    }

    private static string Describe(int epoch, TrainPhase phase, BatchCompleted? b) =>
        Markup.Escape($"epoch {epoch} {phase.ToString().ToLowerInvariant(),-5}" + (b is null ? "" : $" loss {b.Loss:F4} acc {b.Accuracy:F3}"));

    public static string SummaryLine(EpochSummary s)
    {
        static string Phase(PhaseMetrics? m) => m is null ? "" : $" | {m.Phase} loss {m.Loss:F4} acc {m.Accuracy:F3}";
        string saved = s.IsBest ? " (best)" : "";
        return $"epoch {s.Epoch}/{s.Epochs}: train loss {s.Train.Loss:F4} acc {s.Train.Accuracy:F3} lr {s.Train.Lr:G3}" +
               Phase(s.Val) + Phase(s.Test) + $" [{s.Train.Seconds + (s.Val?.Seconds ?? 0) + (s.Test?.Seconds ?? 0):F0}s]{saved}";
    }
}
