namespace C3dNet.Models;

/// <summary>
/// torchvision's <c>r2plus1d_18</c>: every 3x3x3 convolution factorised into a spatial 1x3x3 and a temporal 3x1x1
/// with BN and ReLU between (midplanes chosen to keep the parameter count), after the (2+1)D stem.
/// Its Kinetics-400 weights see <see cref="ModelInput.Kinetics400"/>.
/// </summary>
internal static class R2Plus1d18
{
    public static readonly VideoResNetArchitecture Architecture = new("r2plus1d_18", VideoStem.R2Plus1d,
        [VideoConv.TwoPlusOneD, VideoConv.TwoPlusOneD, VideoConv.TwoPlusOneD, VideoConv.TwoPlusOneD], TrainsChannelsLast: false);

    public static ModelInput Kinetics400Input => ModelInput.Kinetics400;

    public static VideoResNet Create(int numClasses = VideoResNet.DefaultClasses) => new(Architecture, numClasses);
}
