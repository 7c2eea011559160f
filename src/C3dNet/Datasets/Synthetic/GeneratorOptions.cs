namespace C3dNet.Datasets.Synthetic;

/// <summary>What <see cref="MotionVideoGenerator"/> renders. Same options and seed → byte-identical files.</summary>
internal sealed record GeneratorOptions
{
    public required string OutDir { get; init; }
    /// <summary>How many classes, taken from the start of <see cref="MotionClasses.All"/>.</summary>
    public int Classes { get; init; } = 4;
    public int VideosPerClass { get; init; } = 12;
    /// <summary>Clips per UCF101-style group (<c>_gNN_</c>); clips of a group share background and shape.</summary>
    public int ClipsPerGroup { get; init; } = 4;
    public int Frames { get; init; } = 48;
    public int Width { get; init; } = 160;
    public int Height { get; init; } = 120;
    public double Fps { get; init; } = 25;
    public long Seed { get; init; } = 42;
    /// <summary>Videos rendered in parallel; the output does not depend on it.</summary>
    public int Jobs { get; init; } = Environment.ProcessorCount;
    /// <summary>Replace videos of the same names that exist already (otherwise they are refused before anything is written).</summary>
    public bool Overwrite { get; init; }

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(OutDir)) throw new ArgumentException("an output folder is required");
        MotionClasses.First(Classes);
        if (VideosPerClass < 1) throw new ArgumentException($"videos per class must be at least 1, got {VideosPerClass}");
        if (ClipsPerGroup < 1) throw new ArgumentException($"clips per group must be at least 1, got {ClipsPerGroup}");
        if (Frames < 2) throw new ArgumentException($"frames must be at least 2, got {Frames}");
        if (Width < 32 || Height < 32) throw new ArgumentException($"frame size must be at least 32x32, got {Width}x{Height}");
        if (Fps <= 0) throw new ArgumentException($"fps must be positive, got {Fps}");
        if (Jobs < 1) throw new ArgumentException($"jobs must be at least 1, got {Jobs}");
    }
}

/// <summary>One written video.</summary>
internal sealed record GeneratedVideo(string Class, string Path, int Group, int Clip, int Frames);

/// <summary>The generated dataset: the class folders under <see cref="OutDir"/> and every video.</summary>
internal sealed record GeneratedDataset(string OutDir, IReadOnlyList<string> Classes, IReadOnlyList<GeneratedVideo> Videos);

internal sealed record GeneratorProgress(int VideosDone, int VideosTotal, string LastVideo);
