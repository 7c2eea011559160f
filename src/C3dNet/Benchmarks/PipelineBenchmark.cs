using System.Diagnostics;
using C3dNet.Checkpoints;
using C3dNet.Datasets;
using C3dNet.Synthetic;
using C3dNet.Inference;
using C3dNet.Models;
using C3dNet.Video;
using static TorchSharp.torch;

namespace C3dNet.Benchmarks;

/// <summary>
/// The pipeline side of `c3d bench`, on generated videos in a temporary folder: preprocessing
/// videos/s and frames/s, the training clip loader on the frames it wrote, and end-to-end predict
/// (decode, sampling, inference) as a real-time factor.
/// </summary>
internal sealed class PipelineBenchmark(BenchSettings settings, IProgress<string>? progress = null, CancellationToken cancel = default)
{
    public List<Measurement> Results { get; } = [];

    public void RunAll()
    {
        string work = Directory.CreateTempSubdirectory("c3d-bench-").FullName;
        try
        {
            string frames = Preprocess(work);
            Loader(frames);
            Predict(work);
        }
        finally { Directory.Delete(work, recursive: true); }
    }

    private string Preprocess(string work)
    {
        progress?.Report("preprocessing");
        bool quick = settings.Model.WidthMultiplier < 1;
        string videos = Path.Combine(work, "videos");
        MotionVideoGenerator.Generate(new GeneratorOptions
        {
            OutDir = videos, Classes = 4, VideosPerClass = quick ? 2 : 10, Frames = 160, Width = 320, Height = 240, Seed = 1,
        }, null, cancel);
        var rates = new List<double>();
        var frameRates = new List<double>();
        int runs = quick ? 1 : 3;
        string outDir = "";
        for (int run = 0; run < runs; run++)
        {
            outDir = Path.Combine(work, $"frames{run}");
            long start = Stopwatch.GetTimestamp();
            var summary = DatasetPreprocessor.Run(new PreprocessOptions { VideosDir = videos, OutDir = outDir }, null, cancel);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            int done = summary.Splits.Sum(s => s.Videos);
            rates.Add(done / seconds);
            frameRates.Add(summary.Splits.Sum(s => s.Frames) / seconds);
            if (run < runs - 1) Directory.Delete(outDir, recursive: true); // the last one feeds the loader
        }
        Results.Add(RepeatedTimer.Summarise("preprocess_videos_per_s", "c3d preprocess, 320x240 MJPG videos of 160 frames", "videos/s", rates));
        Results.Add(RepeatedTimer.Summarise("preprocess_frames_per_s", "c3d preprocess, frames written", "frames/s", frameRates));
        PreprocessMpeg4(work, videos, runs);
        return outDir;
    }

    /// <summary>
    /// The same videos re-encoded as MPEG-4 Part 2 (XVID fourcc, UCF101's codec), preprocessed with each decoder:
    /// the system's FFmpeg (`preprocess_videos_per_s_ffmpeg`) and OpenCV's bundled one (`..._opencv`).
    /// The ffmpeg key is left out when the shim is unavailable.
    /// </summary>
    private void PreprocessMpeg4(string work, string mjpegVideos, int runs)
    {
        progress?.Report("preprocessing MPEG-4 Part 2 with each decoder");
        string videos = Path.Combine(work, "videos-xvid");
        foreach (var source in Directory.EnumerateFiles(mjpegVideos, "*", SearchOption.AllDirectories))
        {
            string target = Path.ChangeExtension(Path.Combine(videos, Path.GetRelativePath(mjpegVideos, source)), ".avi");
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            using var reader = VideoDecoders.OpenFile(source, VideoDecoder.OpenCv);
            using var writer = new OpenCvSharp.VideoWriter(target, OpenCvSharp.FourCC.XVID, reader.Fps, new OpenCvSharp.Size(reader.Width, reader.Height));
            foreach (var f in reader.Frames(null, cancel)) using (f.Frame) writer.Write(f.Frame);
        }
        foreach (var decoder in new[] { VideoDecoder.Ffmpeg, VideoDecoder.OpenCv })
        {
            if (decoder == VideoDecoder.Ffmpeg && !AvShim.Available) continue;
            var rates = new List<double>();
            for (int run = 0; run < runs; run++)
            {
                string outDir = Path.Combine(work, $"frames-xvid-{decoder}-{run}");
                long start = Stopwatch.GetTimestamp();
                var summary = DatasetPreprocessor.Run(new PreprocessOptions { VideosDir = videos, OutDir = outDir, Decoder = decoder }, null, cancel);
                rates.Add(summary.Splits.Sum(s => s.Videos) / Stopwatch.GetElapsedTime(start).TotalSeconds);
                Directory.Delete(outDir, recursive: true);
            }
            string name = decoder == VideoDecoder.Ffmpeg ? "ffmpeg" : "opencv";
            Results.Add(RepeatedTimer.Summarise($"preprocess_videos_per_s_{name}",
                $"c3d preprocess --decoder {name}, the same videos as MPEG-4 Part 2 (XVID)", "videos/s", rates));
        }
    }

