using C3dNet.Models;
using OpenCvSharp;

namespace C3dNet.Datasets;

/// <summary>
/// C3D clips in the network's input layout (3, T, S, S) float32: <see cref="InputTensor"/> with the input
/// <see cref="ModelInput.For"/> describes for a <see cref="C3dConfig"/>.
/// </summary>
internal static class ClipTensor
{
    /// <summary>Floats one clip occupies.</summary>
    public static int Length(int frames, int size) => InputTensor.Length(frames, size);

    /// <summary>Writes <paramref name="frames"/> into <paramref name="dest"/> (length <see cref="Length"/>).</summary>
    public static void Write(Span<float> dest, IReadOnlyList<Mat> frames, CropBox box, bool flip, C3dConfig config) =>
        InputTensor.Write(dest, frames, box, flip, ModelInput.For(config));
}
