namespace C3dNet.Models;

/// <summary>A square crop, the same for every frame of a clip.</summary>
internal readonly record struct CropBox(int Top, int Left, int Size)
{
    /// <summary>The centre crop; for 128x171 frames and 112 it is rows 8..120, columns 30..142, as the reference's inference.</summary>
    public static CropBox Center(int height, int width, int size) =>
        new(Math.Max(0, (height - size + 1) / 2), Math.Max(0, (width - size + 1) / 2), size);

    /// <summary>A random crop, top in [0, height-size) and left in [0, width-size) as the reference's randint.</summary>
    public static CropBox Random(int height, int width, int size, Random rng) =>
        new(height > size ? rng.Next(height - size) : 0, width > size ? rng.Next(width - size) : 0, size);
}
