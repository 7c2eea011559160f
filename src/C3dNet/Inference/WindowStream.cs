namespace C3dNet.Inference;

/// <summary>A window whose frames are all in; the frames are valid only during the callback.</summary>
internal sealed record ReadyWindow(ClipWindow Window, IReadOnlyList<SampledFrame> Frames)
{
    public int StartFrame => Frames.Min(f => f.SourceIndex);
    public int EndFrame => Frames.Max(f => f.SourceIndex);
    /// <summary>The decoder's time of the first frame; null when the frames carry none.</summary>
    public double? StartSeconds => Frames.MinBy(f => f.SourceIndex)!.Seconds;
    /// <summary>When the last frame stops being shown: its time plus its duration (else 1/fps); null when unknown.</summary>
    public double? EndSeconds(double? fps)
    {
        var last = Frames.MaxBy(f => f.SourceIndex)!;
        double? duration = last.Duration ?? (fps is > 0 ? 1 / fps : null);
        return last.Seconds is { } s && duration is { } d ? s + d : null;
    }
}

/// <summary>
/// Turns a stream of sampled frames into clip windows as soon as each is complete, holding only the
/// frames a future window can still use. Gives the same windows as <see cref="SlidingWindows.Plan"/>;
/// with <c>emitTail: false</c> (live input) only the regular windows, since a stream has no end to align to.
/// </summary>
internal sealed class WindowStream(int clipLength, int stride, bool emitTail = true) : IDisposable
{
    private readonly List<SampledFrame> buffer = [];
    private int count, nextStart, emitted;

    public int SampledFrames => count;

    /// <summary>Adds the next frame (the stream takes ownership) and calls <paramref name="onWindow"/> for each window it completes.</summary>
    public void Push(SampledFrame frame, Action<ReadyWindow> onWindow)
    {
        SlidingWindows.Check(clipLength, stride);
        if (frame.Position != count)
            throw new ArgumentException($"frames must arrive in order: expected position {count}, got {frame.Position}");
        buffer.Add(frame);
        count++;
        while (nextStart + clipLength <= count)
        {
            onWindow(Make(new ClipWindow(emitted++, SlidingWindows.Consecutive(nextStart, clipLength), WindowKind.Regular)));
            nextStart += stride;
        }
        // A later regular window starts at nextStart; an end-aligned one needs the last clipLength frames.
        int keepFrom = Math.Min(nextStart, count - clipLength);
        while (buffer.Count > 0 && buffer[0].Position < keepFrom)
        {
            buffer[0].Dispose();
            buffer.RemoveAt(0);
        }
    }

    /// <summary>Ends the stream: emits the end-aligned or padded window that <see cref="SlidingWindows.Plan"/> adds.</summary>
    public void Complete(Action<ReadyWindow> onWindow)
    {
        if (emitTail)
            foreach (var w in SlidingWindows.Plan(count, clipLength, stride).Skip(emitted))
            {
                onWindow(Make(w));
                emitted++;
            }
        Clear();
    }

    private ReadyWindow Make(ClipWindow window)
    {
        int first = buffer[0].Position;
        return new ReadyWindow(window, window.Positions.Select(p => buffer[p - first]).ToArray());
    }

    private void Clear()
    {
        foreach (var f in buffer) f.Dispose();
        buffer.Clear();
    }

    public void Dispose() => Clear();
}