    /// <summary>
    /// The training loader (batch 20, random 112x112 crops of 171x128 JPEGs, flips, tensors made) with no
    /// training step: the rate at which it can feed one. One worker per core (up to 4), as many as
    /// bench/compare gives the reference's DataLoader; `c3d train` needs fewer (ClipLoader.ResolveWorkers).
    /// </summary>
    private void Loader(string frames)
    {
        progress?.Report("clip loader");
        const int batchSize = 20;
        var data = FrameDataset.Open(frames);
        var dataset = new ClipDataset(data.Videos("train"), new C3dConfig { NumClasses = data.ClassNames.Count });
        var loader = new ClipLoader(dataset, batchSize, workers: Math.Clamp(Environment.ProcessorCount, 1, 4));
        int batchesPerRun = settings.Model.WidthMultiplier < 1 ? 3 : 15, epoch = 0;
        var rates = new List<double>();
        for (int run = 0; run < Math.Max(1, settings.Runs / 2); run++)
        {
            int clips = 0;
            long start = 0;
            while (clips < batchesPerRun * batchSize)
                foreach (var batch in loader.Batches(dataset.TrainEpoch(1, epoch++), 0, cancel))
                {
                    using (var inputs = batch.Inputs()) { }
                    if (start == 0) { start = Stopwatch.GetTimestamp(); continue; } // the first batch includes starting the threads
                    clips += batch.Count;
                    if (clips >= batchesPerRun * batchSize) break;
                }
            rates.Add(clips / Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
        Results.Add(RepeatedTimer.Summarise("loader_clips_per_s", $"training clip loader, batch {batchSize}, 112x112 crops of 171x128 JPEGs, {loader.Workers} workers", "clips/s", rates));
    }

    private void Predict(string work)
    {
        progress?.Report("predict, end to end");
        var config = settings.Model;
        const double fps = 25;
        int frames = 250; // 10 s at 25 fps
        string videos = Path.Combine(work, "predict");
        var generated = MotionVideoGenerator.Generate(new GeneratorOptions
        {
            OutDir = videos, Classes = 1, VideosPerClass = 1, Frames = frames, Width = 320, Height = 240, Fps = fps, Seed = 2,
        }, null, cancel);
        using var model = new C3D(config);
        using var ckpt = C3dCheckpoint.FromModel(model, classNames: Enumerable.Range(0, config.NumClasses).Select(i => $"class{i}").ToList());
        using var clipModel = ClipModel.FromCheckpoint(ckpt, "bench", CPU, InferencePrecision.Fp32);
        var input = new InputItem(generated.Videos[0].Path, InputKind.Video);
        // The default decoder (the system's FFmpeg when it loads) gives the plain keys; OpenCV's gives `..._opencv`.
        foreach (var decoder in new[] { VideoDecoder.Auto, VideoDecoder.OpenCv })
        {
            var sampling = SamplingSettings.For(config, stride: 16) with { Decoder = decoder };
            var predictor = new Predictor(clipModel, sampling, InferenceBatchSize.DefaultFor(CPU, config.WidthMultiplier)); // what `c3d predict` uses
            predictor.Predict(input, null, cancel); // warm-up
            var factors = new List<double>();
            var clipRates = new List<double>();
            for (int run = 0; run < Math.Max(1, settings.InferRuns); run++)
            {
                long start = Stopwatch.GetTimestamp();
                var prediction = predictor.Predict(input, null, cancel);
                double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                factors.Add(frames / fps / seconds);
                clipRates.Add(prediction.Run.Windows.Count / seconds);
            }
            string suffix = decoder == VideoDecoder.OpenCv ? "_opencv" : "";
            string name = VideoDecoders.Resolve(decoder).Decoder == VideoDecoder.OpenCv ? "opencv" : "ffmpeg";
            Results.Add(RepeatedTimer.Summarise($"predict_realtime_factor{suffix}", $"predict a 10 s 25 fps video, fp32, stride 16, --decoder {name} (video seconds per wall second)", "x real time", factors));
            Results.Add(RepeatedTimer.Summarise($"predict_clips_per_s{suffix}", $"predict, windows per second end to end, --decoder {name}", "clips/s", clipRates));
        }
    }
}
