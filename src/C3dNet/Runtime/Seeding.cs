using static TorchSharp.torch;

namespace C3dNet.Runtime;

/// <summary>One seed for every random choice: torch's generator and a derived System.Random.</summary>
internal static class Seeding
{
    public static void SeedTorch(long seed) => random.manual_seed(seed);

    /// <summary>A System.Random for a named purpose, derived deterministically from the seed.</summary>
    public static Random For(long seed, string purpose)
    {
        unchecked
        {
            long h = seed * 1_000_003;
            foreach (char c in purpose) h = h * 31 + c;
            return new Random((int)(h ^ (h >> 32)));
        }
    }
}
