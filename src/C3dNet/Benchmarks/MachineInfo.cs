using System.Runtime.InteropServices;
using C3dNet.Runtime;
using OpenCvSharp;
using static TorchSharp.torch;

namespace C3dNet.Benchmarks;

/// <summary>Names the machine a benchmark ran on, so published numbers can be compared.</summary>
internal sealed record MachineInfo(string Cpu, int Cores, int TorchThreads, string CpuFeatures, string Runtime,
    string TorchSharp, string LibTorch, string OpenCv, string Os)
{
    public static MachineInfo Current()
    {
        string cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name"))?.Split(':', 2)[1].Trim() ?? "unknown"
            : "unknown";
        string flags = C3dNet.Runtime.CpuFeatures.Summary;
        return new MachineInfo(cpu, Environment.ProcessorCount, get_num_threads(), flags, RuntimeInformation.FrameworkDescription,
            typeof(TorchSharp.torch).Assembly.GetName().Version?.ToString(3) ?? "?", __version__, Cv2.GetVersionString() ?? "?",
            RuntimeInformation.OSDescription);
    }
}
