using C3dNet.Models;
using C3dNet.Training;
using static TorchSharp.torch;

namespace C3dNet.Benchmarks;

/// <summary>
/// The video ResNets' side of `c3d bench`, per architecture (r3d_18, mc3_18, r2plus1d_18 at torchvision's full width and
/// Kinetics-400's 400 classes): fp32 inference at batch 1 and 8 and a training step (forward, backward, SGD over the
/// backbone and fc groups) at batch 4, on clips of <see cref="BenchSettings.ResNetClipLength"/> x
/// <see cref="BenchSettings.ResNetCropSize"/>². Keys are <c>&lt;arch&gt;_infer_fp32_bs1_clips_per_s</c>,
/// <c>&lt;arch&gt;_train_fp32_bs4_clips_per_s</c>, as bench/reference/bench_reference.py writes them for torchvision.
/// </summary>
internal sealed class VideoResNetBenchmark(BenchSettings settings, IProgress<string>? progress = null, CancellationToken cancel = default)
{
    public List<Measurement> Results { get; } = [];

    public void Run(string architecture)
    {
        var arch = VideoResNetArchitecture.Find(architecture) ?? throw new ArgumentException($"{architecture} is not a video ResNet");
        manual_seed(1);
        using var model = new VideoResNet(arch);
        long[] Clip(int batch) => [batch, 3, settings.ResNetClipLength, settings.ResNetCropSize, settings.ResNetCropSize];
        using (no_grad())
        {
            model.eval();
            foreach (int batch in new[] { 1, 8 })
            {
                progress?.Report($"{arch.Name} inference batch {batch}");
                using var x = randn(Clip(batch));
                Results.Add(RepeatedTimer.Rate($"{arch.Name}_infer_fp32_bs{batch}_clips_per_s", $"{arch.Name} inference, fp32, batch {batch}", "clips/s", batch,
                    settings.Warmup, settings.InferRuns, () => { using var y = model.forward(x); }, cancel));
            }
        }
        const int trainBatch = 4;
        progress?.Report($"{arch.Name} train step batch {trainBatch}");
        model.train();
        using var sgd = ReferenceOptimizer.CreateSgd(model);
        using var input = randn(Clip(trainBatch));
        using var target = randint(VideoResNet.DefaultClasses, new long[] { trainBatch });
        void Step()
        {
            using var scope = NewDisposeScope();
            using var grad = enable_grad();
            sgd.zero_grad();
            nn.functional.cross_entropy(model.forward(input), target).backward();
            sgd.step();
        }
        Results.Add(RepeatedTimer.Rate($"{arch.Name}_train_fp32_bs{trainBatch}_clips_per_s", $"{arch.Name} train step (forward, backward, SGD), fp32, batch {trainBatch}",
            "clips/s", trainBatch, settings.Warmup, settings.TrainRuns, Step, cancel));
    }
}
