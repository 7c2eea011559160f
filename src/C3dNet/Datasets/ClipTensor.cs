using C3dNet.Models;
using OpenCvSharp;

namespace C3dNet.Datasets;

/// <summary>A square crop, the same for every frame of a clip.</summary>
public readonly record struct CropBox(int Top, int Left, int Size)
{
    /// <summary>The centre crop; for 128x171 frames and 112 it is rows 8..120, columns 30..142, as the reference's inference.</summary>
    public static CropBox Center(int height, int width, int size) =>
        new(Math.Max(0, (height - size + 1) / 2), Math.Max(0, (width - size + 1) / 2), size);

    /// <summary>A random crop, top in [0, height-size) and left in [0, width-size) as the reference's randint.</summary>
    public static CropBox Random(int height, int width, int size, Random rng) =>
        new(height > size ? rng.Next(height - size) : 0, width > size ? rng.Next(width - size) : 0, size);
}

/// <summary>
/// Turns decoded frames (OpenCV BGR, 8-bit, 3 channels) into the network's input layout
/// (3, T, S, S) float32: crop, optional horizontal flip, channel order, mean subtraction, scale.
/// Pure C#, so loader threads can fill batch buffers without touching torch.
/// </summary>
public static class ClipTensor
{
    /// <summary>Floats one clip occupies.</summary>
    public static int Length(int frames, int size) => 3 * frames * size * size;

    /// <summary>Writes <paramref name="frames"/> into <paramref name="dest"/> (length <see cref="Length"/>).</summary>
    public static unsafe void Write(Span<float> dest, IReadOnlyList<Mat> frames, CropBox box, bool flip, C3dConfig config)
    {
        int t = frames.Count, s = box.Size, plane = s * s;
        if (dest.Length != Length(t, s)) throw new ArgumentException($"destination holds {dest.Length} floats, a clip of {t}x{s}x{s} needs {Length(t, s)}");
        bool rgb = config.ChannelOrder == "RGB";
        float inv = 1f / config.InputScale;
        // Output channel c takes source (BGR) channel src[c]; the mean is given in output order.
        int[] src = rgb ? [2, 1, 0] : [0, 1, 2];
        float m0 = config.Mean[0], m1 = config.Mean[1], m2 = config.Mean[2];
        for (int f = 0; f < t; f++)
        {
            var mat = frames[f];
            if (mat.Type() != MatType.CV_8UC3) throw new ArgumentException($"frame {f} is {mat.Type()}, expected 8-bit BGR");
            if (box.Top + s > mat.Rows || box.Left + s > mat.Cols)
                throw new ArgumentException($"crop {s}x{s} at ({box.Top}, {box.Left}) does not fit a {mat.Cols}x{mat.Rows} frame");
            byte* data = (byte*)mat.DataPointer;
            long step = mat.Step();
            int o0 = (0 * t + f) * plane, o1 = (1 * t + f) * plane, o2 = (2 * t + f) * plane;
            for (int y = 0; y < s; y++)
            {
                byte* row = data + (box.Top + y) * step + box.Left * 3;
                int rowOut = y * s;
                for (int x = 0; x < s; x++)
                {
                    byte* px = row + (flip ? s - 1 - x : x) * 3;
                    int at = rowOut + x;
                    dest[o0 + at] = (px[src[0]] - m0) * inv;
                    dest[o1 + at] = (px[src[1]] - m1) * inv;
                    dest[o2 + at] = (px[src[2]] - m2) * inv;
                }
            }
        }
    }
}
