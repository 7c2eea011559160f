using System.Diagnostics;
using C3dNet.Outputs;
using System.Text.Json;
using C3dNet.Runtime;
using C3dNet.Sharding;
using C3dNet.Video;

namespace C3dNet.Datasets;

/// <summary>
/// Turns <c>videos/&lt;class&gt;/&lt;video&gt;</c> into <c>out/{train,val,test}/&lt;class&gt;/&lt;video&gt;/00001.jpg …</c>,
/// <c>out/labels.txt</c> and <c>out/manifest.json</c>. Videos run in parallel; each is written to a temporary
/// folder and renamed into place when complete; the manifest records progress, so a re-run with the same
/// options skips finished videos and redoes the rest. A bad video is recorded and never stops the run.
/// </summary>
internal static class DatasetPreprocessor
{
    /// <summary>The manifest is rewritten at most this often while videos complete (and always at the end).</summary>
    private static readonly TimeSpan ManifestInterval = TimeSpan.FromSeconds(0.5);

    /// <summary>
    /// Starts loading, on the thread pool, what <see cref="Run"/> needs first and would otherwise load one after another on
    /// one core before its first video (~80 ms: the system's FFmpeg libraries, the manifest's serialiser), so that a caller
    /// can do its own start-up meanwhile. Optional: <see cref="Run"/> loads whatever is not ready yet.
    /// </summary>
    public static Task Preload(VideoDecoder decoder) =>
        Task.WhenAll(Task.Run(() => decoder == VideoDecoder.OpenCv || AvShim.Available), Task.Run(PreprocessManifest.WarmUpSerializer));

    /// <summary>
    /// Runs the preprocessing. Throws <see cref="DirectoryNotFoundException"/> for a missing input,
    /// <see cref="InvalidDataException"/> when it has no classes or the split lists are malformed,
    /// <see cref="InvalidOperationException"/> when the output was made with other options (unless
    /// <see cref="PreprocessOptions.Overwrite"/>), and <see cref="OperationCanceledException"/> on
    /// cancellation, after the current videos stop and the manifest is saved.
    /// </summary>
    public static PreprocessSummary Run(PreprocessOptions options, IProgress<PreprocessProgress>? progress = null, CancellationToken cancel = default)
    {
        options.Validate();
        var clock = Stopwatch.StartNew();
        var scan = VideoDatasetScan.Scan(options.VideosDir);
        if (scan.Classes.Count == 0)
            throw new InvalidDataException($"{scan.Root}: no class folders with videos (expected <videos>/<class>/<video file>)");
        var plan = SplitPlanner.Plan(scan, options);
        var classes = plan.Videos.Where(v => v.Split is not null).Select(v => v.Source.Class).Distinct().Order(StringComparer.Ordinal).ToList();
        if (classes.Count == 0)
            throw new InvalidDataException($"{scan.Root}: no video is in any split (check --split-dir and --split-index)");

        string outDir = Path.GetFullPath(options.OutDir);
        var manifestOptions = options.ForManifest();
        // A shard: the split is planned over all videos above (so every shard agrees on it), then the shard takes its
        // round-robin share of the plan's videos, in the plan's order (the order of manifest.json).
        ShardManifest? record = null;
        if (options.Shard is { } shard)
        {
            record = ShardManifest.Begin(ShardJob, shard, plan.Videos.Select(v => v.Source.RelativePath).ToList(),
                JsonSerializer.Serialize(manifestOptions, PreprocessManifest.Json));
            plan = plan with { Videos = ShardAssignment.Select(plan.Videos, shard) };
        }
        var previous = OutputFolder.Prepare(outDir, manifestOptions, options.Overwrite, options.Shard);
        // A class folder that is gone from --videos (moved, unmounted, renamed) must not cost its frames: refuse, keep them.
        if (previous is not null && previous.Classes.Except(classes, StringComparer.Ordinal).ToList() is { Count: > 0 } gone)
            throw new InvalidOperationException(
                $"{outDir} holds frames of {gone.Count} classes that {scan.Root} no longer has ({string.Join(", ", gone.Take(10))}{(gone.Count > 10 ? ", …" : "")}); " +
                $"nothing was changed. Restore those class folders to resume, add {OutputPolicy.OverwriteOption} to replace the output with what --videos holds now, or choose another --out");
        var job = new Job(outDir, scan, plan, options, manifestOptions, classes, previous, record);
        return job.Execute(progress, cancel, clock);
    }

    /// <summary>The job name in preprocess shard records.</summary>
    public const string ShardJob = "preprocess";

    private sealed class Job
    {
        private readonly string outDir;
        private readonly VideoDatasetScan scan;
        private readonly SplitPlan plan;
        private readonly PreprocessOptions options;
        private readonly ManifestOptions manifestOptions;
        private readonly IReadOnlyList<string> classes;
        private readonly ManifestVideo[] entries;
        private readonly bool[] resumed;
        /// <summary>The shard's record when this run is one shard of a shared output, else null.</summary>
        private readonly ShardManifest? record;
        private readonly object gate = new();
        private readonly Stopwatch sinceSave = Stopwatch.StartNew();
        /// <summary>The manifest save in flight: workers hand saves to the background instead of waiting on the disk.</summary>
        private Task pendingSave = Task.CompletedTask;
        private int done, failed;
        private long framesThisRun;

