using System.Collections;
using System.Text.Json;
using C3dNet.Checkpoints;
using C3dNet.Models;
using C3dNet.Tests.Support;
using static TorchSharp.torch;

namespace C3dNet.Tests.Models;

/// <summary>What Fixtures/make_resnet_fixtures.py recorded with torchvision 0.14.</summary>
internal static class ResNetFixtures
{
    private static readonly Lazy<JsonElement> layouts = new(() =>
        JsonDocument.Parse(File.ReadAllText(Fixtures.Path_("resnet_layouts.json"))).RootElement);

    public static JsonElement Layouts => layouts.Value;
    public static JsonElement Arch(string name) => Layouts.GetProperty("archs").GetProperty(name);

    public static VideoResNetArchitecture Architecture(string name) =>
        VideoResNetArchitecture.Find(name) ?? throw new ArgumentException($"no architecture {name}");

    /// <summary>input, train_logits, BN buffers after the training forward, eval_logits, eval_features.</summary>
    public static Dictionary<string, Tensor> Io(string arch)
    {
        Hashtable h = PyTorchFile.ReadDict(Fixtures.Path_($"resnet_{arch}_io.pth"));
        return h.Keys.Cast<string>().ToDictionary(k => k, k => (Tensor)h[k]!);
    }

    /// <summary>The script's weight pattern, bit for bit: low + (high - low) * ((x * x) mod M) / M, x = ((i + seed) * 48271) mod M.</summary>
    public static Dictionary<string, Tensor> PatternWeights(string arch, IReadOnlyDictionary<string, Tensor> like)
    {
        const long M = (1L << 31) - 1;
        var result = new Dictionary<string, Tensor>();
        foreach (var entry in Arch(arch).GetProperty("pattern").EnumerateObject())
        {
            long seed = entry.Value.GetProperty("seed").GetInt64();
            double low = entry.Value.GetProperty("low").GetDouble(), high = entry.Value.GetProperty("high").GetDouble();
            var target = like[entry.Name];
            using var scope = NewDisposeScope();
            var i = arange(target.numel(), ScalarType.Int64);
            var x = ((i + seed) * 48271L).remainder(M);
            var u = (x * x).remainder(M).to(ScalarType.Float64) / (double)M;
            result[entry.Name] = (low + (high - low) * u).to(target.dtype).reshape(target.shape).MoveToOuterDisposeScope();
        }
        return result;
    }
}
