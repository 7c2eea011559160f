using System.Text.Json;
using C3dNet.Runtime;
using Spectre.Console;

namespace C3dNet.Cli.Ui;

/// <summary>All console output of the CLI goes through here: messages, tables, JSON.</summary>
internal static class ConsoleUi
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new NonFiniteAsNull(), new NonFiniteFloatAsNull() }, // NaN/Inf become null, never a serializer exception
    };

    public static void Error(string message) => AnsiConsole.MarkupLineInterpolated($"[red]error:[/] {message}");
    public static void Warning(string message) => AnsiConsole.MarkupLineInterpolated($"[yellow]warning:[/] {message}");
    public static void Info(string message) => AnsiConsole.MarkupLineInterpolated($"{message}");
    public static void Success(string message) => AnsiConsole.MarkupLineInterpolated($"[green]{message}[/]");

    /// <summary>Writes JSON to stdout unstyled, so it can be piped.</summary>
    public static void WriteJson<T>(T value) => Console.Out.WriteLine(JsonSerializer.Serialize(value, Json));

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