        public Job(string outDir, VideoDatasetScan scan, SplitPlan plan, PreprocessOptions options, ManifestOptions manifestOptions,
                   IReadOnlyList<string> classes, PreprocessManifest? previous, ShardManifest? record)
        {
            this.record = record;
            this.outDir = outDir;
            this.scan = scan;
            this.plan = plan;
            this.options = options;
            this.manifestOptions = manifestOptions;
            this.classes = classes;
            entries = new ManifestVideo[plan.Videos.Count];
            resumed = new bool[plan.Videos.Count];
            var before = previous?.Videos.ToDictionary(v => v.Source, StringComparer.Ordinal) ?? [];
            for (int i = 0; i < entries.Length; i++)
            {
                var p = plan.Videos[i];
                var entry = new ManifestVideo
                {
                    Source = p.Source.RelativePath, Class = p.Source.Class, Name = p.Source.Name, Split = p.Split,
                    Status = p.Status ?? VideoStatus.Pending, Reason = p.Reason,
                    SourceBytes = p.Source.Bytes, SourceModifiedUtc = p.Source.ModifiedUtc,
                };
                if (p.Split is not null && before.TryGetValue(entry.Source, out var old) && SameVideo(old, entry)
                    && (VideoStatus.HasFrames(old.Status) ? OutputFolder.IsComplete(outDir, old) : old.Status == VideoStatus.Skipped))
                {
                    entry = old;
                    resumed[i] = true;
                }
                entries[i] = entry;
            }
            // Frames of an earlier run that this plan does not keep (another split, a removed video) go.
            var kept = new HashSet<string>(entries.Where((e, i) => resumed[i] && e.Folder is not null).Select(e => e.Folder!), StringComparer.Ordinal);
            foreach (var old in previous?.Videos ?? [])
                if (old.Folder is { } folder && !kept.Contains(folder)) OutputFolder.DeleteFolder(Path.Combine(outDir, folder));
        }

        private static bool SameVideo(ManifestVideo old, ManifestVideo now) =>
            old.Split == now.Split && old.Name == now.Name && old.Class == now.Class
            && old.SourceBytes == now.SourceBytes && old.SourceModifiedUtc == now.SourceModifiedUtc;

        public PreprocessSummary Execute(IProgress<PreprocessProgress>? progress, CancellationToken cancel, Stopwatch clock)
        {
            foreach (var split in SplitNames.All)
                foreach (var cls in classes) Directory.CreateDirectory(Path.Combine(outDir, split, cls));
            if (record is null) OutputFolder.WriteLabels(outDir, classes); // shards: the merge writes it
            record?.Save(outDir);

            var work = Enumerable.Range(0, entries.Length)
                .Where(i => entries[i].Status == VideoStatus.Pending)
                .OrderByDescending(i => plan.Videos[i].Source.Bytes) // long videos first: the parallel tail is shorter
                .ToList();
            int total = entries.Count(e => e.Split is not null);
            done = total - work.Count;
            failed = 0;
            Save();
            progress?.Report(new PreprocessProgress(done, total, 0, 0, null));

            var settings = options.ForExtraction() with { DecoderThreads = options.Jobs > 1 && work.Count > 1 ? 1 : 0 };
            var runClock = Stopwatch.StartNew();
            try
            {
                var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Jobs, CancellationToken = cancel };
                Parallel.ForEach(work, parallel, i =>
                {
                    if (Process(i, settings, cancel) is not { } result) return;
                    PreprocessProgress report;
                    lock (gate)
                    {
                        entries[i] = result;
                        done++;
                        if (result.Status == VideoStatus.Failed) failed++;
                        framesThisRun += result.FramesWritten ?? 0;
                        report = new PreprocessProgress(done, total, framesThisRun, failed, result.Source);
                        if (sinceSave.Elapsed >= ManifestInterval && pendingSave.IsCompleted)
                        {
                            var snapshot = Snapshot();
                            sinceSave.Restart();
                            pendingSave = Task.Run(() => snapshot.Save(ManifestPath));
                        }
                    }
                    progress?.Report(report);
                    TestSeam.UnitDone("video", report.VideosDone, cancel, beforePause: () => { lock (gate) { pendingSave.Wait(); Save(); } });
                });
            }
            catch (AggregateException e) when (e.Flatten().InnerExceptions.OfType<OutputException>().FirstOrDefault() is { } output)
            {
                throw output;
            }
            finally
            {
                // WaitAny does not rethrow a failed intermediate save: the final save below reports a lasting disk problem.
                Task.WaitAny(pendingSave);
                lock (gate) Save();
            }
            int processed = work.Count(i => entries[i].Status != VideoStatus.Pending);
            record?.Completed().Save(outDir); // last: every video of the shard is done and its manifest saved
            return Summarize(processed, runClock.Elapsed.TotalSeconds, clock.Elapsed.TotalSeconds);
        }

