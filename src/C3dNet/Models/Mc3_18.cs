namespace C3dNet.Models;

/// <summary>
/// torchvision's <c>mc3_18</c> (mixed convolutions): 3x3x3 convolutions in layer1, spatial-only 1x3x3 in layers 2-4,
/// whose shortcuts then keep the time axis. Its Kinetics-400 weights see <see cref="ModelInput.Kinetics400"/>.
/// </summary>
internal static class Mc3_18
{
    public static readonly VideoResNetArchitecture Architecture = new("mc3_18", VideoStem.Basic,
        [VideoConv.Simple3d, VideoConv.NoTemporal, VideoConv.NoTemporal, VideoConv.NoTemporal]);

    public static ModelInput Kinetics400Input => ModelInput.Kinetics400;

    public static VideoResNet Create(int numClasses = VideoResNet.DefaultClasses) => new(Architecture, numClasses);
}
