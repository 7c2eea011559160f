using C3dNet.Inference;

namespace C3dNet.LinearProbe;

/// <summary>One video's feature vector as <c>c3d features</c> wrote it (its <c>NAME_LAYER_video.npy</c>).</summary>
internal sealed record VideoFeature(string Input, string Key, string File, float[] Values);

/// <summary>
/// The per-video features of one or more <c>c3d features</c> folders (each with its index.json), all of one layer and
/// width. Anything else is refused with the file that differs: a folder without index.json, a folder of another layer
/// or width than the first, a vector file missing or of another shape, one video in two entries.
/// </summary>
internal sealed record FeatureCollection(string Layer, int Width, IReadOnlyList<string> Folders, IReadOnlyList<VideoFeature> Videos)
{
    public static FeatureCollection Load(IReadOnlyList<string> folders)
    {
        if (folders.Count == 0) throw new ArgumentException("give at least one --features folder");
        string? layer = null, first = null;
        int width = 0;
        var videos = new List<VideoFeature>();
        var byKey = new Dictionary<string, VideoFeature>(VideoKey.Comparer);
        foreach (var folder in folders)
        {
            if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"{folder}: features folder not found");
            string indexPath = Path.Combine(folder, FeatureIndex.FileName);
            if (!System.IO.File.Exists(indexPath))
                throw new FileNotFoundException($"{indexPath}: not found: {folder} is not a features folder (write one with c3d features ... --out {folder})", indexPath);
            FeatureIndex index;
            try { index = FeatureIndex.Load(folder); }
            catch (System.Text.Json.JsonException e) { throw new InvalidDataException($"{indexPath}: not a valid features index ({e.Message})"); }
            if (index.Inputs is null || index.Layer is null) throw new InvalidDataException($"{indexPath}: not a features index (no layer or inputs)");
            if (layer is null) (layer, width, first) = (index.Layer, index.Width, indexPath);
            else if (index.Layer != layer || index.Width != width)
                throw new InvalidDataException(
                    $"{indexPath}: {index.Layer} features {index.Width} wide, but {first} holds {layer} features {width} wide: give folders of one layer and model");
            foreach (var entry in index.Inputs)
            {
                string file = Path.Combine(folder, entry.VideoFile);
                if (!System.IO.File.Exists(file)) throw new FileNotFoundException($"{file}: listed in {indexPath} for {entry.Input} but missing", file);
                var (values, shape) = NpyFile.ReadFloat32(file);
                if (shape.Length != 1 || shape[0] != width)
                    throw new InvalidDataException($"{file}: shape ({string.Join(", ", shape)}), expected ({width},): the {layer} vector of one video as {indexPath} says");
                var video = new VideoFeature(entry.Input, VideoKey.OfPath(entry.Input), file, values);
                if (byKey.TryGetValue(video.Key, out var other))
                    throw new InvalidDataException($"{file}: video {video.Key} ({entry.Input}) already has features in {other.File}: give each video once");
                byKey[video.Key] = video;
                videos.Add(video);
            }
        }
        return new FeatureCollection(layer!, width, folders, videos);
    }
}
