using System.Text.Json;
using C3dNet.Checkpoints;
using C3dNet.Cli.Ui;
using C3dNet.Inference;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace C3dNet.Cli.Serve;

/// <summary>
/// The `c3d serve` web application: the HTTP API over one <see cref="ActionRecognizer"/> and the page at /.
/// Runs until <c>cancel</c> (Ctrl-C, SIGTERM): then it stops taking requests, cancels those in flight and returns.
/// </summary>
internal static class ServerApp
{
    /// <summary>Room for the multipart headers around an upload of the maximum size.</summary>
    public const long FormOverheadBytes = 64 * 1024;
    public static readonly JsonSerializerOptions Json = ConsoleUi.Json;

    public static async Task Run(ServeOptions options, Action<IReadOnlyList<string>> onListening, CancellationToken cancel)
    {
        using var recognizer = ActionRecognizer.Load(options.Checkpoint, options.Recognizer);
        CheckpointSummary model;
        using (var ckpt = C3dCheckpoint.Load(options.Checkpoint)) model = CheckpointSummary.Of(options.Checkpoint, ckpt) with { Problems = CheckpointLoader.Problems(ckpt) };
        using var uploads = new UploadFolder();
        using var queue = new ModelQueue(options.QueueLength);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(options.Urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxUploadBytes + FormOverheadBytes);
        builder.Services.Configure<FormOptions>(f => f.MultipartBodyLengthLimit = options.MaxUploadBytes + FormOverheadBytes);
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(10));
        builder.Services.AddOpenApi();
        await using var app = builder.Build();
        var stopping = app.Lifetime.ApplicationStopping;
        var recognize = new RecognizeEndpoint(recognizer, queue, uploads, options, stopping);

        app.MapGet("/", () => Results.Stream(Page.Open("index.html"), "text/html; charset=utf-8")).ExcludeFromDescription();
        app.MapGet("/healthz", () => Results.Json(new { status = "ok" }, Json)).WithSummary("Liveness: 200 while the server runs");
        app.MapGet("/v1/model", () => Results.Json(model, Json)).WithSummary("The loaded model, as `c3d info --json`").Produces<CheckpointSummary>();
        app.MapPost("/v1/recognize", (Func<HttpContext, Task<IResult>>)recognize.Handle)
            .WithSummary("Recognise the action in an uploaded video (multipart field \"video\"): the `c3d predict --json` document; " +
                "?thumbnails=1 adds \"thumbnails\", one JPEG (base64) of each window's middle frame")
            .Accepts<IFormFile>("multipart/form-data")
            .Produces<PredictionReport>()
            .Produces(400).Produces(413).Produces(503).Produces(504);
        app.MapOpenApi();

        await app.StartAsync(cancel);
        onListening(app.Urls.ToList());
        await app.WaitForShutdownAsync(cancel);
    }
}

/// <summary>The page's files, embedded in the assembly (no CDN, nothing read from disk).</summary>
internal static class Page
{
    public static Stream Open(string name) =>
        typeof(Page).Assembly.GetManifestResourceStream($"C3dNet.Cli.Serve.wwwroot.{name}") ?? throw new FileNotFoundException($"embedded page file {name} is missing");
}
