using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace C3dNet.LinearProbe;

/// <summary>
/// Float32 features x [videos, width] packed once into MKL's GEMM layout (cblas_sgemm_pack, which the x64 libtorch
/// exports), for the two products every CG step makes with them: scores W x^T + b and gradients t^T x. torch.mm repacks
/// x at every call, a fifth of a cross-validation's time at UCF101 size (perf over LinearBench fit svm). Where MKL is not there
/// (libtorch without it) or x is not float32, <see cref="TryCreate"/> gives null and the caller uses torch.mm.
/// </summary>
internal sealed unsafe class PackedFeatures : IDisposable
{
    private const int RowMajor = 101, NoTrans = 111, Trans = 112, Packed = 151, BMatrix = 162;

    private static readonly Mkl? Library = Mkl.Load();
    private readonly int videos, width, rows;
    private void* forScores, forGradient; // x^T as B of W x^T; x as B of t^T x

    private PackedFeatures(Tensor x, int rows)
    {
        videos = (int)x.shape[0];
        width = (int)x.shape[1];
        this.rows = rows;
        var mkl = Library!;
        var features = x.contiguous();
        fixed (byte* source = features.bytes)
        {
            forScores = Pack(mkl, Trans, rows, videos, width, (float*)source, width);
            forGradient = Pack(mkl, NoTrans, rows, width, videos, (float*)source, width);
        }
        if (!ReferenceEquals(features, x)) features.Dispose();
    }

    /// <summary>Packs x for products with up to <paramref name="rows"/> parameter rows; null when not float32 or without MKL.</summary>
    public static PackedFeatures? TryCreate(Tensor x, int rows) =>
        Library is not null && x.dtype == ScalarType.Float32 && x.device_type == TorchSharp.DeviceType.CPU && x.dim() == 2
            && x.shape[0] > 0 && x.shape[1] > 0 && rows > 0 ? new PackedFeatures(x, rows) : null;

    private static void* Pack(Mkl mkl, int trans, int m, int n, int k, float* source, int ld)
    {
        nuint size = mkl.PackGetSize(BMatrix, m, n, k);
        if (size == 0) throw new InvalidOperationException($"MKL gave no size for a packed {k} x {n} matrix");
        void* dest = NativeMemory.AlignedAlloc(size, 64);
        mkl.Pack(RowMajor, BMatrix, trans, m, n, k, 1f, source, ld, (float*)dest);
        return dest;
    }

    /// <summary>(W x^T + b)^T: [videos, w rows] float32, for <paramref name="w"/> [rows, width] and <paramref name="b"/> [rows] float32.</summary>
    public Tensor Scores(Tensor w, Tensor b)
    {
        int m = Check(w, width);
        var result = b.unsqueeze(1).expand(m, videos).contiguous(); // beta = 1 adds it
        using var a = w.contiguous();
        fixed (byte* pa = a.bytes, pc = result.bytes)
            Library!.Compute(RowMajor, NoTrans, Packed, m, videos, width, (float*)pa, width, (float*)forScores, videos, 1f, (float*)pc, videos);
        using (result) return result.t().contiguous();
    }

    /// <summary>t^T x: [t columns, width] float32, for <paramref name="t"/> [videos, columns] float32.</summary>
    public Tensor BackProject(Tensor t)
    {
        using var a = t.t().contiguous();
        int m = Check(a, videos);
        var result = empty(m, width, ScalarType.Float32);
        fixed (byte* pa = a.bytes, pc = result.bytes)
            Library!.Compute(RowMajor, NoTrans, Packed, m, width, videos, (float*)pa, videos, (float*)forGradient, width, 0f, (float*)pc, width);
        return result;
    }

    /// <summary>True when these are <paramref name="x"/>'s shape, packed for at least <paramref name="rows"/> rows.</summary>
    public bool Serves(Tensor x, int rows) => x.dim() == 2 && x.shape[0] == videos && x.shape[1] == width && rows <= this.rows;

    private int Check(Tensor a, int columns)
    {
        if (a.dtype != ScalarType.Float32 || a.dim() != 2 || a.shape[1] != columns || a.shape[0] > rows)
            throw new ArgumentException($"a [{string.Join(", ", a.shape)}] {a.dtype} operand for features packed as [{videos}, {width}] for up to {rows} rows");
        return (int)a.shape[0];
    }

    public void Dispose()
    {
        NativeMemory.AlignedFree(forScores);
        NativeMemory.AlignedFree(forGradient);
        forScores = forGradient = null;
    }

    /// <summary>MKL's packed single-precision GEMM, from the libtorch_cpu that TorchSharp loaded (LP64: int dimensions).</summary>
    private sealed class Mkl
    {
        public required delegate* unmanaged<int, int, int, int, nuint> PackGetSize { get; init; }
        public required delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, void> Pack { get; init; }
        public required delegate* unmanaged<int, int, int, int, int, int, float*, int, float*, int, float, float*, int, void> Compute { get; init; }

        public static Mkl? Load()
        {
            var directory = Path.GetDirectoryName(typeof(TorchSharp.torch).Assembly.Location) ?? "";
            foreach (var candidate in new[] { Path.Combine(directory, "libtorch_cpu.so"), Path.Combine(directory, "runtimes", "linux-x64", "native", "libtorch_cpu.so"), "libtorch_cpu.so" })
            {
                if (!NativeLibrary.TryLoad(candidate, out var lib)) continue;
                if (NativeLibrary.TryGetExport(lib, "cblas_sgemm_pack_get_size", out var size) && NativeLibrary.TryGetExport(lib, "cblas_sgemm_pack", out var pack)
                    && NativeLibrary.TryGetExport(lib, "cblas_sgemm_compute", out var compute))
                    return new Mkl
                    {
                        PackGetSize = (delegate* unmanaged<int, int, int, int, nuint>)size,
                        Pack = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, void>)pack,
                        Compute = (delegate* unmanaged<int, int, int, int, int, int, float*, int, float*, int, float, float*, int, void>)compute,
                    };
            }
            return null;
        }
    }
}
