using System.Diagnostics;
using C3dNet.Outputs;
using C3dNet.Runtime;
using C3dNet.Video;
using OpenCvSharp;

namespace C3dNet.Inference;

/// <summary>The top-1 label changed with the window ending at source frame <see cref="Frame"/>; <see cref="Seconds"/>: when that frame ends, by the decoder's timestamps, as end_s in predict.</summary>
/// <param name="Frame">The source frame (0-based) that ends the window giving the new label.</param>
/// <param name="Seconds">When that frame ends (null when the stream gives no times).</param>
/// <param name="ClassIndex">The new label's index in the checkpoint's class list.</param>
/// <param name="Label">The new top-1 label.</param>
/// <param name="Prob">Its probability in that window.</param>
public sealed record LabelChange(int Frame, double? Seconds, int ClassIndex, string Label, float Prob);

/// <summary>How a live run ended.</summary>
/// <param name="Frames">Source frames read.</param>
/// <param name="Windows">Windows recognised.</param>
/// <param name="Changes">Changes of the top-1 label reported (the first label counts).</param>
/// <param name="Cancelled">True when the token ended the run, false when the stream ended.</param>
/// <param name="Elapsed">How long it ran.</param>
public sealed record LiveSummary(int Frames, int Windows, int Changes, bool Cancelled, TimeSpan Elapsed);

/// <summary>
/// Recognition on a camera or stream: a rolling window of the last clip-length sampled frames, run
/// every stride sampled frames, one clip at a time. Frames are sampled as the model's input says: every k-th frame (C3D), or
/// the stream resampled to the model's frame rate from the rate it reports, as torchvision does (the ResNets' 15 fps:
/// every other frame of a 30 fps camera, frames 0, 1, 3, 5, 6, … of a 25 fps one). Runs until the stream ends or the token is
/// cancelled (which ends it cleanly: the annotated video is finished, not dropped). When the model is
/// slower than a camera, the camera's driver drops frames and the labels lag; nothing queues up.
/// </summary>
internal static class LivePredictor
{
    /// <param name="stream">The camera or stream, read to its end.</param>
    /// <param name="model">The network.</param>
    /// <param name="settings">How frames become clips (frame step, stride).</param>
    /// <param name="classNames">The checkpoint's classes.</param>
    /// <param name="onChange">Called on each change of the top-1 label.</param>
    /// <param name="outPath">An annotated video to write, or null.</param>
    /// <param name="cancel">Ends the run cleanly.</param>
    /// <param name="probabilities">How a clip's probabilities are computed (default: <paramref name="model"/>'s, unguarded).</param>
    public static LiveSummary Run(IFrameSource stream, ClipModel model, SamplingSettings settings, IReadOnlyList<string> classNames,
        Action<LabelChange> onChange, string? outPath = null, CancellationToken cancel = default, WindowedInference.ClipFunction? probabilities = null)
    {
        probabilities ??= model.Probabilities;
        var clock = Stopwatch.StartNew();
        double? fps = stream.Fps > 0 && double.IsFinite(stream.Fps) ? stream.Fps : null;
        var resampling = settings.FramesPerSecond is double target
            ? new Models.FrameRateResampling.Stream(fps ?? throw new InvalidDataException(
                $"{stream.Source}: the stream reports no frame rate, and this model samples clips at {target:0.###} fps"), target)
            : null;
        int frames = 0, windows = 0, changes = 0;
        (int Index, float Prob)? current = null;
        var batcher = new ClipBatcher<(int Frame, double? Seconds)>(1, model.Config, (buffer, ends) =>
        {
            var top = TopK.Of(probabilities(buffer, 1)[0], 1)[0];
            windows++;
            bool changed = current is null || current.Value.Index != top.Index;
            current = top;
            if (!changed) return;
            changes++;
            onChange(new LabelChange(ends[0].Frame, ends[0].Seconds, top.Index, classNames[top.Index], top.Prob));
        });
        using var windowStream = new WindowStream(settings.ClipLength, settings.Stride, emitTail: false);
        if (outPath is not null) AnnotatedVideo.CodecFor(outPath); // refuse an unknown extension before reading anything
        VideoFile? video = null;
        bool cancelled = false;
        try
        {
            int position = 0;
            foreach (var decoded in stream.Frames(null, cancel))
            {
                var (index, frame) = decoded;
                using (frame)
                {
                    frames++;
                    int uses = resampling?.Uses(index) ?? (index % settings.FrameStep == 0 ? 1 : 0);
                    for (int u = 0; u < uses; u++)
                    {
                        var small = new Mat();
                        Cv2.Resize(frame, small, new Size(settings.ResizeWidth, settings.ResizeHeight), 0, 0, InterpolationFlags.Linear);
                        windowStream.Push(new SampledFrame(position++, index, small) { Seconds = decoded.Seconds, Duration = decoded.Duration },
                            w => batcher.Add(w.Frames.Select(f => f.Frame).ToArray(), (w.EndFrame, w.EndSeconds(fps))));
                    }
                    if (outPath is not null)
                    {
                        video ??= new VideoFile(outPath, AnnotatedVideo.CodecFor(outPath), fps ?? AnnotatedVideo.DefaultFolderFps, frame.Size());
                        if (current is { } c) Overlay.DrawLabel(frame, Overlay.Text(classNames[c.Index], c.Prob));
                        video.Write(frame);
                    }
                }
                TestSeam.UnitDone("frame", frames, cancel);
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            cancelled = true;
        }
        catch
        {
            video?.Dispose();
            throw;
        }
        using (video) video?.Complete(); // a cancelled stream still ends in a finished, checked video
        return new LiveSummary(frames, windows, changes, cancelled, clock.Elapsed);
    }
}
