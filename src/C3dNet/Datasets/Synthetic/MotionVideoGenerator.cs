using C3dNet.Outputs;
using C3dNet.Runtime;
using OpenCvSharp;

namespace C3dNet.Datasets.Synthetic;

/// <summary>
/// Renders a small action dataset in the UCF101 layout and naming
/// (<c>&lt;Class&gt;/v_&lt;Class&gt;_gNN_cNN.avi</c>) whose classes differ only by motion: a textured shape
/// moving left/right/up/down, rotating clockwise/counter-clockwise, growing/shrinking. Clips of one
/// group share background and shape (as UCF101 groups share actor and scene). Seeded throughout:
/// the same options give byte-identical files, whatever <see cref="GeneratorOptions.Jobs"/> is.
/// </summary>
internal static class MotionVideoGenerator
{
    /// <summary>
    /// Motion JPEG in AVI, written by OpenCV's own MJPEG writer: FFmpeg reads back every frame (checked by the
    /// tests), and unlike the FFmpeg writers (MJPG, XVID) it keeps odd widths such as 171 instead of rounding them down.
    /// </summary>
    public static readonly FourCC Codec = FourCC.MJPG;
    private const VideoCaptureAPIs Writer = VideoCaptureAPIs.OPENCV_MJPEG;
    public const string Extension = ".avi";

    public static GeneratedDataset Generate(GeneratorOptions options, IProgress<GeneratorProgress>? progress = null, CancellationToken cancel = default)
    {
        options.Validate();
        var classes = MotionClasses.First(options.Classes);
        string root = Path.GetFullPath(options.OutDir);
        OutputPolicy.CheckFolder(root, []);
        var jobs = new List<(MotionClass Class, int Group, int Clip, string Path)>();
        foreach (var cls in classes)
        {
            string dir = Path.Combine(root, cls.Name);
            for (int i = 0; i < options.VideosPerClass; i++)
            {
                int group = i / options.ClipsPerGroup + 1, clip = i % options.ClipsPerGroup + 1;
                jobs.Add((cls, group, clip, Path.Combine(dir, FileName(cls.Name, group, clip))));
            }
        }

        OutputPolicy.CheckFiles(jobs.Select(j => j.Path), options.Overwrite, []);
        foreach (var cls in classes) OutputPolicy.CreateFolder(Path.Combine(root, cls.Name));

        int done = 0;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Jobs, CancellationToken = cancel };
        try
        {
            Parallel.ForEach(jobs, parallel, job =>
            {
                WriteClip(job.Class, job.Group, job.Clip, job.Path, options, cancel);
                progress?.Report(new GeneratorProgress(Interlocked.Increment(ref done), jobs.Count, job.Path));
            });
        }
        catch (AggregateException e) when (e.Flatten().InnerExceptions.OfType<OutputException>().FirstOrDefault() is { } output)
        {
            throw output; // the output disk failed: one message, as a sequential run would give
        }
        return new GeneratedDataset(root, classes.Select(c => c.Name).ToList(),
            jobs.Select(j => new GeneratedVideo(j.Class.Name, j.Path, j.Group, j.Clip, options.Frames)).ToList());
    }

    /// <summary>UCF101 naming: <c>v_&lt;Class&gt;_g01_c01.avi</c>.</summary>
    public static string FileName(string className, int group, int clip) => $"v_{className}_g{group:D2}_c{clip:D2}{Extension}";

    private static void WriteClip(MotionClass cls, int group, int clip, string path, GeneratorOptions o, CancellationToken cancel)
    {
        // The group's look depends on (seed, class, group); the clip's motion and noise on the clip too.
        using var scene = SceneAppearance.Create(Seeding.For(o.Seed, $"generate/{cls.Name}/g{group}"), o.Width, o.Height);
        var frames = MotionClipRenderer.Render(cls, scene, Seeding.For(o.Seed, $"generate/{cls.Name}/g{group}/c{clip}"), o.Frames, o.Width, o.Height);
        // Written under a temporary name, checked and renamed, so a failed or interrupted run never leaves a half video under the real name.
        try
        {
            using var video = new VideoFile(path, Codec, o.Fps, new Size(o.Width, o.Height), Writer);
            foreach (var frame in frames)
            {
                cancel.ThrowIfCancellationRequested();
                video.Write(frame);
            }
            video.Complete();
        }
        finally
        {
            foreach (var frame in frames) frame.Dispose();
        }
    }
}
