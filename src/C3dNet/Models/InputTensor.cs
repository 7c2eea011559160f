using OpenCvSharp;

namespace C3dNet.Models;

/// <summary>
/// Turns decoded frames (OpenCV BGR, 8-bit, 3 channels, already at the model's frame size) into a model's input
/// layout (3, T, S, S) float32 as a <see cref="ModelInput"/> says: crop, optional horizontal flip, channel order,
/// value scale, mean, std. Pure C#, so loader threads can fill batch buffers without touching torch.
/// </summary>
internal static class InputTensor
{
    /// <summary>Floats one clip occupies.</summary>
    public static int Length(int frames, int size) => 3 * frames * size * size;

    /// <summary>Writes <paramref name="frames"/> into <paramref name="dest"/> (length <see cref="Length"/>).</summary>
    public static unsafe void Write(Span<float> dest, IReadOnlyList<Mat> frames, CropBox box, bool flip, ModelInput input)
    {
        int t = frames.Count, s = box.Size, plane = s * s;
        if (dest.Length != Length(t, s)) throw new ArgumentException($"destination holds {dest.Length} floats, a clip of {t}x{s}x{s} needs {Length(t, s)}");
        // Output channel c takes source (BGR) channel src[c]; mean and std are given in output order.
        int[] src = input.ChannelOrder == "RGB" ? [2, 1, 0] : [0, 1, 2];
        // One table per output channel of what each 8-bit value becomes: (value / scale - mean) * (1 / std). C3D's
        // scale is 1 (exact) and multiplying by the reciprocal is what C3D's clip writer always computed, so C3D clips stay
        // bit-identical; torchvision divides by 255 first as here.
        Span<float> table = stackalloc float[3 * 256];
        for (int c = 0; c < 3; c++)
        {
            float mean = input.Mean[c], inv = 1f / (input.Std?[c] ?? 1f);
            for (int v = 0; v < 256; v++) table[c * 256 + v] = (v / input.ValueScale - mean) * inv;
        }
        ReadOnlySpan<float> l0 = table[..256], l1 = table.Slice(256, 256), l2 = table[512..];
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
                    dest[o0 + at] = l0[px[src[0]]];
                    dest[o1 + at] = l1[px[src[1]]];
                    dest[o2 + at] = l2[px[src[2]]];
                }
            }
        }
    }
}
