using C3dNet.Outputs;
using C3dNet.Video;

namespace C3dNet.Datasets;

/// <summary>Options of <see cref="DatasetPreprocessor.Run"/> (the <c>c3d preprocess</c> command).</summary>
internal sealed record PreprocessOptions
{
    /// <summary>Input: <c>&lt;VideosDir&gt;/&lt;class&gt;/&lt;video&gt;</c>.</summary>
    public required string VideosDir { get; init; }
    /// <summary>Output: <c>{train,val,test}/&lt;class&gt;/&lt;video&gt;/00001.jpg …</c>, labels.txt, manifest.json.</summary>
    public required string OutDir { get; init; }

    public SplitMethod Split { get; init; } = SplitMethod.Random;
    public long Seed { get; init; } = 42;
    public double TestFraction { get; init; } = 0.2;
    public double ValFraction { get; init; } = 0.2;
    /// <summary>Folder with the official lists (<see cref="SplitMethod.Official"/> only).</summary>
    public string? SplitDir { get; init; }
    public int SplitIndex { get; init; } = 1;

    public int FrameStep { get; init; } = FrameStepRule.DefaultStep;
    public int ClipLength { get; init; } = Models.C3dConfig.ReferenceClipLength;
    public int Width { get; init; } = Models.C3dConfig.ReferenceFrameWidth;
    public int Height { get; init; } = Models.C3dConfig.ReferenceFrameHeight;
    public int JpegQuality { get; init; } = 95;
    /// <summary>Videos giving fewer extracted frames are skipped (0: keep them all, marking those under a clip "short").</summary>
    public int MinFrames { get; init; }

    /// <summary>Decode Motion-JPEG videos' kept frames only, with libjpeg-turbo (see <see cref="FrameExtractionSettings.MotionJpegShortcut"/>).</summary>
    public bool MotionJpegShortcut { get; init; } = true;

    /// <summary>Which FFmpeg decodes (see <see cref="VideoDecoders"/>); pixels differ slightly between them, frame counts and names do not.</summary>
    public VideoDecoder Decoder { get; init; } = VideoDecoder.Auto;

    /// <summary>
    /// One video more than cores: a worker waits on its file writes now and then, and the extra one keeps the cores busy
    /// meanwhile (measured: 120 XVID videos on 2 cores, 5% less wall time than 2 jobs at the same cpu time; README).
    /// </summary>
    public static int DefaultJobs => Environment.ProcessorCount + 1;

    /// <summary>Videos processed in parallel; the output does not depend on it.</summary>
    public int Jobs { get; init; } = DefaultJobs;
    /// <summary>Replace an output made with different options instead of refusing.</summary>
    public bool Overwrite { get; init; }
    /// <summary>
    /// Do only this shard of the videos (<see cref="Sharding.ShardAssignment"/> over the plan's videos): frames into the
    /// shared output, the manifest to <c>OUT/shards/</c>; <c>c3d merge</c> writes manifest.json and labels.txt.
    /// </summary>
    public Sharding.ShardSpec? Shard { get; init; }

    public SplitFractions Fractions => new(TestFraction, ValFraction);

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(VideosDir)) throw new ArgumentException("an input folder (--videos) is required");
        if (string.IsNullOrWhiteSpace(OutDir)) throw new ArgumentException("an output folder (--out) is required");
        Fractions.Validate();
        if (Split == SplitMethod.Official && string.IsNullOrWhiteSpace(SplitDir))
            throw new ArgumentException("--split official needs --split-dir (the folder with the official lists)");
        if (SplitIndex is < 1 or > 3) throw new ArgumentException($"--split-index must be 1, 2 or 3, got {SplitIndex}");
        if (FrameStep < 1) throw new ArgumentException($"--frame-step must be at least 1, got {FrameStep}");
        if (ClipLength < 1) throw new ArgumentException($"clip length must be at least 1, got {ClipLength}");
        if (Width < 1 || Height < 1) throw new ArgumentException($"frame size must be positive, got {Width}x{Height}");
        if (JpegQuality is < 1 or > 100) throw new ArgumentException($"--jpeg-quality must be in 1..100, got {JpegQuality}");
        if (MinFrames < 0) throw new ArgumentException($"--min-frames must be 0 or more, got {MinFrames}");
        if (Jobs < 1) throw new ArgumentException($"--jobs must be at least 1, got {Jobs}");
        if (Shard is not null && Overwrite)
            throw new ArgumentException($"--shard cannot take {OutputPolicy.OverwriteOption}: it would clear the other shards' frames in the shared output; clear --out yourself, or choose another");
        // By device and inode, not text: --out may reach the videos through a link or a bind mount (--overwrite clears it).
        OutputPolicy.CheckFolder(OutDir, [VideosDir], "--out");
    }

    /// <summary>The options that decide the output; a re-run must match them to resume.</summary>
    internal ManifestOptions ForManifest() => new()
    {
        Videos = Path.TrimEndingDirectorySeparator(Path.GetFullPath(VideosDir)),
        Split = Split.ToString().ToLowerInvariant(),
        Seed = Seed,
        TestFraction = Split == SplitMethod.Official ? null : TestFraction,
        ValFraction = ValFraction,
        SplitDir = Split == SplitMethod.Official ? Path.TrimEndingDirectorySeparator(Path.GetFullPath(SplitDir!)) : null,
        SplitIndex = Split == SplitMethod.Official ? SplitIndex : null,
        FrameStep = FrameStep,
        ClipLength = ClipLength,
        Width = Width,
        Height = Height,
        JpegQuality = JpegQuality,
        MinFrames = MinFrames,
        Decoder = MotionJpegShortcut ? "auto" : "ffmpeg",
    };

    internal FrameExtractionSettings ForExtraction() => new()
    {
        InitialStep = FrameStep,
        ClipLength = ClipLength,
        Width = Width,
        Height = Height,
        JpegQuality = JpegQuality,
        MotionJpegShortcut = MotionJpegShortcut,
        Decoder = Decoder,
        // Parallel videos each decode on one thread; a single job lets FFmpeg use its own threads.
        DecoderThreads = Jobs > 1 ? 1 : 0,
    };
}
