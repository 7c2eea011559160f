using System.Globalization;
using System.Text.Json.Serialization;

namespace C3dNet.Inference;

/// <summary>
/// The stable JSON schema of <c>c3d predict --json</c>:
/// <code>
/// {"inputs": [{"input": PATH,
///              "video":   {"top": [{"index", "label", "prob"}, …]},
///              "windows": [{"start_frame", "end_frame", "start_s", "end_s", "top": [ … ]}, …]}],
///  "failed": [{"input": PATH, "error": MESSAGE}, …]}
/// </code>
/// "failed" lists the inputs that could not be read, with the reason (empty when all were read).
/// index: 0-based, in the order of the checkpoint's class list. start_frame/end_frame: first and last
/// source frame (0-based, inclusive) the window's clip uses; start_s: the decoder's time of the first frame,
/// end_s: the last frame's time plus its duration; frame folders: frame / --fps,
/// both null without it. "top" lists the
/// --top-k classes, most probable first; video.top ranks the mean of the windows' probabilities.
/// </summary>
/// <param name="Inputs">One entry per input that gave a result.</param>
/// <param name="Failed">The inputs that could not be read, with the reason.</param>
public sealed record PredictionReport(
    [property: JsonPropertyName("inputs")] IReadOnlyList<InputReport> Inputs,
    [property: JsonPropertyName("failed")] IReadOnlyList<InputFailure> Failed)
{
    internal static InputReport ForInput(Prediction p, IReadOnlyList<string> classNames, int topK) => new(
        p.Run.Input,
        new VideoReport(Top(p.VideoProbabilities, classNames, topK)),
        p.Run.Windows.Select(w => new WindowReport(w.StartFrame, w.EndFrame,
            Round(p.StartSeconds(w)), Round(p.EndSeconds(w)), Top(w.Values, classNames, topK))).ToList());

    internal static IReadOnlyList<ScoreReport> Top(float[] probabilities, IReadOnlyList<string> classNames, int k) =>
        TopK.Of(probabilities, k).Select(t => new ScoreReport(t.Index, classNames[t.Index], t.Prob)).ToList();

    private static double? Round(double? seconds) => seconds is { } s ? Math.Round(s, 4) : null;
}

/// <summary>One input's entry in "inputs" of <c>c3d predict --json</c>.</summary>
/// <param name="Input">The input's path (or the name given for supplied frames).</param>
/// <param name="Video">The whole input's top classes.</param>
/// <param name="Windows">Every window, in order.</param>
public sealed record InputReport(
    [property: JsonPropertyName("input")] string Input,
    [property: JsonPropertyName("video")] VideoReport Video,
    [property: JsonPropertyName("windows")] IReadOnlyList<WindowReport> Windows);

/// <summary>An input that gave no result, and why (the message names the file).</summary>
/// <param name="Input">The input's path.</param>
/// <param name="Error">Why it gave no result (names the file).</param>
public sealed record InputFailure(
    [property: JsonPropertyName("input")] string Input,
    [property: JsonPropertyName("error")] string Error);

/// <summary>The whole input's result: the top-k of the mean of the windows' probabilities.</summary>
/// <param name="Top">The most probable classes, best first.</param>
public sealed record VideoReport([property: JsonPropertyName("top")] IReadOnlyList<ScoreReport> Top);

/// <summary>One window (one clip of sampled frames) and its top classes.</summary>
/// <param name="StartFrame">First source frame the clip uses (0-based).</param>
/// <param name="EndFrame">Last source frame the clip uses (0-based, inclusive).</param>
/// <param name="StartSeconds">When the first frame is shown, by the decoder's timestamps (null without a frame rate).</param>
/// <param name="EndSeconds">When the last frame stops being shown (null without a frame rate).</param>
/// <param name="Top">The most probable classes of this window, best first.</param>
public sealed record WindowReport(
    [property: JsonPropertyName("start_frame")] int StartFrame,
    [property: JsonPropertyName("end_frame")] int EndFrame,
    [property: JsonPropertyName("start_s")] double? StartSeconds,
    [property: JsonPropertyName("end_s")] double? EndSeconds,
    [property: JsonPropertyName("top")] IReadOnlyList<ScoreReport> Top);

/// <summary>A class and its probability.</summary>
/// <param name="Index">0-based, in the order of the checkpoint's class list.</param>
/// <param name="Label">The class name.</param>
/// <param name="Prob">Its probability (softmax), 0 to 1.</param>
public sealed record ScoreReport(
    [property: JsonPropertyName("index")] int Index,
    [property: JsonPropertyName("label")] string Label,
    [property: JsonPropertyName("prob")] float Prob);

/// <summary>
/// Windows as CSV, one row per window:
/// <c>input,window,start_frame,end_frame,start_s,end_s,top1_index,top1_label,top1_prob,…,topK_prob</c>.
/// </summary>
internal static class PredictionCsv
{
    public static void Write(TextWriter writer, IReadOnlyList<InputReport> inputs, int topK)
    {
        var header = new List<string> { "input", "window", "start_frame", "end_frame", "start_s", "end_s" };
        for (int r = 1; r <= topK; r++) header.AddRange([$"top{r}_index", $"top{r}_label", $"top{r}_prob"]);
        writer.WriteLine(string.Join(',', header));
        foreach (var input in inputs)
            for (int w = 0; w < input.Windows.Count; w++)
            {
                var win = input.Windows[w];
                var cells = new List<string> { Escape(input.Input), N(w), N(win.StartFrame), N(win.EndFrame), N(win.StartSeconds), N(win.EndSeconds) };
                foreach (var s in win.Top) cells.AddRange([N(s.Index), Escape(s.Label), s.Prob.ToString("R", CultureInfo.InvariantCulture)]);
                writer.WriteLine(string.Join(',', cells));
            }
    }

    private static string N(int v) => v.ToString(CultureInfo.InvariantCulture);
    private static string N(double? v) => v?.ToString("R", CultureInfo.InvariantCulture) ?? "";

    /// <summary>RFC 4180 quoting for fields with commas, quotes or line breaks.</summary>
    public static string Escape(string field) =>
        field.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + field.Replace("\"", "\"\"") + "\"" : field;
}
