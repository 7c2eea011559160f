namespace C3dNet.Models;

/// <summary>
/// torchvision's <c>r3d_18</c> (Tran et al. 2018, "A Closer Look at Spatiotemporal Convolutions"): full 3x3x3
/// convolutions in every layer after a 3x7x7 stem. Its Kinetics-400 weights see <see cref="ModelInput.Kinetics400"/>.
/// </summary>
internal static class R3d18
{
    public static readonly VideoResNetArchitecture Architecture = new("r3d_18", VideoStem.Basic,
        [VideoConv.Simple3d, VideoConv.Simple3d, VideoConv.Simple3d, VideoConv.Simple3d]);

    public static ModelInput Kinetics400Input => ModelInput.Kinetics400;

    public static VideoResNet Create(int numClasses = VideoResNet.DefaultClasses) => new(Architecture, numClasses);
}
