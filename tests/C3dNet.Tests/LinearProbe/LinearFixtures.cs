using C3dNet.Datasets;
using C3dNet.Inference;

namespace C3dNet.Tests.LinearProbe;

/// <summary>
/// Small features folders in the exact format c3d features writes (the real FeatureIndex and NpyFile), and the two
/// kinds of split membership: a preprocess output (manifest.json + labels.txt) and official UCF101/HMDB51 lists.
/// </summary>
internal static class LinearFixtures
{
    public static readonly string[] Classes = ["Jump", "Run", "Swim"];

    /// <summary>(class, video name, split): per class 4 train, 1 val, 2 test.</summary>
    public static IReadOnlyList<(string Class, string Name, string Split)> Videos() =>
        Classes.SelectMany(c => Enumerable.Range(1, 7).Select(g => (c, $"v_{c}_g{g:D2}_c01", g <= 4 ? SplitNames.Train : g == 5 ? SplitNames.Val : SplitNames.Test))).ToList();

    /// <summary>A vector near its class's direction, non-negative like fc6 after ReLU (not normalised: c3d linear normalises).</summary>
    public static float[] Vector(int cls, int width, Random rng) =>
        Enumerable.Range(0, width).Select(j => (float)Math.Max(0, (j % Classes.Length == cls ? 1.0 : 0.0) + 0.4 * (rng.NextDouble() - 0.3))).ToArray();

    /// <summary>Writes NAME_LAYER.npy, NAME_LAYER_video.npy and index.json for (input path, class) pairs.</summary>
    public static string WriteFeatures(string dir, IEnumerable<(string Input, int Class)> inputs, string layer = "fc6", int width = 12, int seed = 1)
    {
        Directory.CreateDirectory(dir);
        var rng = new Random(seed);
        var entries = new List<FeatureEntry>();
        foreach (var (input, cls) in inputs)
        {
            string name = Path.GetFileNameWithoutExtension(input);
            var v = Vector(cls, width, rng);
            NpyFile.WriteFloat32(Path.Combine(dir, $"{name}_{layer}.npy"), v, 1, width);
            NpyFile.WriteFloat32(Path.Combine(dir, $"{name}_{layer}_video.npy"), v, width);
            entries.Add(new FeatureEntry(input, 1, 4, 25, [0], [60], $"{name}_{layer}.npy", $"{name}_{layer}_video.npy"));
        }
        new FeatureIndex(layer, width, "w.pth", 16, 16, entries, []).Save(dir);
        return dir;
    }

    /// <summary>Features of the original videos (UCF-101/&lt;class&gt;/&lt;name&gt;.avi) of <see cref="Videos"/>, except <paramref name="skip"/>.</summary>
    public static string WriteVideoFeatures(string dir, Func<(string Class, string Name, string Split), bool>? skip = null, string layer = "fc6", int width = 12) =>
        WriteFeatures(dir, Videos().Where(v => skip is null || !skip(v)).Select(v => ($"UCF-101/{v.Class}/{v.Name}.avi", Array.IndexOf(Classes, v.Class))), layer, width);

    /// <summary>manifest.json and labels.txt as c3d preprocess writes them for <see cref="Videos"/>.</summary>
    public static string WritePreprocessOutput(string dir)
    {
        Directory.CreateDirectory(dir);
        LabelFile.Write(Path.Combine(dir, "labels.txt"), Classes);
        new PreprocessManifest
        {
            Options = new ManifestOptions { Videos = "UCF-101", FrameStep = 4, ClipLength = 16, Width = 171, Height = 128 },
            Classes = Classes,
            Videos = Videos().Select(v => new ManifestVideo { Source = $"{v.Class}/{v.Name}.avi", Class = v.Class, Name = v.Name, Split = v.Split, Status = VideoStatus.Done }).ToList(),
        }.Save(Path.Combine(dir, PreprocessManifest.FileName));
        return dir;
    }
}
