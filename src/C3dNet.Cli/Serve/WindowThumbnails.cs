using System.Text.Json.Serialization;
using C3dNet.Inference;
using C3dNet.Video;
using OpenCvSharp;

namespace C3dNet.Cli.Serve;

/// <summary>A window's picture for the page when the browser cannot play the upload: its middle frame, a small JPEG.</summary>
internal sealed record WindowThumbnail(
    [property: JsonPropertyName("frame")] int Frame,
    [property: JsonPropertyName("jpeg")] string JpegBase64);

/// <summary>
/// Thumbnails of an uploaded video's windows, in window order: the middle source frame of each window
/// ((start_frame + end_frame) / 2), <see cref="Width"/> pixels wide, JPEG, base64. Decoded again from the upload with the
/// recognizer's decoder while the request still holds it; frames between are only grabbed.
/// </summary>
internal static class WindowThumbnails
{
    public const int Width = 112;
    private static readonly int[] JpegQuality = [(int)ImwriteFlags.JpegQuality, 75];

    public static IReadOnlyList<WindowThumbnail> Of(string video, IReadOnlyList<WindowReport> windows, VideoDecoder decoder, CancellationToken cancel)
    {
        var frames = windows.Select(w => (w.StartFrame + w.EndFrame) / 2).ToList();
        var wanted = frames.ToHashSet();
        var pictures = new Dictionary<int, string>();
        using (var source = VideoDecoders.OpenFile(video, decoder))
        {
            foreach (var f in source.Frames(wanted.Contains, cancel))
            {
                using (f.Frame) pictures[f.Index] = Jpeg(f.Frame);
                if (pictures.Count == wanted.Count) break;
            }
        }
        // A frame the decoder did not give this time (it counted one more before): the nearest earlier picture stands in.
        string? last = null;
        return frames.Select(f => new WindowThumbnail(f, last = pictures.GetValueOrDefault(f) ?? last
            ?? throw new InvalidDataException($"frame {f} could not be decoded again for its thumbnail"))).ToList();
    }

    private static string Jpeg(Mat frame)
    {
        int height = Math.Max(1, (int)Math.Round(frame.Rows * (double)Width / frame.Cols));
        using var small = frame.Resize(new Size(Width, height), 0, 0, InterpolationFlags.Area);
        Cv2.ImEncode(".jpg", small, out byte[] bytes, JpegQuality);
        return Convert.ToBase64String(bytes);
    }
}
