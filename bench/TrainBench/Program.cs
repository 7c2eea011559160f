using System.Diagnostics;
using C3dNet.Benchmarks;
using C3dNet.Datasets;
using C3dNet.Models;
using C3dNet.Training;
using C3dNet.Tests.Datasets;
using static TorchSharp.torch;

// Usage:
//   TrainBench make-data DIR [classes] [trainPerClass] [valPerClass] [testPerClass] [frames] [seed] [width] [height]
//   TrainBench loader DIR [workers] [batch] [crop] [batches]      loader clips/s (no training)
//   TrainBench step [width] [crop] [batch] [steps] [threads]              train-step clips/s on random input
//   TrainBench conv [batch] [runs] [threads] [cin] [cout] [cl]            conv3a-sized Conv3d GFLOP/s (cl=1: channels-last 3D)
//   TrainBench infer [width] [batch] [runs] [cl]                          full C3D forward clips/s (cl=1: channels-last input, 2: and weights)
//   TrainBench clip-parts DIR                                    time of frame decoding vs ClipTensor.Write per clip
//   TrainBench frozen [width] [headBatch] [headSteps] [clips] [fullSteps]  CPU s per clip: backbone forward (cache build), head step, full step
//   TrainBench train DIR key=value ...                           a training run (TrainConfig options in snake_case), per-epoch lines
//   TrainBench batches DIR key=value ...                         the same, with the training loss of every batch (recipe experiments)
// Set OMP_WAIT_POLICY=PASSIVE when the cores are shared (see the report); C3D_THREADS sets libtorch threads for `train`.
string mode = args.Length > 0 ? args[0] : "help";
switch (mode)
{
    case "make-data":
    {
        var o = new MotionFrames.Options
        {
            Classes = Arg(2, 4), TrainPerClass = Arg(3, 20), ValPerClass = Arg(4, 5), TestPerClass = Arg(5, 5), Frames = Arg(6, 24), Seed = Arg(7, 1),
            Width = Arg(8, C3dConfig.ReferenceFrameWidth), Height = Arg(9, C3dConfig.ReferenceFrameHeight),
        };
        var sw = Stopwatch.StartNew();
        MotionFrames.Write(args[1], o);
        Console.WriteLine($"wrote {args[1]} in {sw.Elapsed.TotalSeconds:F1}s: {o}");
        break;
    }
    case "loader":
    {
        C3dNet.Runtime.Threads.Configure(1);
        int workers = Arg(2, 2), batch = Arg(3, 20), crop = Arg(4, C3dConfig.ReferenceCropSize), batches = Arg(5, 50);
        var data = FrameDataset.Open(args[1]);
        var (frameWidth, frameHeight) = C3dConfig.FrameSizeFor(crop);
        var config = new C3dConfig { NumClasses = data.ClassNames.Count, CropSize = crop, ResizeWidth = frameWidth, ResizeHeight = frameHeight };
        var ds = new ClipDataset(data.Videos("train"), config);
        var loader = new ClipLoader(ds, batch, workers);
        int clips = 0, epoch = 0;
        Stopwatch? sw = null; // started after the first batch, as the reference benchmark does
        while (clips < batches * batch)
        {
            foreach (var b in loader.Batches(ds.TrainEpoch(1, epoch++)))
            {
                using var scope = NewDisposeScope();
                using var t = b.Inputs();
                if (sw is null) { sw = Stopwatch.StartNew(); continue; }
                clips += b.Count;
                if (clips >= batches * batch) break;
            }
        }
        double s = sw!.Elapsed.TotalSeconds;
        Console.WriteLine($"loader: {clips} clips ({crop}x{crop}, frames {config.ResizeWidth}x{config.ResizeHeight}), {workers} workers, batch {batch}: {clips / s:F1} clips/s, buffers {loader.BuffersCreated}");
        break;
    }
    case "step":
    {
        double width = ArgD(1, 1.0);
        int crop = Arg(2, C3dConfig.ReferenceCropSize), batch = Arg(3, 4), steps = Arg(4, 3), threads = Arg(5, 0);
        C3dNet.Runtime.Threads.Configure(threads);
        random.manual_seed(1);
        var (frameWidth, frameHeight) = C3dConfig.FrameSizeFor(crop);
        using var model = new C3D(new C3dConfig { NumClasses = 101, WidthMultiplier = width, CropSize = crop, ResizeWidth = frameWidth, ResizeHeight = frameHeight });
        using var opt = ReferenceOptimizer.CreateSgd(model);
        model.train();
        var x = randn(new long[] { batch, 3, C3dConfig.ReferenceClipLength, crop, crop }) * 50;
        var y = randint(0, 101, new long[] { batch });
        void Step() { using var scope = NewDisposeScope(); opt.zero_grad(); var l = nn.functional.cross_entropy(model.forward(x), y); l.backward(); opt.step(); }
        Step();
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < steps; i++) Step();
        double s = sw.Elapsed.TotalSeconds;
        Console.WriteLine($"train step: width {width}, {crop}x{crop}, batch {batch}, {get_num_threads()} threads: {steps * batch / s:F2} clips/s ({s / steps:F2} s/step)");
        break;
    }
    case "frozen":
    {
        // CPU time (all threads) and wall per clip of the three things a frozen-backbone run and a full fine-tuning run do,
        // measured in one process on random input: the ratios hold on a loaded machine, where wall times do not.
        double width = ArgD(1, 1.0);
        int headBatch = Arg(2, 20), headSteps = Arg(3, 10), clips = Arg(4, 8), fullSteps = Arg(5, 2);
        const int fullBatch = 4;
        C3dNet.Runtime.Threads.Configure(0);
        random.manual_seed(1);
        using var model = new C3D(new C3dConfig { NumClasses = 101, WidthMultiplier = width });
        using var opt = ReferenceOptimizer.CreateSgd(model);
        var process = Process.GetCurrentProcess();
        (double Cpu, double Wall) Measure(int units, Action work)
        {
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            work();
            process.Refresh();
            return ((process.TotalProcessorTime - cpu0).TotalSeconds / units, sw.Elapsed.TotalSeconds / units);
        }
        var x = randn(new long[] { fullBatch, 3, C3dConfig.ReferenceClipLength, C3dConfig.ReferenceCropSize, C3dConfig.ReferenceCropSize }) * 50;
        var y = randint(0, 101, new long[] { fullBatch });
        model.eval();
        void Forward() { using var scope = NewDisposeScope(); using var _ = no_grad(); model.BackboneFeatures(x); }
        Forward();
        var build = Measure(clips, () => { for (int i = 0; i < clips / fullBatch; i++) Forward(); });
        Console.WriteLine($"backbone forward (cache build), batch {fullBatch}: {build.Cpu:F3} CPU s/clip, {build.Wall:F3} s/clip wall");

        C3dNet.Training.FrozenBackbone.FrozenLayers.Apply(model, model.HeadLayers);
        C3dNet.Training.FrozenBackbone.FrozenLayers.TrainMode(model);
        var f = nn.functional.relu(randn(new long[] { headBatch, model.BackboneWidth }));
        var yh = randint(0, 101, new long[] { headBatch });
        void HeadStep() { using var scope = NewDisposeScope(); opt.zero_grad(); var l = nn.functional.cross_entropy(model.HeadLogits(f), yh); l.backward(); opt.step(); }
        HeadStep();
        var head = Measure(headSteps * headBatch, () => { for (int i = 0; i < headSteps; i++) HeadStep(); });
        Console.WriteLine($"head step fc6-fc8 on cached pool5, batch {headBatch}: {head.Cpu * 1000:F2} CPU ms/clip, {head.Wall * 1000:F2} ms/clip wall");

        foreach (var p in model.parameters()) p.requires_grad_(true);
        model.train();
        void FullStep() { using var scope = NewDisposeScope(); opt.zero_grad(); var l = nn.functional.cross_entropy(model.forward(x), y); l.backward(); opt.step(); }
        FullStep();
        var full = Measure(fullSteps * fullBatch, () => { for (int i = 0; i < fullSteps; i++) FullStep(); });
        Console.WriteLine($"full fine-tuning step, batch {fullBatch}: {full.Cpu:F3} CPU s/clip, {full.Wall:F3} s/clip wall");
        Console.WriteLine($"ratios (CPU): full step / head step {full.Cpu / head.Cpu:F0}x, backbone forward / full step {build.Cpu / full.Cpu:F2}");
        break;
    }
    case "train":
    case "batches":
    {
        var json = new System.Text.Json.Nodes.JsonObject { ["data"] = args[1], ["runs_root"] = "/tmp/c3d-bench-runs", ["test_every"] = 0, ["snapshot_every"] = 0 };
        foreach (var kv in args.Skip(2))
        {
            var (k, v) = (kv[..kv.IndexOf('=')], kv[(kv.IndexOf('=') + 1)..]);
            json[k] = double.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out var d) ? System.Text.Json.Nodes.JsonValue.Create(d) : System.Text.Json.Nodes.JsonValue.Create(v);
        }
        var config = TrainConfig.FromJson(json);
        C3dNet.Runtime.Threads.Configure(int.TryParse(Environment.GetEnvironmentVariable("C3D_THREADS"), out var th) ? th : null);
        var sw = Stopwatch.StartNew();
        var batchLosses = new List<double>();
        int lastBatch = 0;
        double lastMean = 0;
        var progress = new SyncProgress(p =>
        {
            if (p is BatchCompleted { Phase: TrainPhase.Train } b && mode == "batches")
            {
                batchLosses.Add(b.Loss * b.Batch - lastMean * lastBatch); // from the running mean
                (lastBatch, lastMean) = (b.Batch, b.Loss);
                Console.WriteLine($"{sw.Elapsed.TotalSeconds,6:F0}s epoch {b.Epoch} batch {b.Batch}: loss {batchLosses[^1]:F4} lr {b.Lr:G3}");
            }
            else if (p is PhaseStarted { Phase: TrainPhase.Train }) (lastBatch, lastMean) = (0, 0);
            else if (p is EpochCompleted e)
                Console.WriteLine($"{sw.Elapsed.TotalSeconds,6:F0}s epoch {e.Summary.Epoch,3}: train loss {e.Summary.Train.Loss:F3} acc {e.Summary.Train.Accuracy:F3} lr {e.Summary.Train.Lr:G3} | val loss {e.Summary.Val?.Loss:F3} acc {e.Summary.Val?.Accuracy:F3}");
            else if (p is TrainNotice n) Console.WriteLine("notice: " + n.Message);
        });
        var result = Trainer.Run(config, progress);
        if (mode == "batches") Console.WriteLine($"batch losses: {string.Join(", ", batchLosses.Select(l => l.ToString("F4")))}; CPU {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F0} s");
        Console.WriteLine($"done in {sw.Elapsed.TotalSeconds:F0}s, best val {result.BestValAccuracy:F3}, run {result.RunDir}");
        break;
    }
    case "infer":
    {
        // full C3D forward clips/s; cl=1 feeds the input channels-last, cl=2 the conv weights too
        double width = ArgD(1, 1.0);
        int batch = Arg(2, 1), runs = Arg(3, 3), cl = Arg(4, 0);
        C3dNet.Runtime.Threads.Configure(0);
        using var _ = no_grad();
        using var model = new C3D(new C3dConfig { NumClasses = 101, WidthMultiplier = width });
        model.eval();
        var x = randn(new long[] { batch, 3, C3dConfig.ReferenceClipLength, C3dConfig.ReferenceCropSize, C3dConfig.ReferenceCropSize });
        if (cl >= 1) x = ChannelsLast(x);
        if (cl == 2)
            foreach (var (name, module) in model.named_modules())
                if (module is TorchSharp.Modules.Conv3d conv)
                    conv.weight = new TorchSharp.Modules.Parameter(ChannelsLast(conv.weight!.detach()), requires_grad: false);
        var m = RepeatedTimer.Rate("infer", "C3D inference", "clips/s", batch, 1, runs, () => { using var y = model.forward(x); }, default);
        Console.WriteLine($"C3D inference width {width}, batch {batch}, channels-last {(cl == 0 ? "no" : cl == 1 ? "input" : "input+weights")}: median {m.Median:F3} clips/s (min {m.Min:F3}, max {m.Max:F3})");
        break;
    }
    case "conv":
    {
        // conv3a-sized Conv3d (the bench's peak): GFLOP/s at a given batch and thread count
        int batch = Arg(1, 4), runs = Arg(2, 5), threads = Arg(3, 0), cin = Arg(4, 128), cout = Arg(5, 256);
        bool channelsLast = Arg(6, 0) == 1;
        C3dNet.Runtime.Threads.Configure(threads);
        using var _ = no_grad();
        var x = randn(new long[] { batch, cin, 8, 28, 28 });
        var w = randn(new long[] { cout, cin, 3, 3, 3 }) * 0.01;
        if (channelsLast) (x, w) = (ChannelsLast(x), ChannelsLast(w));
        double gflop = 2.0 * cout * cin * 27 * 8 * 28 * 28 * batch / 1e9;
        var m = RepeatedTimer.Rate("conv", "Conv3d", "GFLOP/s", gflop, 1, runs, () => { using var y = nn.functional.conv3d(x, w, padding: [1, 1, 1]); }, default);
        Console.WriteLine($"conv3d {cin}->{cout} batch {batch}, {get_num_threads()} threads: median {m.Median:F1} GFLOP/s (min {m.Min:F1}, max {m.Max:F1})");
        break;
    }
    case "clip-parts":
    {
        var data = FrameDataset.Open(args[1]);
        var videos = data.Videos("train");
        var config = new C3dConfig { NumClasses = data.ClassNames.Count };
        const int clip = C3dConfig.ReferenceClipLength, crop = C3dConfig.ReferenceCropSize;
        const int frameWidth = C3dConfig.ReferenceFrameWidth, frameHeight = C3dConfig.ReferenceFrameHeight;
        var files = videos.SelectMany(v => v.Frames.Take(clip)).Take(clip * 60).ToList();
        var sw = Stopwatch.StartNew();
        var mats = files.Select(f => FrameFolder.Read(f, frameWidth, frameHeight)).ToList();
        double read = sw.Elapsed.TotalMilliseconds / files.Count;
        var dest = new float[InputTensor.Length(clip, crop)];
        var input = ModelInput.For(config);
        sw.Restart();
        for (int i = 0; i + clip <= mats.Count; i += clip) InputTensor.Write(dest, mats.GetRange(i, clip), CropBox.Center(frameHeight, frameWidth, crop), false, input);
        double write = sw.Elapsed.TotalMilliseconds / (mats.Count / clip);
        Console.WriteLine($"read {read:F3} ms/frame ({read * clip:F2} ms/clip), InputTensor.Write {write:F2} ms/clip");
        break;
    }
    default:
        Console.WriteLine("modes: make-data, loader, step, infer, conv, clip-parts, train");
        break;
}

// NDHWC strides (permute, contiguous, permute back): what libtorch treats as channels_last_3d; TorchSharp has no memory-format API.
Tensor ChannelsLast(Tensor t) => t.permute(0, 2, 3, 4, 1).contiguous().permute(0, 4, 1, 2, 3);
int Arg(int i, int fallback) => args.Length > i ? int.Parse(args[i]) : fallback;
double ArgD(int i, double fallback) => args.Length > i ? double.Parse(args[i], System.Globalization.CultureInfo.InvariantCulture) : fallback;

sealed class SyncProgress(Action<TrainProgress> action) : IProgress<TrainProgress>
{
    public void Report(TrainProgress value) => action(value);
}
