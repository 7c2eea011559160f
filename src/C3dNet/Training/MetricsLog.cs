using System.Text.Json;
using C3dNet.Outputs;

namespace C3dNet.Training;

/// <summary>metrics.jsonl: one JSON object per phase and epoch, e.g. {"epoch":1,"phase":"train","loss":…,"accuracy":…}.</summary>
public static class MetricsLog
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Adds lines by writing the whole file again through <see cref="AtomicFile"/>: a full disk or a kill never leaves half a line.</summary>
    public static void Append(string path, IEnumerable<PhaseMetrics> entries) => AtomicFile.Write(path, temp =>
    {
        if (File.Exists(path)) File.Copy(path, temp, overwrite: true);
        File.AppendAllLines(temp, entries.Select(e => JsonSerializer.Serialize(e, Json)));
    });

    public static IReadOnlyList<PhaseMetrics> Read(string path)
    {
        if (!File.Exists(path)) return [];
        var list = new List<PhaseMetrics>();
        int lineNo = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try { list.Add(JsonSerializer.Deserialize<PhaseMetrics>(line, Json) ?? throw new JsonException("null")); }
            catch (JsonException e) { throw new InvalidDataException($"{path}:{lineNo}: not a metrics entry: {e.Message}"); }
        }
        return list;
    }

    /// <summary>Drops entries after <paramref name="epoch"/> (1-based), so a resumed run does not log an epoch twice.</summary>
    public static void KeepUpTo(string path, int epoch)
    {
        if (!File.Exists(path)) return;
        var kept = Read(path).Where(e => e.Epoch <= epoch).ToList();
        AtomicFile.Write(path, temp => File.WriteAllLines(temp, kept.Select(e => JsonSerializer.Serialize(e, Json))));
    }
}
