using System.Text.Json;

namespace C3dNet.Tests.Support;

/// <summary>
/// Two JSON documents with the same structure, strings and integers, and floating-point numbers equal within a
/// tolerance: the same network in two processes (the server, the test) may round float32 sums differently.
/// </summary>
internal static class JsonAssert
{
    public static void Equivalent(string expected, string actual, double tolerance = 1e-6)
    {
        using var e = JsonDocument.Parse(expected);
        using var a = JsonDocument.Parse(actual);
        Compare(e.RootElement, a.RootElement, "$", tolerance);
    }

    private static void Compare(JsonElement e, JsonElement a, string at, double tolerance)
    {
        Assert.True(e.ValueKind == a.ValueKind, $"{at}: {e.ValueKind} expected, {a.ValueKind} found");
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                Assert.Equal(e.EnumerateObject().Select(p => p.Name), a.EnumerateObject().Select(p => p.Name));
                foreach (var p in e.EnumerateObject()) Compare(p.Value, a.GetProperty(p.Name), $"{at}.{p.Name}", tolerance);
                break;
            case JsonValueKind.Array:
                Assert.True(e.GetArrayLength() == a.GetArrayLength(), $"{at}: {e.GetArrayLength()} items expected, {a.GetArrayLength()} found");
                for (int i = 0; i < e.GetArrayLength(); i++) Compare(e[i], a[i], $"{at}[{i}]", tolerance);
                break;
            case JsonValueKind.Number when e.TryGetInt64(out long ei) && a.TryGetInt64(out long ai):
                Assert.True(ei == ai, $"{at}: {ei} expected, {ai} found");
                break;
            case JsonValueKind.Number:
                double ed = e.GetDouble(), ad = a.GetDouble();
                Assert.True(Math.Abs(ed - ad) <= tolerance, $"{at}: {ed} expected, {ad} found (tolerance {tolerance})");
                break;
            default:
                Assert.True(e.GetRawText() == a.GetRawText(), $"{at}: {e.GetRawText()} expected, {a.GetRawText()} found");
                break;
        }
    }
}
