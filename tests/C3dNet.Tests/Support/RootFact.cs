using System.Runtime.InteropServices;

namespace C3dNet.Tests.Support;

/// <summary>A fact that needs root (it mounts a small tmpfs or a read-only bind mount); skipped, with the reason, otherwise.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!IsRoot) Skip = "needs root to mount a small tmpfs or a read-only bind mount (run the tests as root, as CI does)";
    }

    public static bool IsRoot => !OperatingSystem.IsWindows() && GetEuid() == 0;

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEuid();
}
