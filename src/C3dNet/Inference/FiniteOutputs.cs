namespace C3dNet.Inference;

/// <summary>
/// The guard that keeps NaN and Inf out of what the network's outputs become (probabilities printed, .npy features,
/// JSON reports): non-finite outputs are an error, never a result.
/// </summary>
internal static class FiniteOutputs
{
    /// <summary>Throws <see cref="InvalidDataException"/> when <paramref name="values"/> holds a NaN or an infinity.</summary>
    public static void Check(ReadOnlySpan<float> values, string what)
    {
        int bad = 0;
        foreach (var v in values) if (!float.IsFinite(v)) bad++;
        if (bad > 0)
            throw new InvalidDataException(
                $"the network gave {bad} NaN/Inf value{(bad == 1 ? "" : "s")} among {values.Length} {what}: its weights or this input are damaged; no result is written for it");
    }
}
