namespace C3dNet.Datasets;

/// <summary>Progress of a preprocessing run, reported after each video.</summary>
/// <param name="VideosDone">Videos finished, including those complete from an earlier run.</param>
/// <param name="VideosTotal">Videos that go to a split.</param>
/// <param name="FramesWrittenThisRun">Frames written by this run (for frames/s).</param>
/// <param name="Failed">Videos that failed so far.</param>
/// <param name="LastVideo">The video just finished (relative path), or null for the first report.</param>
internal sealed record PreprocessProgress(int VideosDone, int VideosTotal, long FramesWrittenThisRun, int Failed, string? LastVideo);

/// <summary>Per-split totals of the output.</summary>
internal sealed record SplitSummary(string Split, int Classes, int Videos, long Frames);

/// <summary>A video that failed or needs attention, with the reason.</summary>
internal sealed record VideoProblem(string Path, string Problem);

/// <summary>What a run produced. <see cref="Usable"/> counts videos with frames on disk.</summary>
internal sealed record PreprocessSummary
{
    public required string OutDir { get; init; }
    public required IReadOnlyList<string> Classes { get; init; }
    public required IReadOnlyList<SplitSummary> Splits { get; init; }
    /// <summary>Videos that go to a split.</summary>
    public int Videos { get; init; }
    /// <summary>Extracted by this run.</summary>
    public int Processed { get; init; }
    /// <summary>Already complete from an earlier run with the same options: kept as they were.</summary>
    public int Resumed { get; init; }
    public int Failed { get; init; }
    /// <summary>Fewer frames than one clip (kept, marked short).</summary>
    public int Short { get; init; }
    /// <summary>Fewer frames than --min-frames (not written).</summary>
    public int Skipped { get; init; }
    /// <summary>Official splits: videos in no list, or marked unused.</summary>
    public int NotInSplit { get; init; }
    public long FramesWrittenThisRun { get; init; }
    public double Seconds { get; init; }
    /// <summary>Videos extracted per second by this run (resumed videos not counted).</summary>
    public double VideosPerSecond { get; init; }
    public required IReadOnlyList<VideoProblem> Failures { get; init; }
    public required IReadOnlyList<VideoProblem> Warnings { get; init; }
    public required IReadOnlyList<InputIssue> Issues { get; init; }

    public int Usable => Splits.Sum(s => s.Videos);
    /// <summary>Anything reported: failed videos, warnings, input issues (<c>--strict</c> fails on these).</summary>
    public int Problems => Failures.Count + Warnings.Count + Issues.Count;
}
