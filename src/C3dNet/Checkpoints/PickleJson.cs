using System.Collections;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace C3dNet.Checkpoints;

/// <summary>
/// Converts between JSON and the plain Python values (dict, list, str, int, float, bool, None) that
/// go into a checkpoint, so configs are readable both from PyTorch (as dicts) and from .NET (as records).
/// </summary>
internal static class PickleJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        WriteIndented = true,
    };

    public static object? ToPickle<T>(T value) => ToPickle(JsonSerializer.SerializeToNode(value, Options));

    public static T? FromPickle<T>(object? value) => ToJson(value) is { } node ? node.Deserialize<T>(Options) : default;

    public static object? ToPickle(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(kv => kv.Key, kv => ToPickle(kv.Value)),
        JsonArray a => new ArrayList(a.Select(ToPickle).ToList()),
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.ToJsonString() is var t && !t.Contains('.') && !t.Contains('e') && !t.Contains('E') && long.TryParse(t, out var l) => l,
        JsonValue v => v.GetValue<double>(),
        _ => throw new ArgumentException($"cannot store JSON node {node} in a checkpoint"),
    };

    public static JsonNode? ToJson(object? value) => value switch
    {
        null => null,
        string s => JsonValue.Create(s),
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        float f => JsonValue.Create(f),
        IDictionary d => new JsonObject(d.Keys.Cast<object>().Select(k => KeyValuePair.Create(k.ToString()!, ToJson(d[k])))),
        IEnumerable e => new JsonArray(e.Cast<object?>().Select(ToJson).ToArray()),
        _ => JsonValue.Create(value.ToString()),
    };
}
