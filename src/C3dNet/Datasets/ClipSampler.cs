namespace C3dNet.Datasets;

/// <summary>
/// Where clips start in a video of extracted frames. Pure functions: training draws a random start,
/// evaluation takes fixed, evenly spaced starts, so val/test numbers are the same every run.
/// </summary>
internal static class ClipSampler
{
    /// <summary>A random start in [0, frames - clipLength] (every start that fits); 0 for short videos.</summary>
    public static int RandomStart(int frames, int clipLength, Random rng) =>
        frames > clipLength ? rng.Next(frames - clipLength + 1) : 0;

    /// <summary>
    /// <paramref name="clips"/> evenly spaced starts, each in the middle of its share of the video
    /// (mmaction2's test-mode sampling). Short videos give start 0 for every clip.
    /// </summary>
    public static int[] EvenStarts(int frames, int clipLength, int clips)
    {
        if (clips < 1) throw new ArgumentException($"clips per video must be at least 1, got {clips}");
        int span = Math.Max(0, frames - clipLength) + 1;
        var starts = new int[clips];
        for (int i = 0; i < clips; i++)
            starts[i] = Math.Min(span - 1, (int)Math.Floor((i + 0.5) * span / clips));
        return starts;
    }

    /// <summary>
    /// The frame indices of a clip: <paramref name="length"/> consecutive frames from <paramref name="start"/>.
    /// A video shorter than a clip is looped (0, 1, …, n-1, 0, 1, …) so that it still gives a full clip.
    /// </summary>
    public static int[] FrameIndices(int start, int length, int frames)
    {
        if (frames < 1) throw new ArgumentException("a video needs at least one frame");
        var idx = new int[length];
        for (int i = 0; i < length; i++) idx[i] = (start + i) % frames;
        return idx;
    }
}
