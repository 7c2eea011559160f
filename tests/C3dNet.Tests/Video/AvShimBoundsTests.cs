using C3dNet.Synthetic;
using C3dNet.Tests.Support;
using C3dNet.Video;

namespace C3dNet.Tests.Video;

/// <summary>
/// The shim writes exactly the caller's rows and not a byte more. libswscale's SIMD converters store whole vectors
/// past a row's end; into a tightly packed 171-pixel frame that corrupted the heap (a crash of the test host, now and
/// then), so the shim converts into its own padded buffer and copies.
/// </summary>
public class AvShimBoundsTests
{
    [Theory]
    [InlineData(171, 128)]
    [InlineData(113, 57)]
    public unsafe void Convert_writes_nothing_past_the_callers_buffer(int width, int height)
    {
        Assert.True(AvShim.Available, AvShim.Problem);
        using var dir = new TempDir();
        string video = MotionVideoGenerator.Generate(new GeneratorOptions
        {
            OutDir = dir.File("gen"), Classes = 1, VideosPerClass = 1, Frames = 4, Width = width, Height = height, Seed = 1,
        }).Videos[0].Path;
        nint handle = AvShim.Open(video, 1, null, out string? problem);
        Assert.True(handle != 0, problem);
        try
        {
            Assert.Equal(1, AvShim.Next(handle, out _, out _, out _));
            int stride = width * 3, size = stride * height;
            const byte Guard = 0xAB;
            var buffer = new byte[size + 4096];
            Array.Fill(buffer, Guard);
            fixed (byte* p = buffer) Assert.Equal(0, AvShim.Convert(handle, width, height, p, stride));
            Assert.All(buffer.AsSpan(size).ToArray(), b => Assert.Equal(Guard, b));
            Assert.Contains(buffer.Take(size), b => b != Guard); // the frame itself was written
        }
        finally { AvShim.Close(handle); }
    }
}
