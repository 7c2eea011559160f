namespace C3dNet.Inference;

/// <summary>How a window was placed.</summary>
internal enum WindowKind
{
    /// <summary>One of the windows every <c>stride</c> sampled frames from the start.</summary>
    Regular,
    /// <summary>The last window, aligned to the end so the final frames are covered when the stride does not reach them.</summary>
    EndAligned,
    /// <summary>The only window of an input shorter than one clip: its frames are repeated (looped) to fill it.</summary>
    Padded,
}

/// <summary>A clip window: <see cref="Positions"/> are indexes into the sampled frames, one per clip frame.</summary>
internal sealed record ClipWindow(int Index, int[] Positions, WindowKind Kind)
{
    public int FirstPosition => Positions.Min();
    public int LastPosition => Positions.Max();
}

/// <summary>
/// The window arithmetic shared by predict and features. Windows start at sampled frames 0, stride,
/// 2·stride, … while a whole clip fits. When the last of them stops short of the final sampled frame,
/// one more window is aligned to the end (it overlaps the previous one more than the stride says),
/// so no frame at the end is left out. An input with fewer sampled frames than one clip gives a
/// single window whose frames loop (0, 1, …, n-1, 0, 1, …), as mmaction2 samples short videos.
/// </summary>
internal static class SlidingWindows
{
    public static IReadOnlyList<ClipWindow> Plan(int sampledFrames, int clipLength, int stride)
    {
        Check(clipLength, stride);
        var windows = new List<ClipWindow>();
        if (sampledFrames <= 0) return windows;
        if (sampledFrames < clipLength)
        {
            windows.Add(new ClipWindow(0, Looped(sampledFrames, clipLength), WindowKind.Padded));
            return windows;
        }
        int start = 0;
        for (; start + clipLength <= sampledFrames; start += stride)
            windows.Add(new ClipWindow(windows.Count, Consecutive(start, clipLength), WindowKind.Regular));
        int lastStart = sampledFrames - clipLength;
        if (windows[^1].Positions[0] != lastStart)
            windows.Add(new ClipWindow(windows.Count, Consecutive(lastStart, clipLength), WindowKind.EndAligned));
        return windows;
    }

    /// <summary>Start positions of the regular windows that become complete once <paramref name="sampledFrames"/> frames are in.</summary>
    public static int RegularCount(int sampledFrames, int clipLength, int stride) =>
        sampledFrames < clipLength ? 0 : (sampledFrames - clipLength) / stride + 1;

    public static int[] Consecutive(int start, int length) => Enumerable.Range(start, length).ToArray();

    public static int[] Looped(int available, int length) => Enumerable.Range(0, length).Select(i => i % available).ToArray();

    internal static void Check(int clipLength, int stride)
    {
        if (clipLength < 1) throw new ArgumentException($"clip length must be at least 1, got {clipLength}");
        if (stride < 1) throw new ArgumentException($"stride must be at least 1 sampled frame, got {stride}");
    }
}
