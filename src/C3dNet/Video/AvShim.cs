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
    /// <summary>"ffmpeg (libavcodec 59.37.100)": the decoder's name with the version of the libavcodec loaded.</summary>
    public static string DecoderName => $"ffmpeg (libavcodec {(LoadedVersions is { } v ? Versions.Text(v.Loaded[0]) : "?")})";

    private static delegate* unmanaged<int*, int*, void> versions;
    private static delegate* unmanaged<int, void> setLogLevel;
    private static delegate* unmanaged<byte*, int, long, byte*, int, nint> open;
    private static delegate* unmanaged<nint, int*, int*, double*, long*, int*, void> info;
    private static delegate* unmanaged<nint, int*, double*, double*, int> next;
    private static delegate* unmanaged<nint, delegate* unmanaged<nint, int, int>, nint, int> skipUnkept;
    private static delegate* unmanaged<nint, int> framesSkipped;
    private static delegate* unmanaged<nint, int, int, byte*, int, int> convert;
    private static delegate* unmanaged<nint, void> interrupt;
    private static delegate* unmanaged<nint, void> close;
    private static delegate* unmanaged<nint, byte*> error;
    private static delegate* unmanaged<nint, byte*> codec;

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
            next = (delegate* unmanaged<nint, int*, double*, double*, int>)NativeLibrary.GetExport(lib, "c3dav_next");
            skipUnkept = (delegate* unmanaged<nint, delegate* unmanaged<nint, int, int>, nint, int>)NativeLibrary.GetExport(lib, "c3dav_skip_unkept");
            framesSkipped = (delegate* unmanaged<nint, int>)NativeLibrary.GetExport(lib, "c3dav_frames_skipped");
            convert = (delegate* unmanaged<nint, int, int, byte*, int, int>)NativeLibrary.GetExport(lib, "c3dav_convert");
            interrupt = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(lib, "c3dav_interrupt");
            close = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(lib, "c3dav_close");
            error = (delegate* unmanaged<nint, byte*>)NativeLibrary.GetExport(lib, "c3dav_error");
            codec = (delegate* unmanaged<nint, byte*>)NativeLibrary.GetExport(lib, "c3dav_codec");
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

    /// <summary>
    /// Decodes the next frame (held by the shim): 1, 0 at the end, -1 on error (<see cref="Error"/>), -2 when skipping
    /// cannot count frames exactly (decode the video again without it). <paramref name="index"/>: the frame's number
    /// in presentation order, skipped frames included.
    /// </summary>
    public static int Next(nint handle, out int index, out double seconds, out double duration)
    {
        double s, d;
        int i = 0;
        int r = next(handle, &i, &s, &d);
        index = i;
        seconds = s;
        duration = d;
        return r;
    }

    /// <summary>
    /// From now on the shim does not decode non-reference H.264 frames that <paramref name="keep"/> (a GCHandle of a
    /// Func&lt;int, bool&gt;, alive while the handle is) rejects. False when the video cannot skip (not H.264).
    /// </summary>
    public static bool SkipUnkept(nint handle, GCHandle keep) => skipUnkept(handle, &KeepCallback, GCHandle.ToIntPtr(keep)) == 1;

    public static int FramesSkipped(nint handle) => framesSkipped(handle);

    [UnmanagedCallersOnly]
    private static int KeepCallback(nint context, int index)
    {
        try { return ((Func<int, bool>)GCHandle.FromIntPtr(context).Target!)(index) ? 1 : 0; }
        catch { return 1; } // nothing may cross back into C; keeping a frame is always correct
    }

    /// <summary>Converts the frame <see cref="Next"/> decoded into BGR rows of <paramref name="stride"/> bytes: 0, or -1 on error.</summary>
    public static int Convert(nint handle, int width, int height, byte* bgr, int stride) => convert(handle, width, height, bgr, stride);

    public static string Codec(nint handle) => Marshal.PtrToStringUTF8((nint)codec(handle)) ?? "";
    public static string Error(nint handle) => Marshal.PtrToStringUTF8((nint)error(handle)) ?? "";
    public static void Interrupt(nint handle) => interrupt(handle);
    public static void Close(nint handle) => close(handle);
}
