namespace C3dNet.Cli.Serve;

/// <summary>
/// Admission to the model: one request runs at a time and at most <c>queueLength</c> wait; a request beyond that is
/// refused at once (the caller answers 503 with Retry-After) instead of piling up in memory.
/// </summary>
internal sealed class ModelQueue(int queueLength) : IDisposable
{
    private readonly SemaphoreSlim running = new(1, 1);
    private int admitted; // running + waiting

    /// <summary>A turn at the model (dispose it to give the turn back), or null when the queue is full.</summary>
    public async Task<IDisposable?> EnterAsync(CancellationToken cancel)
    {
        if (Interlocked.Increment(ref admitted) > 1 + queueLength)
        {
            Interlocked.Decrement(ref admitted);
            return null;
        }
        try
        {
            await running.WaitAsync(cancel);
        }
        catch
        {
            Interlocked.Decrement(ref admitted);
            throw;
        }
        return new Turn(this);
    }

    private sealed class Turn(ModelQueue queue) : IDisposable
    {
        private int done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref done, 1) == 1) return;
            queue.running.Release();
            Interlocked.Decrement(ref queue.admitted);
        }
    }

    public void Dispose() => running.Dispose();
}
