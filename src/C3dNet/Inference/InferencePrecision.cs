namespace C3dNet.Inference;

/// <summary>Arithmetic the network runs in. bf16 casts the module and its input (TorchSharp has no autocast).</summary>
public enum InferencePrecision { Fp32, Bf16 }

public static class InferencePrecisions
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
