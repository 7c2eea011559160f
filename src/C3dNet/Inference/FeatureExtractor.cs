using System.Text.Json;
using System.Text.Json.Serialization;
using C3dNet.Models;
using C3dNet.Outputs;

namespace C3dNet.Inference;

/// <summary>What one input's features are and where they were written (an entry of index.json).</summary>
/// <param name="Input">The input's path.</param>
/// <param name="Clips">Clips (rows of the clips file).</param>
/// <param name="FrameStep">Every k-th source frame was used.</param>
/// <param name="Fps">The source's frame rate (null when unknown).</param>
/// <param name="ClipStarts">First source frame (0-based) of each clip.</param>
/// <param name="ClipEnds">Last source frame (0-based, inclusive) of each clip.</param>
/// <param name="ClipsFile">File name of the per-clip features ([clips, width] float32 .npy).</param>
/// <param name="VideoFile">File name of the video's feature ([width] float32 .npy, the L2-normalised mean).</param>
public sealed record FeatureEntry(
    [property: JsonPropertyName("input")] string Input,
    [property: JsonPropertyName("clips")] int Clips,
    [property: JsonPropertyName("frame_step")] int FrameStep,
    [property: JsonPropertyName("fps")] double? Fps,
    [property: JsonPropertyName("clip_starts")] IReadOnlyList<int> ClipStarts,
    [property: JsonPropertyName("clip_ends")] IReadOnlyList<int> ClipEnds,
    [property: JsonPropertyName("clips_file")] string ClipsFile,
    [property: JsonPropertyName("video_file")] string VideoFile);

/// <summary>An input that gave no features, and why.</summary>
internal sealed record FeatureFailure(
    [property: JsonPropertyName("input")] string Input,
    [property: JsonPropertyName("error")] string Error);

/// <summary>
/// index.json of a features folder. clip_starts/clip_ends: first and last source frame (0-based,
/// inclusive) of each clip, in the row order of clips_file ([clips, width] float32, after ReLU);
/// video_file: [width] float32, the L2-normalised mean over the clips.
/// </summary>
internal sealed record FeatureIndex(
    [property: JsonPropertyName("layer")] string Layer,
    [property: JsonPropertyName("width")] int Width,
    [property: JsonPropertyName("weights")] string Weights,
    [property: JsonPropertyName("clip_length")] int ClipLength,
    [property: JsonPropertyName("stride")] int Stride,
    [property: JsonPropertyName("inputs")] IReadOnlyList<FeatureEntry> Inputs,
    [property: JsonPropertyName("failed")] IReadOnlyList<FeatureFailure> Failed)
{
    public const string FileName = "index.json";
    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    public void Save(string dir) => SaveAs(Path.Combine(dir, FileName));
    /// <summary>Writes the index to <paramref name="path"/> (a shard's own index is not called index.json).</summary>
    public void SaveAs(string path) => AtomicFile.Write(path, temp => File.WriteAllText(temp, JsonSerializer.Serialize(this, Options)));
    public static FeatureIndex Load(string dir) => LoadFrom(Path.Combine(dir, FileName));
    public static FeatureIndex LoadFrom(string path) =>
        JsonSerializer.Deserialize<FeatureIndex>(File.ReadAllText(path), Options) ?? throw new InvalidDataException($"{path}: empty");
}

/// <summary>
/// Clip features for every clip, sampled like predict (stride = clip length by default: non-overlapping clips), and
/// per video the L2-normalised mean: C3D's fc6 (or fc7) activations after ReLU as the paper uses them, or a video
/// ResNet's pooled 512-d vector before fc (<c>pool</c>).
/// </summary>
internal sealed class FeatureExtractor(ClipModel model, SamplingSettings settings, int batchSize, string? layer)
{
    /// <summary>Every layer name some architecture takes (C3D: fc6, fc7; the video ResNets: pool).</summary>
    public static readonly string[] Layers = ["fc6", "fc7", VideoResNet.PoolLayer];

    /// <summary>The layer asked for, or the model's default (fc6 for C3D, pool for the ResNets); one the model lacks is refused.</summary>
    public string Layer { get; } = layer is null ? DefaultLayer(model.Config)
        : model.Network.FeatureLayers.Contains(layer) ? layer
        : throw new ArgumentException($"unknown feature layer '{layer}' for {(model.Config.IsC3d ? "C3D" : model.Config.Architecture)}: use {string.Join(" or ", model.Network.FeatureLayers)}");

    /// <summary>The layer features come from unless one is asked for: fc6 for C3D (the paper's), pool for the video ResNets.</summary>
    public static string DefaultLayer(Models.C3dConfig config) => config.IsC3d ? "fc6" : VideoResNet.PoolLayer;

    /// <summary>Width of the feature vectors: C3D's fc6/fc7 width, or 512 for the ResNets.</summary>
    public int Width => model.Config.IsC3d ? model.Config.FcWidth : VideoResNet.FeatureSize;

    /// <summary>Per-clip features of one input ([clips][width]) with their windows.</summary>
    public InputRun Extract(InputItem input, IProgress<int>? windowsDone = null, CancellationToken cancel = default) =>
        WindowedInference.Run(input, model, settings, batchSize, (batch, n) => model.Features(batch, n, Layer), windowsDone, cancel);

    /// <summary>The mean over clips, scaled to unit L2 norm (left as zeros if the mean is zero).</summary>
    public static float[] NormalisedMean(IReadOnlyList<float[]> clips)
    {
        var mean = Predictor.Average(clips);
        double norm = Math.Sqrt(mean.Sum(v => (double)v * v));
        return norm > 0 ? mean.Select(v => (float)(v / norm)).ToArray() : mean;
    }

    /// <summary>The files of one input: <c>NAME_LAYER.npy</c> (per clip) and <c>NAME_LAYER_video.npy</c>.</summary>
    public static (string Clips, string Video) FileNames(string name, string layer) => ($"{name}_{layer}.npy", $"{name}_{layer}_video.npy");

    /// <summary>Writes <c>NAME_LAYER.npy</c> ([clips, width]) and <c>NAME_LAYER_video.npy</c> ([width]) and returns the index entry.</summary>
    public FeatureEntry Save(InputRun run, string outDir, string name) => Save(run, outDir, name, Layer);

    /// <summary>Writes the files of <paramref name="layer"/> features (see the instance overload).</summary>
    public static FeatureEntry Save(InputRun run, string outDir, string name, string layer)
    {
        int width = run.Windows[0].Values.Length;
        var flat = new float[run.Windows.Count * width];
        for (int i = 0; i < run.Windows.Count; i++) run.Windows[i].Values.CopyTo(flat, i * width);
        var (clipsFile, videoFile) = FileNames(name, layer);
        NpyFile.WriteFloat32(Path.Combine(outDir, clipsFile), flat, run.Windows.Count, width);
        NpyFile.WriteFloat32(Path.Combine(outDir, videoFile), NormalisedMean(run.Windows.Select(w => w.Values).ToList()), width);
        return new FeatureEntry(run.Input, run.Windows.Count, run.FrameStep, run.Fps,
            run.Windows.Select(w => w.StartFrame).ToList(), run.Windows.Select(w => w.EndFrame).ToList(), clipsFile, videoFile);
    }
}
