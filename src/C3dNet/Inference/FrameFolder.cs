using System.Text.RegularExpressions;

namespace C3dNet.Inference;

/// <summary>
/// A folder of extracted frames: <c>00001.jpg …</c> as <c>c3d preprocess</c> writes, or the reference's
/// unpadded <c>0000{i}.jpg</c>, which sorts wrongly as text; frames are ordered by the number in the name.
/// </summary>
public static partial class FrameFolder
{
    public static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".bmp"];

    public static bool IsImage(string path) => ImageExtensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>True when <paramref name="dir"/> holds at least one image.</summary>
    public static bool HasImages(string dir) => Directory.EnumerateFiles(dir).Any(IsImage);

    /// <summary>The images of <paramref name="dir"/> in frame order; throws naming the folder when there are none.</summary>
    public static IReadOnlyList<string> List(string dir)
    {
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"{dir}: folder not found");
        var files = Directory.EnumerateFiles(dir).Where(IsImage)
            .Select(f => (Path: f, Number: NumberIn(Path.GetFileNameWithoutExtension(f))))
            .OrderBy(f => f.Number ?? long.MaxValue).ThenBy(f => f.Path, StringComparer.Ordinal)
            .Select(f => f.Path).ToList();
        if (files.Count == 0)
            throw new InvalidDataException($"{dir}: no frame images ({string.Join(", ", ImageExtensions)}) in this folder");
        return files;
    }

    /// <summary>The last run of digits in a file name, or null.</summary>
    internal static long? NumberIn(string name)
    {
        var m = LastNumber().Match(name);
        return m.Success && long.TryParse(m.Value, out long n) ? n : null;
    }

    [GeneratedRegex(@"\d+(?=\D*$)")]
    private static partial Regex LastNumber();
}
