using System.Diagnostics;
using TorchSharp;
using C3dNet.Models;
using C3dNet.Runtime;
using C3dNet.Training;
using static TorchSharp.torch;

namespace C3dNet.Benchmarks;

/// <summary>Sizes and repetitions of a benchmark run; <see cref="Quick"/> is a smoke test for CI.</summary>
internal sealed record BenchSettings(C3dConfig Model, int MatmulSize, int Warmup, int Runs, int InferRuns, int TrainRuns, bool Bf16OnThisCpu)
{
    /// <summary>Full C3D; bf16 inference only where the CPU computes bf16 natively (else it would run for many minutes).</summary>
    public static BenchSettings Full => new(new C3dConfig { NumClasses = 101 }, 2048, 1, 5, 3, 2, CpuFeatures.HasNativeBf16);
    public static BenchSettings Quick => new(new C3dConfig { NumClasses = 101, WidthMultiplier = 0.125 }, 512, 1, 2, 1, 1, true);
}

/// <summary>
/// The compute side of `c3d bench`: the machine's peak (matmul, a C3D-sized Conv3d), C3D inference
/// at batch 1 and 8 in fp32 and bf16, per-layer time of one forward, and the training step.
/// </summary>
internal sealed class ComputeBenchmark(BenchSettings settings, IProgress<string>? progress = null, CancellationToken cancel = default)
{
    public List<Measurement> Results { get; } = [];
    public List<(string Layer, double Milliseconds, double Gflops)> LayerTimes { get; } = [];
    /// <summary>Measurements left out, with the reason (e.g. bf16 without native CPU support).</summary>
    public List<(string Key, string Reason)> Skipped { get; } = [];

    public void RunAll()
    {
        using var _ = no_grad();
        Peak(ScalarType.Float32, "fp32");
        Peak(ScalarType.BFloat16, "bf16");
        using var model = new C3D(settings.Model);
        model.eval();
        foreach (var (dtype, name) in new[] { (ScalarType.Float32, "fp32"), (ScalarType.BFloat16, "bf16") })
        {
            if (dtype == ScalarType.BFloat16 && !settings.Bf16OnThisCpu)
            {
                foreach (int batch in new[] { 1, 8 })
                    Skipped.Add(($"infer_bf16_bs{batch}_clips_per_s", "this CPU has no native bf16 (avx512_bf16/amx_bf16): libtorch's fallback bf16 Conv3d is far slower than fp32 (see bench/README.md); run with --quick to see it on a narrow net"));
                continue;
            }
            model.to(dtype);
            foreach (int batch in new[] { 1, 8 }) Inference(model, dtype, name, batch);
        }
        model.to(ScalarType.Float32);
        PerLayer(model);
        TrainStep(batch: 4);
    }

    private void Peak(ScalarType dtype, string name)
    {
        progress?.Report($"peak {name}");
        // Emulated bf16 runs at well under 1 GFLOP/s: full-size peaks would take most of an hour there,
        // so such CPUs get a small matmul and a small Conv3d (the rate, not the size, is the finding).
        bool reduced = dtype == ScalarType.BFloat16 && !settings.Bf16OnThisCpu;
        int n = reduced ? 256 : settings.MatmulSize;
        int convBatch = reduced ? 1 : 4, convDepth = reduced ? 2 : 8, convSide = reduced ? 14 : 28;
        string note = reduced ? ", reduced size (no native bf16)" : "";
        using var a = randn(new long[] { n, n }).to(dtype);
        using var b = randn(new long[] { n, n }).to(dtype);
        Results.Add(RepeatedTimer.Rate($"matmul_{name}_gflops", $"{n}x{n} matmul, {name}{note}", "GFLOP/s", 2.0 * n * n * n / 1e9,
            settings.Warmup, settings.Runs, () => { using var c = a.matmul(b); }, cancel));

        // conv3a of C3D at batch 4: 128→256 channels over 8x28x28 (scaled with the width multiplier).
        var cfg = settings.Model;
        int cin = cfg.Channels[1], cout = cfg.Channels[2];
        using var x = randn(new long[] { convBatch, cin, convDepth, convSide, convSide }).to(dtype);
        using var w = (randn(new long[] { cout, cin, 3, 3, 3 }) * 0.01).to(dtype);
        double flops = 2.0 * cout * cin * 27 * convDepth * convSide * convSide * convBatch / 1e9;
        Results.Add(RepeatedTimer.Rate($"conv3d_{name}_peak_gflops", $"Conv3d {cin}→{cout}, {convBatch}x{cin}x{convDepth}x{convSide}x{convSide}, {name}{note}", "GFLOP/s", flops,
            settings.Warmup, settings.Runs, () => { using var y = nn.functional.conv3d(x, w, padding: [1, 1, 1]); }, cancel));
    }

