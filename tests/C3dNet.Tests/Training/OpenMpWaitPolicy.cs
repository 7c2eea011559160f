using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace C3dNet.Tests.Training;

/// <summary>
/// libtorch's OpenMP (libgomp) spins while it waits for its threads. When the 2 cores are shared with other work,
/// as while tests run next to builds, spinning threads starve the working ones and a training step of a narrow C3D
/// ran 3-6 times slower here (2 threads: 2.8-6 clips/s spinning, 17-22 passive). libgomp reads OMP_WAIT_POLICY when
/// it loads, i.e. at the first torch call, so it is set (unless the environment already sets it) before any test runs.
/// Recommended for the c3d launcher as well.
/// </summary>
internal static class OpenMpWaitPolicy
{
    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnv(string name, string value, int overwrite);

    [ModuleInitializer]
    internal static void Passive()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is not null) return;
        SetEnv("OMP_WAIT_POLICY", "PASSIVE", 0); // for libtorch in this process
        Environment.SetEnvironmentVariable("OMP_WAIT_POLICY", "PASSIVE"); // for the c3d processes the CLI tests start
    }
}
