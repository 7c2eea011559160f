using OpenCvSharp;
using static TorchSharp.torch;

namespace C3dNet.Runtime;

/// <summary>
/// Start-up checks that the native libraries load, turning the runtime's TypeInitializationException /
/// DllNotFoundException into one message that names the library, what is missing and the fix.
/// </summary>
internal static class NativeLibraries
{
    /// <summary>Null when libtorch works, else a message saying why not and how to fix it.</summary>
    public static string? CheckTorch()
    {
        try
        {
            using var t = ones(2);
            return t.sum().item<float>() == 2f ? null : "libtorch loaded but computed a wrong result";
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or EntryPointNotFoundException or NotSupportedException)
        {
            string detail = Innermost(e).Message;
            if (detail.Contains("GLIBCXX"))
                return "libLibTorchSharp.so (TorchSharp's native bridge) cannot load: it needs GLIBCXX_3.4.32 and this system's libstdc++ is older. " +
                       "Our build marks that requirement weak in the copy it places in the output folder; build through ./c3d or `dotnet build` so the step runs. Details: " + detail;
            return "libtorch (TorchSharp's native libraries: libLibTorchSharp.so, libtorch_cpu.so) could not load. " +
                   "Build through ./c3d or `dotnet build` so the TorchSharp-cpu package's native files are in the output folder. Details: " + detail;
        }
    }

    /// <summary>Null when OpenCV works, else a message saying why not and how to fix it.</summary>
    public static string? CheckOpenCv()
    {
        try
        {
            _ = Cv2.GetVersionString();
            return null;
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or EntryPointNotFoundException)
        {
            return "OpenCvSharpExtern (OpenCV's native library) could not load; it links GTK 3. On Debian/Ubuntu: " +
                   "sudo apt-get install -y libgtk-3-0. Details: " + Innermost(e).Message;
        }
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
