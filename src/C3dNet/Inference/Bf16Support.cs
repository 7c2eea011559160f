namespace C3dNet.Inference;

/// <summary>
/// Whether this CPU computes bf16 natively (AVX512-BF16 or AMX). Without it libtorch falls back to
/// generic kernels for bf16 convolutions, which are far slower than fp32 (measured here: an AVX2-only
/// AMD EPYC needs minutes per full-C3D clip in bf16, about a second in fp32).
/// </summary>
internal static class Bf16Support
{
    /// <summary>True or false on Linux (from /proc/cpuinfo); null where it cannot be told.</summary>
    public static bool? CpuHasNativeBf16() =>
        OperatingSystem.IsLinux() && File.Exists("/proc/cpuinfo") ? Runtime.CpuFeatures.HasNativeBf16 : null;

    /// <summary>A warning for bf16 on a CPU without native bf16, else null.</summary>
    public static string? Warning(InferencePrecision precision, TorchSharp.torch.Device device) =>
        precision == InferencePrecision.Bf16 && device.type == TorchSharp.DeviceType.CPU && CpuHasNativeBf16() == false
            ? "--precision bf16: this CPU has no native bf16 (AVX512-BF16 or AMX), so libtorch emulates it and it runs much slower than fp32; prefer fp32 here"
            : null;
}
