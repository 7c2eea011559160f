using System.CommandLine;
using System.Text.Json.Nodes;
using C3dNet.Benchmarks;
using C3dNet.Cli.Ui;
using C3dNet.Runtime;
using Spectre.Console;

namespace C3dNet.Cli.Commands;

/// <summary>
/// `c3d bench [--quick] [--json] [--arch A]`: measured speed of this machine, C3D, the video ResNets and the pipeline, with
/// medians and spread. --arch measures one architecture (c3d: with the machine's peak and the pipeline); all by default.
/// </summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var quick = new Option<bool>("--quick") { Description = "Small sizes and one run each: a smoke test, not numbers to publish" };
        var json = new Option<bool>("--json") { Description = "Print the results as JSON (flat keys such as infer_fp32_bs1_clips_per_s)" };
        var threads = new Option<int?>("--threads") { Description = "libtorch intra-op threads (default: the number of cores)" };
        var arch = new Option<string>("--arch")
        {
            Description = "Which network to measure: all, or one of c3d (with the machine's peak, loader, preprocessing and predict), r3d_18, mc3_18, r2plus1d_18",
            DefaultValueFactory = _ => AllArchitectures,
        };
        arch.AcceptOnlyFromAmong([AllArchitectures, .. C3dNet.Models.C3dConfig.Architectures]);
        var command = new Command("bench", "Measure peak GFLOP/s, inference and training speed of C3D and the video ResNets, loader, preprocessing and predict")
            { quick, json, threads, arch };
        command.SetAction(parse => CommandRunner.RunAsync(parse, cancel =>
        {
            if (parse.GetValue(threads) is { } n) Threads.Configure(n);
            var settings = parse.GetValue(quick) ? BenchSettings.Quick : BenchSettings.Full;
            bool asJson = parse.GetValue(json);
            string which = parse.GetValue(arch)!;
            bool Measures(string architecture) => which == AllArchitectures || which == architecture;
            var compute = ConsoleUi.WithStatus("benchmarking", !asJson, status =>
            {
                var c = new ComputeBenchmark(settings, status, cancel);
                if (Measures(C3dNet.Models.C3dConfig.C3dArchitecture))
                {
                    c.RunAll();
                    var p = new PipelineBenchmark(settings, status, cancel);
                    p.RunAll();
                    c.Results.AddRange(p.Results);
                }
                var resnets = new VideoResNetBenchmark(settings, status, cancel);
                foreach (var a in C3dNet.Models.VideoResNetArchitecture.All.Where(a => Measures(a.Name))) resnets.Run(a.Name);
                c.Results.AddRange(resnets.Results);
                return c;
            });
            Report(MachineInfo.Current(), compute, asJson, parse.GetValue(quick));
            return Task.FromResult(CommandRunner.Ok);
        }, stopping: "stopping the benchmark", needsOpenCv: true));
        return command;
    }

    private const string AllArchitectures = "all";

    private static void Report(MachineInfo machine, ComputeBenchmark compute, bool json, bool quick)
    {
        if (json)
        {
            var root = new JsonObject { ["quick"] = quick, ["machine"] = JsonNode.Parse(System.Text.Json.JsonSerializer.Serialize(machine, ConsoleUi.Json)) };
            foreach (var m in compute.Results) root[m.Key] = Math.Round(m.Median, 4);
            foreach (var (key, reason) in compute.Skipped) { root[key] = null; root[key.Replace("_clips_per_s", "_skipped")] = reason; }
            root["runs"] = new JsonObject(compute.Results.Select(m => KeyValuePair.Create(m.Key, (JsonNode?)new JsonObject
                { ["median"] = m.Median, ["min"] = m.Min, ["max"] = m.Max, ["runs"] = m.Runs, ["unit"] = m.Unit })));
            root["layers_ms"] = new JsonObject(compute.LayerTimes.Select(l => KeyValuePair.Create(l.Layer, (JsonNode?)Math.Round(l.Milliseconds, 3))));
            Console.Out.WriteLine(root.ToJsonString(ConsoleUi.Json));
            return;
        }
        ConsoleUi.KeyValues("machine", [("cpu", machine.Cpu), ("cores", machine.Cores.ToString()), ("torch threads", machine.TorchThreads.ToString()),
            ("cpu features", machine.CpuFeatures), ("runtime", machine.Runtime), ("TorchSharp / libtorch", $"{machine.TorchSharp} / {machine.LibTorch}"),
            ("OpenCV", machine.OpenCv)]);
        ConsoleUi.Table(quick ? "results (--quick: smoke-test sizes)" : "results", ["measure", "median", "min", "max", "runs", "unit"],
            compute.Results.Select(m => new[] { m.Description + $"  [{m.Key}]", F(m.Median), F(m.Min), F(m.Max), m.Runs.ToString(), m.Unit }));
        foreach (var (key, reason) in compute.Skipped) ConsoleUi.Warning($"{key} skipped: {reason}");
        if (compute.LayerTimes.Count > 0)
            ConsoleUi.Table("C3D, one forward pass, batch 1, fp32", ["layer", "ms", "GFLOP/s"],
                compute.LayerTimes.Select(l => new[] { l.Layer, F(l.Milliseconds), l.Gflops > 0 ? F(l.Gflops) : "-" }));
    }

    private static string F(double v) => v >= 100 ? v.ToString("F0") : v >= 1 ? v.ToString("F2") : v.ToString("F3");
}
