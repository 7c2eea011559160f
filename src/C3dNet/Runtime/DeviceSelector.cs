using static TorchSharp.torch;

namespace C3dNet.Runtime;

/// <summary>Turns the user's --device choice (auto|cpu|cuda) into a torch device.</summary>
internal static class DeviceSelector
{
    public static readonly string[] Choices = ["auto", "cpu", "cuda"];

    public static Device Resolve(string choice) => choice.ToLowerInvariant() switch
    {
        "auto" => cuda.is_available() ? CUDA : CPU,
        "cpu" => CPU,
        "cuda" when cuda.is_available() => CUDA,
        "cuda" => throw new InvalidOperationException(
            "--device cuda was asked for, but CUDA is not available: build with -p:C3dBackend=cuda on a machine with an NVIDIA GPU and driver, or use --device cpu"),
        _ => throw new ArgumentException($"unknown device '{choice}': use auto, cpu or cuda"),
    };
}
