using System.Text.RegularExpressions;

namespace C3dNet.Datasets;

/// <summary>
/// Which videos come from the same source and must not be split apart: UCF101 groups (<c>v_X_g08_c01</c> →
/// <c>g08</c>: same actor and scene), HMDB51 source films (the part of the name before <c>_&lt;class&gt;_</c>).
/// A video with neither is a group of its own.
/// </summary>
internal static partial class VideoGroups
{
    [GeneratedRegex(@"_g(\d+)_c\d+", RegexOptions.IgnoreCase)]
    private static partial Regex UcfGroup();

    public static string KeyOf(SourceVideo video) => KeyOf(video.Class, video.Name);

    public static string KeyOf(string className, string videoName)
    {
        var ucf = UcfGroup().Match(videoName);
        if (ucf.Success) return "g" + int.Parse(ucf.Groups[1].Value);
        int at = videoName.IndexOf("_" + className + "_", StringComparison.OrdinalIgnoreCase);
        if (at > 0) return "src:" + videoName[..at].ToLowerInvariant();
        return "video:" + videoName;
    }
}
