using System.Diagnostics;
using C3dNet.Datasets;
using C3dNet.Models;
using C3dNet.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace C3dNet.Tests.Datasets;

public class ClipLoaderTests
{
    private static (TempDir Dir, ClipDataset Data) SmallData(int videosPerClass = 5, int frames = 18)
    {
        var dir = new TempDir();
        MotionFrames.Write(dir.Path, new MotionFrames.Options
        {
            Classes = 2, TrainPerClass = videosPerClass, ValPerClass = 0, TestPerClass = 0, Frames = frames, Width = 86, Height = 64,
        });
        var videos = FrameDataset.Open(dir.Path).Videos("train");
        var config = new C3dConfig { NumClasses = 2, CropSize = 56, ResizeWidth = 86, ResizeHeight = 64 };
        return (dir, new ClipDataset(videos, config));
    }

    private static List<(float[] Data, long[] Labels, int[] Clips)> Collect(ClipLoader loader, IReadOnlyList<ClipSpec> clips, int first = 0) =>
        loader.Batches(clips, first).Select(b => (b.Data.ToArray(), b.Labels, b.Clips)).ToList();

    [Fact]
    public void Batches_come_in_order_with_the_same_clips_whatever_the_number_of_threads()
    {
        var (dir, ds) = SmallData();
        using var _ = dir;
        var clips = ds.TrainEpoch(seed: 3, epoch: 0);
        var one = Collect(new ClipLoader(ds, batchSize: 4, workers: 1), clips);
        var three = Collect(new ClipLoader(ds, batchSize: 4, workers: 3, prefetch: 2), clips);
        Assert.Equal([4, 4, 2], one.Select(b => b.Labels.Length)); // 10 clips: the last batch is partial
        Assert.Equal(Enumerable.Range(0, 10), one.SelectMany(b => b.Clips));
        for (int i = 0; i < one.Count; i++)
        {
            Assert.Equal(one[i].Labels, three[i].Labels);
            Assert.Equal(one[i].Data, three[i].Data);
        }
        // Each clip equals what the dataset writes for it directly.
        var direct = new float[ds.ClipFloats];
        ds.Write(clips[5], direct);
        Assert.Equal(direct, one[1].Data.AsSpan(ds.ClipFloats, ds.ClipFloats).ToArray());
        Assert.Equal(ds.Videos[clips[5].Video].Label, one[1].Labels[1]);
    }

    [Fact]
    public void Starting_at_a_later_batch_gives_exactly_the_remaining_batches()
    {
        var (dir, ds) = SmallData();
        using var _ = dir;
        var clips = ds.TrainEpoch(3, 1);
        var loader = new ClipLoader(ds, 3, 2);
        var all = Collect(loader, clips);
        var tail = Collect(loader, clips, first: 2);
        Assert.Equal(2, tail.Count);
        Assert.Equal(all[2].Data, tail[0].Data);
        Assert.Equal(all[3].Clips, tail[1].Clips);
    }

    [Fact]
    public void A_video_with_a_corrupt_frame_is_left_out_reported_once_and_the_rest_loads()
    {
        var (dir, ds) = SmallData(videosPerClass: 3);
        using var _ = dir;
        var bad = ds.Videos[4];
        File.WriteAllText(bad.Frames[3], "this is not a JPEG");
        var loader = new ClipLoader(ds, batchSize: 6, workers: 2);
        var clips = ds.EvalClips(2); // 12 clips, 2 of them from the bad video
        var first = loader.Batches(clips).Select(b => (b.Count, b.Videos.ToArray(), b.Failures.ToList())).ToList();
        Assert.Equal(10, first.Sum(b => b.Count));
        Assert.DoesNotContain(first.SelectMany(b => b.Item2), v => v == 4);
        var failure = Assert.Single(first.SelectMany(b => b.Item3));
        Assert.Equal(bad.Name, failure.Video);
        Assert.Contains(bad.Frames[3], failure.Message);
        // The next pass skips the video without reading or reporting it again.
        var again = loader.Batches(clips).ToList();
        Assert.Equal(10, again.Sum(b => b.Count));
        Assert.Empty(again.SelectMany(b => b.Failures));
        Assert.Single(loader.Failures);
    }

    [Fact]
    public void Memory_stays_flat_over_many_batches_and_epochs()
    {
        var (dir, ds) = SmallData(videosPerClass: 4, frames: 16);
        using var _ = dir;
        var loader = new ClipLoader(ds, batchSize: 2, workers: 2, prefetch: 3);
        var stats = DisposeScopeManager.Statistics;
        long liveBefore = stats.ThreadTotalLiveCount;
        long managedAfterWarmup = 0, workingSetAfterWarmup = 0;
        int batches = 0;
        for (int epoch = 0; epoch < 60; epoch++)
        {
            foreach (var batch in loader.Batches(ds.TrainEpoch(1, epoch)))
            {
                using var scope = NewDisposeScope();
                var x = batch.Inputs();
                var y = batch.Targets();
                Assert.Equal(batch.Count, x.shape[0]);
                Assert.True(float.IsFinite((x.mean() + y.sum()).item<float>()));
                batches++;
            }
            if (epoch == 9)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                managedAfterWarmup = GC.GetTotalMemory(forceFullCollection: true);
                workingSetAfterWarmup = Process.GetCurrentProcess().WorkingSet64;
            }
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long managedEnd = GC.GetTotalMemory(forceFullCollection: true);
        long workingSetEnd = Process.GetCurrentProcess().WorkingSet64;
        Assert.Equal(240, batches);
        Assert.Equal(liveBefore, stats.ThreadTotalLiveCount); // no tensor outlives its batch
        Assert.InRange(loader.BuffersCreated, 1, 3); // batch buffers are reused, never more than the prefetch bound
        Assert.True(managedEnd - managedAfterWarmup < 4 << 20, $"managed memory grew by {(managedEnd - managedAfterWarmup) >> 10} KiB over 200 batches");
        Assert.True(workingSetEnd - workingSetAfterWarmup < 48 << 20, $"working set grew by {(workingSetEnd - workingSetAfterWarmup) >> 20} MiB over 200 batches");
    }

    [Fact]
    public void Stopping_early_or_cancelling_ends_the_workers_and_the_loader_stays_usable()
    {
        var (dir, ds) = SmallData();
        using var _ = dir;
        var loader = new ClipLoader(ds, 2, 2, prefetch: 2);
        var clips = ds.TrainEpoch(1, 0);
        Assert.Single(loader.Batches(clips).Take(1).ToList());
        using var cts = new CancellationTokenSource();
        int seen = 0;
        Assert.Throws<OperationCanceledException>(() =>
        {
            foreach (var b in loader.Batches(clips, 0, cts.Token)) { seen++; cts.Cancel(); }
        });
        Assert.Equal(1, seen);
        Assert.Equal(5, loader.Batches(clips).Count());
        Assert.InRange(loader.BuffersCreated, 1, 2);
    }
}