    private void Inference(C3D model, ScalarType dtype, string name, int batch)
    {
        progress?.Report($"inference {name} batch {batch}");
        var cfg = settings.Model;
        using var x = randn(new long[] { batch, 3, cfg.ClipLength, cfg.CropSize, cfg.CropSize }).to(dtype);
        var m = RepeatedTimer.Rate($"infer_{name}_bs{batch}_clips_per_s", $"C3D inference, {name}, batch {batch}", "clips/s", batch,
            settings.Warmup, settings.InferRuns, () => { using var y = model.forward(x); }, cancel);
        Results.Add(m);
        double gflops = m.Median * C3dFlops.PerClip(cfg) / 1e9;
        Results.Add(new Measurement($"infer_{name}_bs{batch}_gflops", $"C3D inference, {name}, batch {batch}", gflops, m.Min * gflops / m.Median, m.Max * gflops / m.Median, m.Runs, "GFLOP/s"));
        var peak = Results.FirstOrDefault(r => r.Key == $"conv3d_{name}_peak_gflops");
        if (peak is not null)
            Results.Add(new Measurement($"infer_{name}_bs{batch}_share_of_conv3d_peak", $"share of the {name} Conv3d peak", gflops / peak.Median, 0, 0, m.Runs, "ratio"));
    }

    private void PerLayer(C3D model)
    {
        progress?.Report("per-layer time");
        var cfg = settings.Model;
        var flops = C3dFlops.PerLayer(cfg).ToDictionary(l => l.Layer, l => l.Flops);
        var totals = new Dictionary<string, double>();
        var started = new Dictionary<string, long>();
        var hooks = new List<Action>();
        foreach (var (name, module) in model.named_children())
        {
            if (module is not nn.Module<Tensor, Tensor> hookable) continue;
            var h = (nn.HookableModule<Func<nn.Module<Tensor, Tensor>, Tensor, Tensor>, Func<nn.Module<Tensor, Tensor>, Tensor, Tensor, Tensor>>)hookable;
            hooks.Add(h.register_forward_pre_hook(_ => { started[name] = Stopwatch.GetTimestamp(); }).remove);
            hooks.Add(h.register_forward_hook(_ => { totals[name] = totals.GetValueOrDefault(name) + Stopwatch.GetElapsedTime(started[name]).TotalMilliseconds; }).remove);
        }
        using var x = randn(new long[] { 1, 3, cfg.ClipLength, cfg.CropSize, cfg.CropSize });
        using (var warm = model.forward(x)) { }
        totals.Clear();
        int runs = Math.Max(1, settings.InferRuns);
        for (int i = 0; i < runs; i++) { using var y = model.forward(x); }
        foreach (var remove in hooks) remove();
        foreach (var (name, ms) in totals)
            LayerTimes.Add((name, ms / runs, flops.TryGetValue(name, out var f) ? f / (ms / runs / 1000) / 1e9 : 0));
    }

    private void TrainStep(int batch)
    {
        progress?.Report($"train step batch {batch}");
        var cfg = settings.Model;
        using var model = new C3D(cfg);
        model.train();
        using var sgd = ReferenceOptimizer.CreateSgd(model);
        using var x = randn(new long[] { batch, 3, cfg.ClipLength, cfg.CropSize, cfg.CropSize }) * 50;
        using var y = randint(cfg.NumClasses, new long[] { batch });
        void Step()
        {
            using var scope = NewDisposeScope();
            using var grad = enable_grad();
            sgd.zero_grad();
            var loss = nn.functional.cross_entropy(model.forward(x), y);
            loss.backward();
            sgd.step();
        }
        Results.Add(RepeatedTimer.Rate($"train_fp32_bs{batch}_clips_per_s", $"train step (forward, backward, SGD), fp32, batch {batch}", "clips/s",
            batch, settings.Warmup, settings.TrainRuns, Step, cancel));
    }
}
