using C3dNet.Inference;
using OpenCvSharp;

namespace C3dNet.Tests.Inference;

public class SlidingWindowsTests
{
    private static int[] Starts(IReadOnlyList<ClipWindow> ws) => ws.Select(w => w.Positions[0]).ToArray();

    [Fact]
    public void Windows_start_every_stride_while_a_clip_fits()
    {
        var ws = SlidingWindows.Plan(40, 16, 8);
        Assert.Equal([0, 8, 16, 24], Starts(ws));
        Assert.All(ws, w => Assert.Equal(WindowKind.Regular, w.Kind));
        Assert.Equal(Enumerable.Range(24, 16), ws[^1].Positions);
        Assert.Equal([0, 1, 2, 3], ws.Select(w => w.Index));
    }

    [Fact]
    public void A_last_partial_window_is_aligned_to_the_end()
    {
        var ws = SlidingWindows.Plan(45, 16, 8);
        Assert.Equal([0, 8, 16, 24, 29], Starts(ws));
        Assert.Equal(WindowKind.EndAligned, ws[^1].Kind);
        Assert.Equal(44, ws[^1].LastPosition);
        // A stride longer than the clip leaves gaps, but the end is still covered.
        Assert.Equal([0, 20, 34], Starts(SlidingWindows.Plan(50, 16, 20)));
        Assert.Equal([0], Starts(SlidingWindows.Plan(16, 16, 8)));
        Assert.Equal([0, 1], Starts(SlidingWindows.Plan(17, 16, 8)));
    }

    [Fact]
    public void Inputs_shorter_than_a_clip_loop_their_frames_in_one_window()
    {
        var w = Assert.Single(SlidingWindows.Plan(10, 16, 8));
        Assert.Equal(WindowKind.Padded, w.Kind);
        Assert.Equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5], w.Positions);
        Assert.Empty(SlidingWindows.Plan(0, 16, 8));
        Assert.Equal("stride must be at least 1 sampled frame, got 0", Assert.Throws<ArgumentException>(() => SlidingWindows.Plan(40, 16, 0)).Message);
    }

    [Fact]
    public void Streaming_gives_the_planned_windows_and_holds_few_frames()
    {
        foreach (int clip in new[] { 4, 16 })
            foreach (int stride in new[] { 1, 3, 8, 16, 20 })
                for (int n = 0; n <= 50; n++)
                {
                    var live = new List<Mat>();
                    var got = new List<(ClipWindow W, int[] Sources)>();
                    int maxHeld = 0;
                    using (var stream = new WindowStream(clip, stride))
                    {
                        void On(ReadyWindow w) => got.Add((w.Window, w.Frames.Select(f => f.SourceIndex).ToArray()));
                        for (int i = 0; i < n; i++)
                        {
                            var m = new Mat(1, 1, MatType.CV_8UC3);
                            live.Add(m);
                            stream.Push(new SampledFrame(i, i * 3, m), On);
                            maxHeld = Math.Max(maxHeld, live.Count(x => !x.IsDisposed));
                        }
                        stream.Complete(On);
                    }
                    var plan = SlidingWindows.Plan(n, clip, stride);
                    Assert.Equal(plan.Select(p => (p.Index, p.Kind, string.Join(",", p.Positions))),
                        got.Select(g => (g.W.Index, g.W.Kind, string.Join(",", g.W.Positions))));
                    // Each frame handed over is the one at that position (source index = 3 x position here).
                    Assert.All(got, g => Assert.Equal(g.W.Positions.Select(p => p * 3), g.Sources));
                    Assert.True(maxHeld <= clip + stride, $"clip {clip} stride {stride} n {n}: held {maxHeld} frames");
                    Assert.All(live, m => Assert.True(m.IsDisposed));
                }
    }

    [Fact]
    public void Live_streams_emit_only_regular_windows()
    {
        var got = new List<ClipWindow>();
        using var stream = new WindowStream(16, 8, emitTail: false);
        for (int i = 0; i < 45; i++) stream.Push(new SampledFrame(i, i, new Mat(1, 1, MatType.CV_8UC3)), w => got.Add(w.Window));
        stream.Complete(w => got.Add(w.Window));
        Assert.Equal([0, 8, 16, 24], Starts(got));
    }
}
