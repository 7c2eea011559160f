using System.Runtime.InteropServices;

namespace C3dNet.Video;

/// <summary>
/// The FFmpeg shim (native/c3dav/c3dav.c, built with the project against the installed FFmpeg headers,
/// shipped as libc3dav.so next to the assemblies). Only plain types cross the boundary. Loaded once per
/// process; <see cref="Problem"/> says why it cannot be used (missing, FFmpeg libraries missing, or
/// libraries whose major versions differ from those the shim was compiled against).
/// C3D_AV_SHIM names another path for the shim (tests point it at nothing to exercise the fallback).
/// </summary>
internal static unsafe class AvShim
{
    public const string PathVariable = "C3D_AV_SHIM";
    private const int AvLogQuiet = -8;

    public sealed record Versions(int[] Compiled, int[] Loaded)
    {
        public static readonly string[] Libraries = ["libavcodec", "libavformat", "libswscale", "libavutil"];
        /// <summary>FFmpeg keeps its ABI within a major version; a newer minor only adds.</summary>
        public string? Mismatch()
        {
            for (int i = 0; i < Libraries.Length; i++)
                if (Compiled[i] >> 16 != Loaded[i] >> 16 || Loaded[i] < Compiled[i])
                    return $"{Libraries[i]} {Text(Loaded[i])} is loaded but the shim was compiled against {Text(Compiled[i])}";
            return null;
        }
        public static string Text(int v) => $"{v >> 16}.{(v >> 8) & 0xFF}.{v & 0xFF}";
    }

    private static readonly Lazy<(bool Ok, string? Problem, Versions? Versions)> State = new(Load);

    public static bool Available => State.Value.Ok;
    public static string? Problem => State.Value.Problem;
    public static Versions? LoadedVersions => State.Value.Versions;

    private static delegate* unmanaged<int*, int*, void> versions;
    private static delegate* unmanaged<int, void> setLogLevel;
    private static delegate* unmanaged<byte*, int, long, byte*, int, nint> open;
    private static delegate* unmanaged<nint, int*, int*, double*, long*, int*, void> info;
    private static delegate* unmanaged<nint, int, int, int, byte*, int, double*, double*, int> next;
    private static delegate* unmanaged<nint, void> interrupt;
    private static delegate* unmanaged<nint, void> close;
    private static delegate* unmanaged<nint, byte*> error;

    private static (bool, string?, Versions?) Load()
    {
        string path = Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } p
            ? p : Path.Combine(AppContext.BaseDirectory, "libc3dav.so");
        if (!File.Exists(path)) return (false, $"the FFmpeg shim {path} is missing (it is built with the project when gcc and FFmpeg's dev packages are installed)", null);
        if (!NativeLibrary.TryLoad(path, out var lib))
            return (false, $"the FFmpeg shim {path} does not load (FFmpeg's libraries libavformat/libavcodec/libswscale missing?)", null);
        try
        {
            versions = (delegate* unmanaged<int*, int*, void>)NativeLibrary.GetExport(lib, "c3dav_versions");
            setLogLevel = (delegate* unmanaged<int, void>)NativeLibrary.GetExport(lib, "c3dav_set_log_level");
            open = (delegate* unmanaged<byte*, int, long, byte*, int, nint>)NativeLibrary.GetExport(lib, "c3dav_open");
            info = (delegate* unmanaged<nint, int*, int*, double*, long*, int*, void>)NativeLibrary.GetExport(lib, "c3dav_info");
            next = (delegate* unmanaged<nint, int, int, int, byte*, int, double*, double*, int>)NativeLibrary.GetExport(lib, "c3dav_next");
            interrupt = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(lib, "c3dav_interrupt");
            close = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(lib, "c3dav_close");
            error = (delegate* unmanaged<nint, byte*>)NativeLibrary.GetExport(lib, "c3dav_error");
        }
        catch (EntryPointNotFoundException e)
        {
            return (false, $"the FFmpeg shim {path} is out of date ({e.Message}); rebuild the project", null);
        }
        int[] compiled = new int[4], loaded = new int[4];
        fixed (int* c = compiled, l = loaded) versions(c, l);
        var v = new Versions(compiled, loaded);
        if (v.Mismatch() is { } mismatch) return (false, mismatch, v);
        setLogLevel(AvLogQuiet); // bad videos are reported per file by the callers, not as FFmpeg's lines
        return (true, null, v);
    }

    private static void Require()
    {
        if (!Available) throw new InvalidOperationException($"FFmpeg decoding is unavailable: {Problem}");
    }

    /// <summary>A decoder handle, or zero with FFmpeg's reason.</summary>
    public static nint Open(string url, int threads, TimeSpan? timeout, out string? problem)
    {
        Require();
        byte[] name = [.. System.Text.Encoding.UTF8.GetBytes(url), 0];
        var message = new byte[256];
        nint handle;
        fixed (byte* n = name, m = message)
        {
            handle = open(n, threads, timeout is { } t ? (long)t.TotalMicroseconds : 0, m, message.Length);
            problem = handle == 0 ? Marshal.PtrToStringUTF8((nint)m) : null;
        }
        return handle;
    }

    public static (int Width, int Height, double Fps, long Frames, int Rotation) Info(nint handle)
    {
        int w, h, rotation;
        double fps;
        long frames;
        info(handle, &w, &h, &fps, &frames, &rotation);
        return (w, h, fps, frames, rotation);
    }

    /// <summary>1: a frame (converted into <paramref name="bgr"/> when kept), 0: end, -1: error (<see cref="Error"/>).</summary>
    public static int Next(nint handle, bool keep, int width, int height, byte* bgr, int stride, out double seconds, out double duration)
    {
        double s, d;
        int r = next(handle, keep ? 1 : 0, width, height, bgr, stride, &s, &d);
        seconds = s;
        duration = d;
        return r;
    }

    public static string Error(nint handle) => Marshal.PtrToStringUTF8((nint)error(handle)) ?? "";
    public static void Interrupt(nint handle) => interrupt(handle);
    public static void Close(nint handle) => close(handle);
}
