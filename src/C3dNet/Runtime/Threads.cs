using static TorchSharp.torch;

namespace C3dNet.Runtime;

/// <summary>Intra-op thread count for libtorch, set once at start-up.</summary>
internal static class Threads
{
    public static int Configure(int? requested = null)
    {
        int n = requested is > 0 ? requested.Value : Environment.ProcessorCount;
        set_num_threads(n);
        return n;
    }
}
