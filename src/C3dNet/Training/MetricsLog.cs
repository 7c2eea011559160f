using System.Text.Json;
using C3dNet.Outputs;
using C3dNet.Runtime;

namespace C3dNet.Training;

/// <summary>metrics.jsonl: one JSON object per phase and epoch, e.g. {"epoch":1,"phase":"train","loss":…,"accuracy":…}.</summary>
internal static class MetricsLog
{
    // A phase without batches has no loss (NaN): written as null, so the append never fails on it.
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, Converters = { new NonFiniteAsNull() },
    };

    /// <summary>Adds lines by writing the whole file again through <see cref="AtomicFile"/>: a full disk or a kill never leaves half a line.</summary>
    public static void Append(string path, IEnumerable<PhaseMetrics> entries) => AtomicFile.Write(path, temp =>
    {
        if (File.Exists(path)) File.Copy(path, temp, overwrite: true);
        File.AppendAllLines(temp, entries.Select(e => JsonSerializer.Serialize(e, Json)));
    });

    /// <summary>
    /// The entries of <paramref name="path"/>. A bad last line is what an append cut short (kill -9, a full disk) leaves:
    /// it is dropped and described in <paramref name="warnings"/>. A bad line before it is an error naming the file and line.
    /// </summary>
    public static IReadOnlyList<PhaseMetrics> Read(string path, ICollection<string>? warnings = null)
    {
        if (!File.Exists(path)) return [];
        var list = new List<PhaseMetrics>();
        var lines = File.ReadAllLines(path);
        int last = Array.FindLastIndex(lines, l => !string.IsNullOrWhiteSpace(l));
        for (int i = 0; i <= last; i++)
        {
            if (string.IsNullOrWhiteSpace(lines[i])) continue;
            if (TryParse(lines[i], out var entry, out var problem)) { list.Add(entry!); continue; }
            if (i == last)
            {
                warnings?.Add($"{path}:{i + 1}: dropped a half-written last line (a write that was interrupted): {problem}");
                break;
            }
            throw new InvalidDataException(
                $"{path}:{i + 1}: not a metrics entry ({problem}); repair or delete that line (the checkpoints do not depend on it) and run again");
        }
        return list;
    }

    /// <summary>Drops entries after <paramref name="epoch"/> (1-based), so a resumed run does not log an epoch twice; a half-written last line goes too.</summary>
    public static void KeepUpTo(string path, int epoch, ICollection<string>? warnings = null)
    {
        if (!File.Exists(path)) return;
        var kept = Read(path, warnings).Where(e => e.Epoch <= epoch).ToList();
        AtomicFile.Write(path, temp => File.WriteAllLines(temp, kept.Select(e => JsonSerializer.Serialize(e, Json))));
    }

    private static bool TryParse(string line, out PhaseMetrics? entry, out string? problem)
    {
        try
        {
            entry = JsonSerializer.Deserialize<PhaseMetrics>(line, Json);
            problem = entry is null ? "null" : null;
        }
        catch (JsonException e)
        {
            entry = null;
            problem = e.Message;
        }
        return entry is not null;
    }
}
