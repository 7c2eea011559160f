using C3dNet.Datasets;

namespace C3dNet.LinearProbe;

/// <summary>
/// How a video is recognised across a features folder, a preprocess manifest and the official split lists:
/// <c>class/name</c> from the last two parts of its path (its class folder and its file name without a video
/// extension), compared case-insensitively as the split lists are. Thus <c>UCF-101/ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi</c>
/// (features of the original video), <c>ucf101/train/ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01</c> (of its frame folder)
/// and the list entry <c>ApplyEyeMakeup/v_ApplyEyeMakeup_g08_c01.avi</c> are one video.
/// </summary>
internal static class VideoKey
{
    public static readonly StringComparer Comparer = StringComparer.OrdinalIgnoreCase;

    public static string Of(string className, string fileOrFolder) => $"{className}/{Stem(fileOrFolder)}";

    /// <summary>The key of a path as <c>c3d features</c> records it (any separators, absolute or relative).</summary>
    public static string OfPath(string path)
    {
        var parts = path.Replace('\\', '/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 ? Of(parts[^2], parts[^1]) : Of("", parts.Length == 1 ? parts[0] : path);
    }

    private static string Stem(string name) =>
        VideoDatasetScan.VideoExtensions.Contains(Path.GetExtension(name)) ? Path.GetFileNameWithoutExtension(name) : name;
}
