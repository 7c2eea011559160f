using System.CommandLine;
using System.Reflection;
using System.Text.RegularExpressions;
using C3dNet.Checkpoints;
using C3dNet.Cli.Ui;
using C3dNet.Datasets;
using C3dNet.Runtime;
using C3dNet.Training;
using C3dNet.Video;

namespace C3dNet.Cli.Commands;

/// <summary>
/// How every verb runs: native-library checks, the interrupt mechanism (<see cref="InterruptSignal"/>), and the one failure
/// policy: an error of the environment or of the input (a file that is missing, unreadable or not what it should be, a full
/// or read-only disk, a bad argument) is one line on standard error naming the file, without a stack trace; anything else
/// is a bug and says so. <c>--verbose</c> (or C3D_VERBOSE=1) adds the stack trace for bug reports.
/// </summary>
internal static partial class CommandRunner
{
    /// <summary>
    /// Exit codes, the same for every verb: 0 everything asked for was done; 1 the run failed (bad arguments, an unusable
    /// checkpoint or environment, an output that could not be written: results are missing or incomplete); 2 done, but some
    /// inputs were bad, reported and skipped; 130 interrupted (Ctrl-C/SIGTERM) after saving what can be resumed.
    /// </summary>
    public const int Ok = 0, Failed = 1, SomeInputsFailed = 2, Cancelled = 130;

    /// <summary>The exit codes as the README and the root --help state them.</summary>
    public const string ExitCodesHelp =
        "Exit codes: 0 done; 1 failed (bad arguments or input, unusable checkpoint, an output that could not be written: results are incomplete); " +
        "2 done, but some inputs were bad (reported and skipped); 130 interrupted (Ctrl-C or SIGTERM; a second Ctrl-C stops at once).";

    /// <summary>A global option (every verb): stack traces with errors, for bug reports.</summary>
    public static readonly Option<bool> Verbose = new("--verbose")
    {
        Description = "Show the stack trace with an error, for bug reports (also: C3D_VERBOSE=1)", Recursive = true,
    };

    /// <summary>Exit code for <paramref name="inputs"/> of which <paramref name="failed"/> were bad and skipped.</summary>
    public static int ForInputs(int inputs, int failed) => failed == 0 ? Ok : failed < inputs ? SomeInputsFailed : Failed;

    /// <summary>Runs a command body after checking the native libraries it needs.</summary>
    /// <param name="stopping">What the verb does on Ctrl-C before it exits with 130 (null: Ctrl-C terminates at once).</param>
    public static async Task<int> RunAsync(ParseResult parse, Func<CancellationToken, Task<int>> body, string? stopping,
        bool needsTorch = true, bool needsOpenCv = false)
    {
        bool verbose = parse.GetValue(Verbose) || Environment.GetEnvironmentVariable("C3D_VERBOSE") == "1";
        if (needsTorch && NativeLibraries.CheckTorch() is { } torchProblem) { ConsoleUi.Error(torchProblem); return Failed; }
        if (needsOpenCv && NativeLibraries.CheckOpenCv() is { } cvProblem) { ConsoleUi.Error(cvProblem); return Failed; }
        if (needsTorch) { Threads.Configure(); TensorMemory.KeepFreedBuffers(); }
        if (needsOpenCv && !verbose) OpenCvLogging.Quiet(); // bad videos and cameras are reported by the verbs, naming the file
        using var interrupt = new InterruptSignal(stopping);
        try
        {
            return await body(interrupt.Token);
        }
        catch (Exception e)
        {
            return Report(e, verbose);
        }
    }

    public static int Run(ParseResult parse, Func<CancellationToken, int> body, string? stopping, bool needsTorch = true, bool needsOpenCv = false) =>
        RunAsync(parse, cancel => Task.FromResult(body(cancel)), stopping, needsTorch, needsOpenCv).GetAwaiter().GetResult();

    private static int Report(Exception e, bool verbose)
    {
        var (code, message) = Classify(e);
        if (code == Cancelled) ConsoleUi.Warning(message);
        else ConsoleUi.Error(message);
        if (verbose) ConsoleUi.Details(e.ToString());
        return code;
    }

    /// <summary>The exit code and the one line an exception gets (the policy above; the stack trace only with --verbose).</summary>
    public static (int Code, string Message) Classify(Exception e)
    {
        e = Unwrap(e);
        if (e is OperationCanceledException) return (Cancelled, "interrupted");
        if (IsEnvironmentOrInput(e)) return (Failed, Describe(e));
        return (Failed, $"unexpected {e.GetType().Name}: {FirstLine(e.Message)} (a bug: run with --verbose for details and report it)");
    }

    /// <summary>
    /// Errors of the machine or of what the user gave, whose messages name the file and the problem: disk full, read-only
    /// or missing paths (IOException and UnauthorizedAccessException: .NET names the path; OutputException for results),
    /// unusable checkpoints, videos and frames, bad arguments, training that diverged.
    /// </summary>
    private static bool IsEnvironmentOrInput(Exception e) => e is IOException or UnauthorizedAccessException or CheckpointException
        or VideoReadException or FrameReadException or InvalidDataException or ArgumentException or InvalidOperationException
        or TrainingDivergedException or DllNotFoundException or OpenCvSharp.OpenCVException;

    /// <summary>The message, with .NET's "Problem : 'path'" turned into our "path: problem".</summary>
    private static string Describe(Exception e) =>
        e is IOException or UnauthorizedAccessException && DotNetPathMessage().Match(e.Message) is { Success: true } m
            ? $"{m.Groups[2].Value}: {m.Groups[1].Value}" : e.Message;

    [GeneratedRegex(@"^(.+?) : '(.+)'$", RegexOptions.Singleline)]
    private static partial Regex DotNetPathMessage();

    /// <summary>The exception that Parallel.ForEach, Task.Wait or a type initialiser wraps (the first real failure of several).</summary>
    private static Exception Unwrap(Exception e)
    {
        while (true)
        {
            switch (e)
            {
                case AggregateException a:
                    var all = a.Flatten().InnerExceptions;
                    if (all.Count == 0) return e;
                    e = all.FirstOrDefault(x => x is not OperationCanceledException) ?? all[0]; // the failure, not the cancelled siblings
                    continue;
                case TargetInvocationException { InnerException: { } inner }: e = inner; continue;
                case TypeInitializationException { InnerException: { } inner }: e = inner; continue;
                default: return e;
            }
        }
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].TrimEnd();
}