        /// <summary>Extracts one video; null when cancelled (it stays pending and leaves nothing behind).</summary>
        private ManifestVideo? Process(int i, FrameExtractionSettings settings, CancellationToken cancel)
        {
            var entry = entries[i];
            string final = Path.Combine(outDir, entry.Folder!);
            string temp = OutputFolder.TempFolderFor(final);
            try
            {
                OutputFolder.DeleteFolder(temp);
                OutputFolder.DeleteFolder(final);
                var x = FrameExtractor.Extract(plan.Videos[i].Source.FullPath, temp, settings, cancel);
                var result = entry with
                {
                    FramesDecoded = x.FramesDecoded, ReportedFrames = x.ReportedFrames, Fps = Math.Round(x.Fps, 3),
                    FrameStep = x.FrameStep, FramesWritten = x.FramesWritten, Warning = x.Warning, Reason = null,
                    Decoder = x.Decoder,
                };
                if (x.FramesWritten < options.MinFrames)
                {
                    OutputFolder.DeleteFolder(temp);
                    return result with { Status = VideoStatus.Skipped, Reason = $"{x.FramesWritten} frames extracted, fewer than --min-frames {options.MinFrames}" };
                }
                try { Directory.Move(temp, final); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw AtomicFile.Failure(final, e); }
                return x.FramesWritten < options.ClipLength
                    ? result with { Status = VideoStatus.Short, Reason = $"{x.FramesWritten} frames even at step 1, fewer than a {options.ClipLength}-frame clip" }
                    : result with { Status = VideoStatus.Done };
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                TryDelete(temp);
                return null;
            }
            catch (OutputException)
            {
                TryDelete(temp); // the output disk failed: that stops the run, it is not this video's failure
                throw;
            }
            catch (Exception e)
            {
                TryDelete(temp);
                TryDelete(final);
                return entry with { Status = VideoStatus.Failed, Reason = Describe(e) };
            }
        }

        private static string Describe(Exception e) => e switch
        {
            VideoReadException v => v.Problem,
            IOException or UnauthorizedAccessException => e.Message,
            OpenCvSharp.OpenCVException cv => $"OpenCV error: {cv.ErrMsg}",
            _ => $"{e.GetType().Name}: {e.Message}",
        };

        private static void TryDelete(string folder)
        {
            try { OutputFolder.DeleteFolder(folder); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }

        private IEnumerable<InputIssue> AllIssues() =>
            scan.Issues.Concat(plan.Issues)
                .Concat(entries.Where(e => e.Status == VideoStatus.Unlisted).Select(e => new InputIssue(SourcePath(e), e.Reason!)));

        private string SourcePath(ManifestVideo e) => Path.Combine(scan.Root, e.Source);

        private string ManifestPath => PreprocessManifest.PathIn(outDir, record?.Spec);

        /// <summary>The manifest as of now (call under the lock); entries are immutable records, so a copy of the array suffices.</summary>
        private PreprocessManifest Snapshot() => new()
        {
            Options = manifestOptions,
            Classes = classes,
            SplitLists = plan.ListFiles,
            Videos = entries.ToArray(),
            Issues = AllIssues().ToList(),
        };

        private void Save()
        {
            Snapshot().Save(ManifestPath);
            sinceSave.Restart();
        }

        private PreprocessSummary Summarize(int processed, double runSeconds, double seconds)
        {
            var splits = SplitNames.All.Select(split =>
            {
                var inSplit = entries.Where(e => e.Split == split && VideoStatus.HasFrames(e.Status)).ToList();
                return new SplitSummary(split, inSplit.Select(e => e.Class).Distinct().Count(), inSplit.Count, inSplit.Sum(e => (long)(e.FramesWritten ?? 0)));
            }).ToList();
            return new PreprocessSummary
            {
                OutDir = outDir,
                Classes = classes,
                Splits = splits,
                Videos = entries.Count(e => e.Split is not null),
                Processed = processed,
                Resumed = resumed.Count(r => r),
                Failed = entries.Count(e => e.Status == VideoStatus.Failed),
                Short = entries.Count(e => e.Status == VideoStatus.Short),
                Skipped = entries.Count(e => e.Status == VideoStatus.Skipped),
                NotInSplit = entries.Count(e => e.Status is VideoStatus.Unlisted or VideoStatus.Unused),
                FramesWrittenThisRun = framesThisRun,
                Seconds = Math.Round(seconds, 3),
                VideosPerSecond = processed > 0 && runSeconds > 0 ? Math.Round(processed / runSeconds, 3) : 0,
                Failures = entries.Where(e => e.Status == VideoStatus.Failed).Select(e => new VideoProblem(SourcePath(e), e.Reason!)).ToList(),
                Warnings = entries.Where(e => e.Warning is not null).Select(e => new VideoProblem(SourcePath(e), e.Warning!)).ToList(),
                Issues = AllIssues().ToList(),
            };
        }
    }
}
