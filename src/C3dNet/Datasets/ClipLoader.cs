using System.Collections.Concurrent;

namespace C3dNet.Datasets;

/// <summary>
/// Assembles batches of clips on background threads while the caller trains on the previous ones.
/// At most <see cref="Prefetch"/> batches are in flight (being made, ready, or in the caller's hands),
/// each in a pooled buffer, so memory stays flat over any number of epochs. Batches come out in order:
/// the result does not depend on thread timing. A video with an unreadable frame is left out of its
/// batch and of every later pass, and reported once (<see cref="Failures"/>, <see cref="ClipBatch.Failures"/>).
/// </summary>
internal sealed class ClipLoader
{
    private readonly ConcurrentBag<float[]> pool = [];
    private readonly ConcurrentDictionary<int, LoadFailure> badVideos = new();
    private int buffersCreated;

    public ClipDataset Dataset { get; }
    public int BatchSize { get; }
    public int Workers { get; }
    public int Prefetch { get; }
    /// <summary>Buffers allocated so far; bounded by <see cref="Prefetch"/>.</summary>
    public int BuffersCreated => buffersCreated;
    public IReadOnlyCollection<LoadFailure> Failures => badVideos.Values.ToList();

    /// <summary>
    /// Loader threads when the user asks for none (0): half the cores, 1 to 4. The network's own threads
    /// take the cores; at C3D's training rate the loader is busy well under 1% of the time (bench/README.md).
    /// </summary>
    public static int ResolveWorkers(int requested) => requested > 0 ? requested : Math.Clamp(Environment.ProcessorCount / 2, 1, 4);

    public ClipLoader(ClipDataset dataset, int batchSize, int workers = 2, int prefetch = 0)
    {
        if (batchSize < 1) throw new ArgumentException($"batch size must be at least 1, got {batchSize}");
        if (workers < 1) throw new ArgumentException($"loader workers must be at least 1, got {workers}");
        Dataset = dataset;
        BatchSize = batchSize;
        Workers = workers;
        Prefetch = prefetch > 0 ? prefetch : 2 * workers;
    }

    public int BatchCount(int clips) => (clips + BatchSize - 1) / BatchSize;

    /// <summary>
    /// The batches of <paramref name="clips"/> in order, from batch <paramref name="firstBatch"/> on (earlier ones
    /// are skipped without being read). Each batch is valid until the enumeration moves on. Batches whose videos
    /// all failed are skipped.
    /// </summary>
    public IEnumerable<ClipBatch> Batches(IReadOnlyList<ClipSpec> clips, int firstBatch = 0, CancellationToken cancellationToken = default)
    {
        int total = BatchCount(clips.Count);
        if (firstBatch >= total) yield break;
        int count = total - firstBatch;
        var results = new TaskCompletionSource<ClipBatch>[count];
        for (int i = 0; i < count; i++) results[i] = new TaskCompletionSource<ClipBatch>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var permits = new SemaphoreSlim(Prefetch);
        int next = 0;
        void Work()
        {
            try
            {
                while (true)
                {
                    permits.Wait(stop.Token);
                    int i = Interlocked.Increment(ref next) - 1;
                    if (i >= count) { permits.Release(); return; }
                    try { results[i].SetResult(Build(clips, firstBatch + i)); }
                    catch (Exception e) { results[i].SetException(e); }
                }
            }
            catch (OperationCanceledException) { return; } // cancelled: the consumer reads no more batches
        }
        var threads = Enumerable.Range(0, Math.Min(Workers, count))
            .Select(w => new Thread(Work) { IsBackground = true, Name = $"clip-loader-{w}" }).ToList();
        threads.ForEach(t => t.Start());
        int consumed = 0;
        try
        {
            for (; consumed < count; consumed++)
            {
                var task = results[consumed].Task;
                Task.WaitAny([task], cancellationToken);
                cancellationToken.ThrowIfCancellationRequested();
                var batch = task.GetAwaiter().GetResult(); // rethrows a worker's exception as it was
                try
                {
                    if (batch.Count > 0) yield return batch;
                }
                finally
                {
                    batch.Dispose();
                    permits.Release();
                }
            }
        }
        finally
        {
            stop.Cancel();
            foreach (var t in threads) t.Join();
            // Batches made ahead but never handed out go back to the pool.
            for (int i = consumed; i < count; i++) // disposing twice is harmless
                if (results[i].Task.IsCompletedSuccessfully) results[i].Task.Result.Dispose();
        }
    }

    private ClipBatch Build(IReadOnlyList<ClipSpec> clips, int batchIndex)
    {
        int cf = Dataset.ClipFloats;
        var buffer = Rent();
        var labels = new List<long>(BatchSize);
        var videos = new List<int>(BatchSize);
        var positions = new List<int>(BatchSize);
        var failures = new List<LoadFailure>();
        int end = Math.Min(clips.Count, (batchIndex + 1) * BatchSize);
        for (int i = batchIndex * BatchSize; i < end; i++)
        {
            var spec = clips[i];
            if (badVideos.ContainsKey(spec.Video)) continue;
            var video = Dataset.Videos[spec.Video];
            try
            {
                Dataset.Write(spec, buffer.AsSpan(labels.Count * cf, cf));
            }
            catch (FrameReadException e)
            {
                var failure = new LoadFailure(video.Name, $"{e.Message}; video left out");
                if (badVideos.TryAdd(spec.Video, failure)) failures.Add(failure);
                continue;
            }
            labels.Add(video.Label);
            videos.Add(spec.Video);
            positions.Add(i);
        }
        return new ClipBatch(batchIndex, buffer, Dataset.BatchShape(1)[1..], labels.ToArray(), videos.ToArray(), positions.ToArray(), failures, Return);
    }

    private float[] Rent()
    {
        if (pool.TryTake(out var b)) return b;
        Interlocked.Increment(ref buffersCreated);
        return new float[BatchSize * Dataset.ClipFloats];
    }

    private void Return(float[] buffer) => pool.Add(buffer);
}
