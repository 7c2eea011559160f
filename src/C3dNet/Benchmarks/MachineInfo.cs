using System.Runtime.InteropServices;
using OpenCvSharp;
using static TorchSharp.torch;

namespace C3dNet.Benchmarks;

/// <summary>Names the machine a benchmark ran on, so published numbers can be compared.</summary>
public sealed record MachineInfo(string Cpu, int Cores, int TorchThreads, string CpuFeatures, string Runtime,
    string TorchSharp, string LibTorch, string OpenCv, string Os)
{
    public static MachineInfo Current()
    {
        string cpu = "unknown", flags = "";
        if (File.Exists("/proc/cpuinfo"))
        {
            var lines = File.ReadLines("/proc/cpuinfo").Take(64).ToList();
            cpu = lines.FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? cpu;
            var all = (lines.FirstOrDefault(l => l.StartsWith("flags"))?.Split(':', 2)[1] ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
            flags = string.Join(' ', all.Where(f => f is "avx2" or "fma" or "avx512f" or "avx512_bf16" or "avx512_vnni" or "amx_bf16" or "amx_tile"));
        }
        return new MachineInfo(cpu, Environment.ProcessorCount, get_num_threads(), flags, RuntimeInformation.FrameworkDescription,
            typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(3) ?? "?", __version__, Cv2.GetVersionString() ?? "?",
            RuntimeInformation.OSDescription);
    }
}
