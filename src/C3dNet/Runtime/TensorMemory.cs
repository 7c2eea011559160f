using System.Runtime.InteropServices;

namespace C3dNet.Runtime;

/// <summary>
/// How the process's C allocator hands libtorch its activation buffers. With glibc's defaults every buffer above the
/// (dynamic) mmap threshold is a fresh mapping and memory freed at the top of the heap goes back to the kernel, so each
/// forward pass page-faults and zeroes its activations again: measured on mc3_18, a fifth of the samples were the kernel
/// clearing pages. Keeping buffers up to glibc's 32 MiB ceiling on the heap and never trimming it made
/// <c>c3d bench --arch mc3_18</c> 12% faster as a whole process. Set by the CLI only: a library does not change its host's
/// allocator. Variables the user set (<c>MALLOC_MMAP_THRESHOLD_</c>, <c>MALLOC_TRIM_THRESHOLD_</c>) win.
/// </summary>
internal static class TensorMemory
{
    private const int M_TRIM_THRESHOLD = -1, M_MMAP_THRESHOLD = -3;
    /// <summary>glibc's largest mmap threshold on 64-bit (DEFAULT_MMAP_THRESHOLD_MAX).</summary>
    private const int MmapThresholdMax = 32 * 1024 * 1024;

    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int Mallopt(int param, int value);

    /// <summary>True when the settings were applied (Linux with glibc, not overridden by the environment).</summary>
    public static bool KeepFreedBuffers()
    {
        if (!OperatingSystem.IsLinux()) return false;
        if (Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null || Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") is not null)
            return false;
        try
        {
            return Mallopt(M_MMAP_THRESHOLD, MmapThresholdMax) == 1 & Mallopt(M_TRIM_THRESHOLD, int.MaxValue) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false; // not glibc (musl has no mallopt tuning): the defaults stay
        }
    }
}
