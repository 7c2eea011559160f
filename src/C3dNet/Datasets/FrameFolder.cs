using System.Text.RegularExpressions;
using OpenCvSharp;

namespace C3dNet.Datasets;

/// <summary>A frame image that cannot be read; the message names the file and the problem.</summary>
public sealed class FrameReadException(string path, string problem) : Exception($"{path}: {problem}")
{
    /// <summary>The frame image.</summary>
    public string Path { get; } = path;
    /// <summary>What is wrong with it (the message without the path).</summary>
    public string Problem { get; } = problem;
}

/// <summary>
/// One video's extracted frames in a folder: <c>00001.jpg …</c> as <c>c3d preprocess</c> writes them,
/// or the reference's unpadded <c>00000.jpg … 000010.jpg</c>. Frames are ordered by the number in
/// the name, never as text (the reference's text sort puts frame 10 before frame 2).
/// </summary>
internal static partial class FrameFolder
{
    public static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png", ".bmp"];

    public static bool IsImage(string path) => ImageExtensions.Contains(System.IO.Path.GetExtension(path).ToLowerInvariant());

    /// <summary>True when <paramref name="directory"/> holds at least one image.</summary>
    public static bool HasImages(string directory) => Directory.EnumerateFiles(directory).Any(IsImage);

    /// <summary>Like <see cref="List"/>, but a missing folder or one without images is an error naming the folder.</summary>
    public static IReadOnlyList<string> RequireFrames(string directory)
    {
        if (!Directory.Exists(directory)) throw new DirectoryNotFoundException($"{directory}: folder not found");
        var files = List(directory);
        if (files.Count == 0)
            throw new InvalidDataException($"{directory}: no frame images ({string.Join(", ", ImageExtensions)}) in this folder");
        return files;
    }

    [GeneratedRegex(@"(\d+)(?!.*\d)")]
    private static partial Regex LastNumber();

    /// <summary>The frame files of <paramref name="directory"/> in time order.</summary>
    public static IReadOnlyList<string> List(string directory) =>
        Directory.EnumerateFiles(directory)
            .Where(IsImage)
            .Select(f => (Path: f, Number: NumberIn(System.IO.Path.GetFileNameWithoutExtension(f))))
            .OrderBy(f => f.Number is null ? 1 : 0)
            .ThenBy(f => f.Number ?? 0)
            .ThenBy(f => f.Path, StringComparer.Ordinal)
            .Select(f => f.Path)
            .ToList();

    private static long? NumberIn(string stem)
    {
        var m = LastNumber().Match(stem);
        return m.Success && long.TryParse(m.Value, out long n) ? n : null;
    }

    /// <summary>
    /// Reads one frame as 8-bit BGR, resized to <paramref name="width"/> x <paramref name="height"/> when it
    /// has another size (area interpolation when shrinking, linear when enlarging).
    /// </summary>
    public static Mat Read(string path, int width, int height)
    {
        var mat = Decode(path);
        if (mat.Width == width && mat.Height == height) return mat;
        var resized = new Mat();
        var interpolation = width < mat.Width && height < mat.Height ? InterpolationFlags.Area : InterpolationFlags.Linear;
        Cv2.Resize(mat, resized, new Size(width, height), 0, 0, interpolation);
        mat.Dispose();
        return resized;
    }

    /// <summary>
    /// Reads one frame image as 8-bit BGR. A JPEG cut short (no end-of-image marker: a copy or a write that did not finish)
    /// is refused before decoding: libjpeg would decode it with the missing part grey, saying only "Premature end of JPEG
    /// file" on stderr, without the file's name.
    /// </summary>
    /// <exception cref="FrameReadException">The file is missing, empty, truncated or not a decodable image; the message names it.</exception>
    public static Mat Decode(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { throw new FrameReadException(path, "file not found"); }
        if (bytes.Length == 0) throw new FrameReadException(path, "file is empty (0 bytes)");
        if (IsTruncatedJpeg(bytes)) throw new FrameReadException(path, $"truncated JPEG ({bytes.Length} bytes, no end-of-image marker)");
        Mat mat;
        try { mat = Cv2.ImDecode(bytes, ImreadModes.Color); }
        catch (OpenCVException e) { throw new FrameReadException(path, $"cannot be decoded: {e.Message}"); }
        if (!mat.Empty()) return mat;
        mat.Dispose();
        throw new FrameReadException(path, "cannot be decoded as an image (corrupt or not a JPEG/PNG)");
    }

    /// <summary>A JPEG (starts with SOI, FF D8) whose last bytes, after any zero padding, are not the EOI marker FF D9.</summary>
    public static bool IsTruncatedJpeg(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 2 || bytes[0] != 0xFF || bytes[1] != 0xD8) return false;
        int end = bytes.Length;
        while (end > 2 && bytes[end - 1] == 0) end--;
        return end < 4 || bytes[end - 2] != 0xFF || bytes[end - 1] != 0xD9;
    }
}
