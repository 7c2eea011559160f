using System.CommandLine;
using C3dNet.Cli.Serve;
using C3dNet.Cli.Ui;
using C3dNet.Inference;
using C3dNet.Runtime;

namespace C3dNet.Cli.Commands;

/// <summary>`c3d serve --checkpoint FILE [--urls URL]`: the HTTP API (POST /v1/recognize, GET /v1/model, /healthz, /openapi/v1.json) and a page at /.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<string>("--checkpoint") { Description = "A trained C3D checkpoint (.pth.tar)", Required = true };
        var labels = new Option<string?>("--labels") { Description = "Class list ('1 ClassName' lines) for checkpoints that store none" };
        var urls = new Option<string>("--urls") { Description = "Where to listen (';' between several); loopback unless you give another address", DefaultValueFactory = _ => ServeOptions.DefaultUrls };
        var maxUpload = new Option<int>("--max-upload-mb") { Description = "Largest upload accepted (MiB); larger ones get 413", DefaultValueFactory = _ => ServeOptions.DefaultMaxUploadMb };
        var queue = new Option<int>("--queue") { Description = "Requests that may wait for the model; more get 503 with Retry-After", DefaultValueFactory = _ => ServeOptions.DefaultQueueLength };
        var timeout = new Option<int>("--timeout") { Description = "Seconds a request may take, waiting included; then 504", DefaultValueFactory = _ => ServeOptions.DefaultTimeoutSeconds };
        var stride = new Option<int>("--stride") { Description = "Sampled frames between window starts", DefaultValueFactory = _ => new RecognizerOptions().Stride };
        var topK = new Option<int>("--top-k") { Description = "Classes listed per window and per video", DefaultValueFactory = _ => new RecognizerOptions().TopK };
        var batch = InferenceOptions.BatchSize();
        var device = new Option<string>("--device") { Description = "auto, cpu or cuda", DefaultValueFactory = _ => "auto" };
        device.AcceptOnlyFromAmong(DeviceSelector.Choices);
        var command = new Command("serve", "Serve recognition over HTTP (JSON API and a web page)")
        {
            checkpoint, labels, urls, maxUpload, queue, timeout, stride, topK, batch, device,
        };
        command.SetAction(parse => CommandRunner.RunAsync(parse, async cancel =>
        {
            int mb = parse.GetValue(maxUpload), q = parse.GetValue(queue), t = parse.GetValue(timeout);
            if (mb < 1) throw new ArgumentException($"--max-upload-mb must be at least 1, got {mb}");
            if (q < 0) throw new ArgumentException($"--queue must be 0 or more, got {q}");
            if (t < 1) throw new ArgumentException($"--timeout must be at least 1 second, got {t}");
            var options = new ServeOptions(parse.GetValue(checkpoint)!, new RecognizerOptions
            {
                LabelsFile = parse.GetValue(labels), Stride = parse.GetValue(stride), TopK = parse.GetValue(topK), BatchSize = parse.GetValue(batch),
                Device = parse.GetValue(device)!,
            }, parse.GetValue(urls)!, mb * 1024L * 1024, q, TimeSpan.FromSeconds(t));
            await ServerApp.Run(options, listening => ConsoleUi.Info($"serving {options.Checkpoint} on {string.Join(", ", listening)} (Ctrl-C stops)"), cancel);
            ConsoleUi.Info("server stopped");
            return CommandRunner.Ok;
        }, stopping: "finishing the requests in flight", needsOpenCv: true));
        return command;
    }
}
