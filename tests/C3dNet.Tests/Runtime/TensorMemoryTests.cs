using System.Runtime.InteropServices;
using C3dNet.Runtime;

namespace C3dNet.Tests.Runtime;

/// <summary>The CLI's allocator setting: a freed activation-sized buffer is reused without the kernel clearing its pages again.</summary>
public unsafe class TensorMemoryTests
{
    [DllImport("libc", EntryPoint = "getrusage")]
    private static extern int GetRusage(int who, long* usage);

    /// <summary>Minor page faults of this thread so far (getrusage(RUSAGE_THREAD), ru_minflt: the ninth long).</summary>
    private static long MinorFaults()
    {
        long* usage = stackalloc long[18];
        Assert.Equal(0, GetRusage(1, usage));
        return usage[8];
    }

    private static long FaultsOfTouching(nuint bytes)
    {
        long before = MinorFaults();
        byte* p = (byte*)NativeMemory.Alloc(bytes);
        for (nuint i = 0; i < bytes; i += 4096) p[i] = 1;
        NativeMemory.Free(p);
        return MinorFaults() - before;
    }

    [Fact]
    public void After_it_a_freed_16_MiB_buffer_comes_back_without_page_faults()
    {
        Assert.True(TensorMemory.KeepFreedBuffers());
        const nuint bytes = 16 * 1024 * 1024;
        FaultsOfTouching(bytes); // the first time the pages are new
        long again = FaultsOfTouching(bytes);
        Assert.True(again < 64, $"{again} minor page faults touching a reused 16 MiB buffer (4,096 pages)");
    }
}
