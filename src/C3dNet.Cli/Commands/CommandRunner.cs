using C3dNet.Checkpoints;
using C3dNet.Cli.Ui;
using C3dNet.Runtime;

namespace C3dNet.Cli.Commands;

/// <summary>Shared start-up for commands: native-library checks and turning known errors into one clear line.</summary>
internal static class CommandRunner
{
    /// <summary>
    /// Exit codes, the same for every verb: 0 everything asked for was done; 1 the run failed (bad arguments, an unusable
    /// checkpoint or environment, an output that could not be written: results are missing or incomplete); 2 done, but some
    /// inputs were bad, reported and skipped; 130 interrupted (Ctrl-C/SIGTERM) after saving what can be resumed.
    /// </summary>
    public const int Ok = 0, Failed = 1, SomeInputsFailed = 2, Cancelled = 130;

    /// <summary>Runs a command body after checking the native libraries it needs.</summary>
    public static async Task<int> RunAsync(Func<Task<int>> body, bool needsTorch = true, bool needsOpenCv = false)
    {
        if (needsTorch && NativeLibraries.CheckTorch() is { } torchProblem) { ConsoleUi.Error(torchProblem); return Failed; }
        if (needsOpenCv && NativeLibraries.CheckOpenCv() is { } cvProblem) { ConsoleUi.Error(cvProblem); return Failed; }
        if (needsTorch) Threads.Configure();
        try
        {
            return await body();
        }
        catch (OperationCanceledException)
        {
            ConsoleUi.Warning("cancelled");
            return Cancelled;
        }
        catch (OutputException e) // a result could not be written or may not be replaced: one line, no stack trace
        {
            ConsoleUi.Error(e.Message);
            return Failed;
        }
        catch (Exception e) when (e is CheckpointException or FileNotFoundException or DirectoryNotFoundException or ArgumentException or InvalidOperationException or InvalidDataException)
        {
            ConsoleUi.Error(e.Message);
            return Failed;
        }
    }

    public static int Run(Func<int> body, bool needsTorch = true, bool needsOpenCv = false) =>
        RunAsync(() => Task.FromResult(body()), needsTorch, needsOpenCv).GetAwaiter().GetResult();
}
