namespace C3dNet.Demo;

/// <summary>
/// Sizes of the demo run. The default fits ~5 minutes on a 2-core CPU; <see cref="Quick"/> is a
/// reduced run for CI. Classes differ only by motion, so accuracy says the network learned time.
/// </summary>
public sealed record DemoOptions
{
    public required string WorkDir { get; init; }
    public long Seed { get; init; } = 42;
    public bool Quick { get; init; }

    public int Classes => Quick ? 2 : 4;
    public int VideosPerClass => Quick ? 12 : 24;
    public int Frames => 48;
    public int Epochs => Quick ? 4 : 14;
    public double WidthMultiplier => 0.25;
    public int CropSize => 56;
    /// <summary>Frames are extracted at this size, so clips need no resize when loaded.</summary>
    public int FrameWidth => 86;
    public int FrameHeight => 64;
    public int FrameStep => 2;
}
