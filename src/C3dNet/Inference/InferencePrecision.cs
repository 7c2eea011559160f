namespace C3dNet.Inference;

/// <summary>Arithmetic the network runs in. bf16 casts the module and its input (TorchSharp has no autocast).</summary>
public enum InferencePrecision
{
    /// <summary>32-bit floats (the default; the reference numbers).</summary>
    Fp32,
    /// <summary>bfloat16: faster on CPUs and GPUs that have it; probabilities differ from fp32 in the third digit or so.</summary>
    Bf16,
}

internal static class InferencePrecisions
{
    public static readonly string[] Choices = ["fp32", "bf16"];

    public static InferencePrecision Parse(string value) => value.ToLowerInvariant() switch
    {
        "fp32" or "float32" => InferencePrecision.Fp32,
        "bf16" or "bfloat16" => InferencePrecision.Bf16,
        _ => throw new ArgumentException($"unknown precision '{value}': use fp32 or bf16"),
    };

    public static string Name(this InferencePrecision p) => p == InferencePrecision.Bf16 ? "bf16" : "fp32";
}
