using C3dNet.Datasets;
using C3dNet.Inference;
using C3dNet.Runtime;
using C3dNet.Video;
using Microsoft.AspNetCore.Http;

namespace C3dNet.Cli.Serve;

/// <summary>
/// POST /v1/recognize: one uploaded video (multipart, field "video") in, the `c3d predict --json` document for it out,
/// with the upload's file name as "input". The upload is saved under a name the server makes and deleted when the
/// request ends, whatever happens; the client never names a server path. With <c>?thumbnails=1</c> the document also
/// has "thumbnails": one small JPEG per window (<see cref="WindowThumbnails"/>), for a browser that cannot play the file.
/// </summary>
internal sealed class RecognizeEndpoint(ActionRecognizer recognizer, ModelQueue queue, UploadFolder uploads, ServeOptions options, CancellationToken stopping)
{
    private long started;

    public async Task<IResult> Handle(HttpContext http)
    {
        var aborted = http.RequestAborted;
        if (!http.Request.HasFormContentType) return Problem(400, "send the video as multipart/form-data in a file field named \"video\"");
        if (http.Request.ContentLength > options.MaxUploadBytes + ServerApp.FormOverheadBytes) return TooLarge();
        IFormCollection form;
        try
        {
            form = await http.Request.ReadFormAsync(aborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge) { return TooLarge(); }
        catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)) { return TooLarge(); }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException) { return Problem(400, $"unreadable upload: {e.Message}"); }
        var file = form.Files.GetFile("video") ?? (form.Files.Count == 1 ? form.Files[0] : null);
        if (file is null) return Problem(400, "no video in the upload: send it in a multipart file field named \"video\"");
        string name = Path.GetFileName(file.FileName) is { Length: > 0 } n ? n : "upload";
        if (file.Length == 0) return Problem(400, $"{name}: the upload is empty");
        if (file.Length > options.MaxUploadBytes) return TooLarge();

        using var turn = await queue.EnterAsync(aborted);
        if (turn is null)
        {
            http.Response.Headers.RetryAfter = ServeOptions.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problem(503, $"busy: {options.QueueLength} requests are waiting for the model already; try again later");
        }
        string temp = uploads.NewFile(name);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(aborted, stopping);
        limit.CancelAfter(options.RequestTimeout);
        try
        {
            await using (var saved = File.Create(temp)) await file.CopyToAsync(saved, limit.Token);
            TestSeam.UnitDone("request", Interlocked.Increment(ref started), limit.Token);
            var result = await recognizer.RecognizeAsync(temp, null, limit.Token);
            var report = new PredictionReport([result.Report with { Input = name }], []);
            if (!WantsThumbnails(http.Request)) return Results.Json(report, ServerApp.Json);
            var thumbnails = await Task.Run(() => WindowThumbnails.Of(temp, result.Windows, recognizer.Decoder, limit.Token), limit.Token);
            return Results.Json(new RecognizeWithThumbnails(report.Inputs, report.Failed, thumbnails), ServerApp.Json);
        }
        // The reason names the upload by its own name: the server's temporary path says nothing to the client.
        catch (Exception e) when (e is VideoReadException or FrameReadException or InvalidDataException or OpenCvSharp.OpenCVException)
        {
            return Problem(400, e.Message.Replace(temp, name));
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            return stopping.IsCancellationRequested
                ? Problem(503, "the server is shutting down")
                : Problem(504, $"{name}: not finished within the request timeout of {options.RequestTimeout.TotalSeconds:0} s");
        }
        finally
        {
            UploadFolder.Delete(temp);
        }
    }

    private static bool WantsThumbnails(HttpRequest request) =>
        request.Query["thumbnails"].ToString() is "1" or "true";

    private IResult TooLarge() => Problem(413, $"the upload is larger than the limit of {options.MaxUploadBytes} bytes (--max-upload-mb)");

    public static IResult Problem(int status, string error) => Results.Json(new { error }, ServerApp.Json, statusCode: status);
}

/// <summary>The <c>c3d predict --json</c> document with the windows' thumbnails (<c>POST /v1/recognize?thumbnails=1</c>).</summary>
internal sealed record RecognizeWithThumbnails(
    [property: System.Text.Json.Serialization.JsonPropertyName("inputs")] IReadOnlyList<InputReport> Inputs,
    [property: System.Text.Json.Serialization.JsonPropertyName("failed")] IReadOnlyList<InputFailure> Failed,
    [property: System.Text.Json.Serialization.JsonPropertyName("thumbnails")] IReadOnlyList<WindowThumbnail> Thumbnails);
