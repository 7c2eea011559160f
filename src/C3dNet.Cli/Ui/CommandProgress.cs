using Spectre.Console;

namespace C3dNet.Cli.Ui;

/// <summary>Runs long library work on a worker thread behind a progress bar (when the console is interactive).</summary>
internal static class CommandProgress
{
    /// <param name="show">False for --json or redirected output: no bar.</param>
    /// <param name="work">Gets a report(done, total, text) callback and the token.</param>
    /// <param name="cancel">The command's token (CommandRunner's InterruptSignal).</param>
    public static async Task<T> Run<T>(bool show, string label, Func<Action<int, int, string>, CancellationToken, T> work, CancellationToken cancel)
    {
        if (!show || !AnsiConsole.Profile.Capabilities.Interactive)
            return await Task.Run(() => work((_, _, _) => { }, cancel), cancel);
        return await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(label, maxValue: 1);
                var gate = new object();
                void Report(int done, int total, string text)
                {
                    lock (gate)
                    {
                        task.MaxValue = Math.Max(total, 1);
                        task.Value = done;
                        task.Description = $"{label}: {Markup.Escape(text)}";
                    }
                }
                return await Task.Run(() => work(Report, cancel), cancel);
            });
    }
}
