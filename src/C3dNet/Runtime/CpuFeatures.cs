namespace C3dNet.Runtime;

/// <summary>
/// What the CPU offers for the fast paths. Without AVX512-BF16 or AMX, libtorch runs bf16 Conv3d
/// through slow fallback kernels (measured here on an AVX2-only EPYC: orders of magnitude slower
/// than fp32), so bf16 is only worth it where the CPU has native bf16 instructions.
/// </summary>
internal static class CpuFeatures
{
    private static readonly Lazy<string[]> Flags = new(() =>
    {
        if (!File.Exists("/proc/cpuinfo")) return [];
        var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags"));
        return line?.Split(':', 2)[1].Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
    });

    public static bool Has(string flag) => Flags.Value.Contains(flag);

    /// <summary>True when the CPU computes bf16 natively (AVX512-BF16 or AMX-BF16).</summary>
    public static bool HasNativeBf16 => Has("avx512_bf16") || Has("amx_bf16");

    /// <summary>The SIMD features that matter for libtorch's CPU kernels, for reports.</summary>
    public static string Summary => string.Join(' ', new[] { "avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "amx_bf16", "amx_tile" }.Where(Has));
}
