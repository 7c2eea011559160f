using System.Text.Json;
using C3dNet.Outputs;
using C3dNet.Runtime;
using Spectre.Console;

namespace C3dNet.Cli.Ui;

/// <summary>All console output of the CLI goes through here: errors and warnings to standard error; results (tables, JSON, CSV) and progress lines to standard output.</summary>
internal static class ConsoleUi
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new NonFiniteAsNull(), new NonFiniteFloatAsNull() }, // NaN/Inf become null, never a serializer exception
    };

    /// <summary>Errors and warnings: standard error, so standard output holds the results alone.</summary>
    private static IAnsiConsole Messages => BothOnTerminal ? AnsiConsole.Console : StandardError;

    private static readonly IAnsiConsole StandardError = CreateStandardError();

    /// <summary>
    /// Both streams on the terminal (nothing redirected: the user sees one screen): messages go through the console that
    /// draws the progress bars, which prints them above the bars; written to the other stream, the next redraw would
    /// overwrite them. Whenever either stream is redirected, messages are on standard error.
    /// </summary>
    private static readonly bool BothOnTerminal = !Console.IsOutputRedirected && !Console.IsErrorRedirected;

    /// <summary>Redirected (a log, a script), a message stays on one line: no wrapping at a pretend 80 columns.</summary>
    private static IAnsiConsole CreateStandardError()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        if (Console.IsErrorRedirected) console.Profile.Width = 100_000;
        return console;
    }

    public static void Error(string message) => Messages.MarkupLineInterpolated($"[red]error:[/] {message}");
    public static void Warning(string message) => Messages.MarkupLineInterpolated($"[yellow]warning:[/] {message}");
    /// <summary>Unstyled text on standard error (a stack trace for --verbose).</summary>
    public static void Details(string text) => Console.Error.WriteLine(text);
    public static void Info(string message) => AnsiConsole.MarkupLineInterpolated($"{message}");
    public static void Success(string message) => AnsiConsole.MarkupLineInterpolated($"[green]{message}[/]");

    /// <summary>Writes JSON to stdout unstyled, so it can be piped.</summary>
    public static void WriteJson<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Json));

    /// <summary>The same text <see cref="WriteJson{T}"/> prints, written atomically to a file (predict --results, c3d merge).</summary>
    public static void WriteJsonFile<T>(string path, T value) =>
        AtomicFile.Write(path, temp => File.WriteAllText(temp, JsonSerializer.Serialize(value, Json) + Console.Out.NewLine));

    /// <summary>A two-column key/value table.</summary>
    public static void KeyValues(string title, IEnumerable<(string Key, string Value)> rows)
    {
        var table = new Table().Title(title).AddColumn("").AddColumn("");
        table.HideHeaders();
        foreach (var (k, v) in rows) table.AddRow(Markup.Escape(k), Markup.Escape(v));
        AnsiConsole.Write(table);
    }

    public static void Table(string? title, string[] headers, IEnumerable<string[]> rows)
    {
        var table = new Table();
        if (title is not null) table.Title(title);
        foreach (var h in headers) table.AddColumn(h);
        foreach (var r in rows) table.AddRow(r.Select(Markup.Escape).ToArray());
        AnsiConsole.Write(table);
    }

    /// <summary>Runs <paramref name="work"/> under a spinner whose text follows the reported stage (no spinner when <paramref name="show"/> is false, e.g. for --json).</summary>
    public static T WithStatus<T>(string title, bool show, Func<IProgress<string>?, T> work)
    {
        if (!show) return work(null);
        return AnsiConsole.Status().Start(title, ctx => work(new SyncProgress<string>(s => ctx.Status($"{title}: {s}"))));
    }

    /// <summary>Sends messages and tables to stderr, keeping stdout for machine-readable output (--json, --csv).</summary>
    public static void MessagesToStderr() =>
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    /// <summary>Writes text to stdout unstyled (CSV).</summary>
    public static void WriteText(string text) => Console.Out.Write(text);
}
