using C3dNet.Inference;
using C3dNet.Tests.Support;

namespace C3dNet.Tests.Inference;

public class NpyFileTests
{
    [Theory]
    [InlineData(new[] { 3, 5 })]
    [InlineData(new[] { 7 })]
    [InlineData(new[] { 0, 4 })]
    public void Npy_files_follow_the_format_and_read_back(int[] shape)
    {
        using var dir = new TempDir();
        var data = Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(i => i * 0.5f - 3.25f).ToArray();
        string path = dir.File("a.npy");
        NpyFile.WriteFloat32(path, data, shape);
        var bytes = File.ReadAllBytes(path);
        Assert.Equal([0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0], bytes[..8]);
        int headerLength = bytes[8] | bytes[9] << 8;
        Assert.Equal(0, (10 + headerLength) % 64);
        string header = System.Text.Encoding.ASCII.GetString(bytes, 10, headerLength);
        Assert.EndsWith("\n", header);
        string dims = shape.Length == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";
        Assert.StartsWith($"{{'descr': '<f4', 'fortran_order': False, 'shape': {dims}, }}", header);
        Assert.Equal(10 + headerLength + 4 * data.Length, bytes.Length);
        var (back, backShape) = NpyFile.ReadFloat32(path);
        Assert.Equal(shape, backShape);
        Assert.Equal(data, back);
        Assert.Throws<ArgumentException>(() => NpyFile.WriteFloat32(path, new float[data.Length + 1], shape));
    }
}
