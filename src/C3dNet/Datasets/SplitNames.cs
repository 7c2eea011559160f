namespace C3dNet.Datasets;

/// <summary>The three output splits, as folder names.</summary>
internal static class SplitNames
{
    public const string Train = "train", Val = "val", Test = "test";
    public static readonly IReadOnlyList<string> All = [Train, Val, Test];
}

/// <summary>How videos are assigned to splits.</summary>
internal enum SplitMethod
{
    /// <summary>Per class, seeded: a test fraction, then a val fraction of the rest (the reference).</summary>
    Random,
    /// <summary>As <see cref="Random"/>, but all clips of one UCF101 group (<c>_gNN_</c>) land in one split.</summary>
    Group,
    /// <summary>The official UCF101 or HMDB51 lists; val is taken from train by group.</summary>
    Official,
}

/// <summary>
/// Fractions of each class: <see cref="Test"/> of all videos, then <see cref="Val"/> of the rest. Counts are
/// rounded up as scikit-learn's train_test_split does, but train always keeps at least one video.
/// </summary>
internal sealed record SplitFractions(double Test = 0.2, double Val = 0.2)
{
    public void Validate()
    {
        if (Test is < 0 or >= 1) throw new ArgumentException($"test fraction must be in [0, 1), got {Test}");
        if (Val is < 0 or >= 1) throw new ArgumentException($"val fraction must be in [0, 1), got {Val}");
    }

    /// <summary>(test, val) video counts for a class of <paramref name="n"/> videos.</summary>
    public (int Test, int Val) Counts(int n)
    {
        int test = Take(Test, n);
        return (test, Take(Val, n - test));
    }

    private static int Take(double fraction, int n) => n <= 1 || fraction <= 0 ? 0 : Math.Min((int)Math.Ceiling(fraction * n - 1e-9), n - 1);
}
