using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using C3dNet.Cli.Ui;
using C3dNet.Tests.Inference;
using C3dNet.Tests.Support;

namespace C3dNet.Tests.Api;

/// <summary>One `c3d serve` (motion_narrow, --max-upload-mb 1) shared by the tests of <see cref="ServeTests"/>.</summary>
public sealed class ServerFixture : IDisposable
{
    internal ServerProcess Server { get; } = new(MotionModelFixture.CheckpointPath, null, "--max-upload-mb", "1", "--queue", "8", "--batch-size", "4");
    public void Dispose() => Server.Dispose();
}

/// <summary>The real server on loopback: the documents, the limits, concurrent requests, temporary files, shutdown.</summary>
[Collection("motion model")]
public class ServeTests(MotionModelFixture motion, ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private ServerProcess Server => fixture.Server;

    private static string Compact(string json) => JsonSerializer.Serialize(JsonDocument.Parse(json).RootElement);

    internal static MultipartFormDataContent Upload(string path, string? name = null)
    {
        var file = new ByteArrayContent(File.ReadAllBytes(path));
        file.Headers.ContentType = new MediaTypeHeaderValue("video/x-msvideo");
        return new MultipartFormDataContent { { file, "video", name ?? Path.GetFileName(path) } };
    }

    /// <summary>What the library gives for the same file, as the server names it (by the upload's name).</summary>
    private static string Expected(string path, int topK = 5)
    {
        using var recognizer = ActionRecognizer.Load(MotionModelFixture.CheckpointPath, new RecognizerOptions { TopK = topK });
        var result = recognizer.Recognize(path);
        return Compact(JsonSerializer.Serialize(new C3dNet.Inference.PredictionReport([result.Report with { Input = Path.GetFileName(path) }], []), ConsoleUi.Json));
    }

    [Fact]
    public async Task Recognize_returns_the_library_document_and_model_is_info_json()
    {
        var (path, cls) = motion.HeldOut[0];
        var response = await Server.Client.PostAsync("v1/recognize", Upload(path));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        JsonAssert.Equivalent(Expected(path), body);
        Assert.Equal(MotionVideo.ClassNames[cls], JsonDocument.Parse(body).RootElement.GetProperty("inputs")[0].GetProperty("video").GetProperty("top")[0].GetProperty("label").GetString());
        Assert.Empty(Server.UploadFiles());

        var (code, info, stderr) = CliRunner.Run("info", MotionModelFixture.CheckpointPath, "--json");
        Assert.True(code == 0, stderr);
        Assert.Equal(Compact(info), Compact(await Server.Client.GetStringAsync("v1/model")));
        Assert.Equal("ok", JsonDocument.Parse(await Server.Client.GetStringAsync("healthz")).RootElement.GetProperty("status").GetString());
        var openApi = JsonDocument.Parse(await Server.Client.GetStringAsync("openapi/v1.json")).RootElement;
        Assert.True(openApi.GetProperty("paths").TryGetProperty("/v1/recognize", out _));
        Assert.Contains("<svg id=\"timeline\"", await Server.Client.GetStringAsync(""));
    }

    [Fact]
    public async Task Thumbnails_when_asked_are_each_windows_middle_frame_as_a_small_jpeg()
    {
        var (path, _) = motion.HeldOut[5];
        var response = await Server.Client.PostAsync("v1/recognize?thumbnails=1", Upload(path));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var doc = JsonDocument.Parse(body).RootElement;
        var thumbnails = doc.GetProperty("thumbnails").EnumerateArray().ToList();
        // Without the thumbnails, the document is the library's.
        var withoutThumbnails = new Dictionary<string, JsonElement> { ["inputs"] = doc.GetProperty("inputs"), ["failed"] = doc.GetProperty("failed") };
        JsonAssert.Equivalent(Expected(path), JsonSerializer.Serialize(withoutThumbnails));
        var windows = doc.GetProperty("inputs")[0].GetProperty("windows").EnumerateArray().ToList();
        Assert.Equal(windows.Count, thumbnails.Count);

        var source = Decode(path); // the held-out videos are decoded here with OpenCV; the server may use FFmpeg (a few levels apart)
        for (int i = 0; i < windows.Count; i++)
        {
            int frame = (windows[i].GetProperty("start_frame").GetInt32() + windows[i].GetProperty("end_frame").GetInt32()) / 2;
            Assert.Equal(frame, thumbnails[i].GetProperty("frame").GetInt32());
            using var jpeg = OpenCvSharp.Cv2.ImDecode(Convert.FromBase64String(thumbnails[i].GetProperty("jpeg").GetString()!), OpenCvSharp.ImreadModes.Color);
            Assert.Equal(112, jpeg.Cols);
            Assert.Equal((int)Math.Round(source[frame].Rows * 112.0 / source[frame].Cols), jpeg.Rows);
            using var expected = source[frame].Resize(new OpenCvSharp.Size(jpeg.Cols, jpeg.Rows), 0, 0, OpenCvSharp.InterpolationFlags.Area);
            double meanDiff = OpenCvSharp.Cv2.Norm(expected, jpeg, OpenCvSharp.NormTypes.L1) / (jpeg.Total() * 3);
            Assert.True(meanDiff < 6, $"thumbnail {i} (frame {frame}) differs from the frame by {meanDiff:0.00} levels on average");
            // The moving square makes neighbouring frames differ: the thumbnail is that frame, not one next to it.
            if (frame + 4 < source.Count)
            {
                using var later = source[frame + 4].Resize(new OpenCvSharp.Size(jpeg.Cols, jpeg.Rows), 0, 0, OpenCvSharp.InterpolationFlags.Area);
                Assert.True(OpenCvSharp.Cv2.Norm(later, jpeg, OpenCvSharp.NormTypes.L1) / (jpeg.Total() * 3) > meanDiff, $"thumbnail {i} is closer to frame {frame + 4} than to {frame}");
            }
        }
        foreach (var m in source) m.Dispose();
        Assert.Empty(Server.UploadFiles());
    }

    private static List<OpenCvSharp.Mat> Decode(string path)
    {
        using var reader = C3dNet.Video.VideoReader.Open(path);
        return reader.Frames().Select(f => f.Frame).ToList();
    }

    [Fact]
    public async Task Bad_uploads_get_400_with_the_reason_and_large_ones_413()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("notes.avi"), "this is not a video");
        var notVideo = await Server.Client.PostAsync("v1/recognize", Upload(dir.File("notes.avi")));
        Assert.Equal(HttpStatusCode.BadRequest, notVideo.StatusCode);
        string reason = JsonDocument.Parse(await notVideo.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString()!;
        Assert.StartsWith("notes.avi: ", reason);
        Assert.DoesNotContain(Server.Temp.Path, reason); // the server's own paths are not shown

        var noFile = await Server.Client.PostAsync("v1/recognize", new MultipartFormDataContent { { new StringContent("x"), "comment" } });
        Assert.Equal(HttpStatusCode.BadRequest, noFile.StatusCode);
        Assert.Contains("no video in the upload", await noFile.Content.ReadAsStringAsync());
        var notForm = await Server.Client.PostAsync("v1/recognize", new StringContent("/etc/passwd")); // a path is just text: never opened
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, notForm.StatusCode);

        var big = new byte[1024 * 1024 + 1];
        new Random(5).NextBytes(big);
        File.WriteAllBytes(dir.File("big.avi"), big);
        var tooLarge = await Server.Client.PostAsync("v1/recognize", Upload(dir.File("big.avi")));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Empty(Server.UploadFiles());
    }

    [Fact]
    public async Task Concurrent_requests_each_get_their_own_document()
    {
        var paths = motion.HeldOut.Take(4).Select(h => h.Path).ToList();
        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            var r = await Server.Client.PostAsync("v1/recognize", Upload(paths[i % 4]));
            return (r.StatusCode, Body: await r.Content.ReadAsStringAsync());
        }));
        for (int i = 0; i < 6; i++)
        {
            Assert.True(responses[i].StatusCode == HttpStatusCode.OK, responses[i].Body);
            JsonAssert.Equivalent(Expected(paths[i % 4]), responses[i].Body);
        }
        Assert.Empty(Server.UploadFiles());
    }
}

/// <summary>A full queue and shutdown, each with a server of its own.</summary>
[Collection("motion model")]
public class ServeLimitTests(MotionModelFixture motion)
{
    [Fact]
    public async Task A_full_queue_gets_503_with_retry_after_while_a_request_holds_the_model()
    {
        using var flag = new TempDir();
        string paused = flag.File("paused");
        // The first request stops inside its turn at the model (the test seam) until it is cancelled: the model is busy for certain.
        using var server = new ServerProcess(MotionModelFixture.CheckpointPath,
            new Dictionary<string, string> { ["C3D_TEST_PAUSE_AFTER"] = "request:1", ["C3D_TEST_PAUSED_FILE"] = paused }, "--queue", "0");
        using var cancelFirst = new CancellationTokenSource();
        var first = server.Client.PostAsync("v1/recognize", ServeTests.Upload(motion.HeldOut[0].Path), cancelFirst.Token);
        while (!File.Exists(paused)) await Task.Delay(50);
        Assert.Single(server.UploadFiles()); // the held request's upload, saved under a server-made name

        var second = await server.Client.PostAsync("v1/recognize", ServeTests.Upload(motion.HeldOut[1].Path));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), second.Headers.RetryAfter?.Delta);
        Assert.Contains("busy", await second.Content.ReadAsStringAsync());

        cancelFirst.Cancel(); // the client goes away: the server cancels the held request and removes its upload
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        for (int i = 0; i < 600 && server.UploadFiles().Count > 0; i++) await Task.Delay(50);
        Assert.Empty(server.UploadFiles());
    }

    [Fact]
    public async Task Sigterm_answers_the_request_in_flight_with_503_then_stops_and_removes_its_uploads()
    {
        using var flag = new TempDir();
        string paused = flag.File("paused");
        // The request stops inside its turn at the model (the test seam) until the server cancels it: SIGTERM lands mid-request.
        var server = new ServerProcess(MotionModelFixture.CheckpointPath,
            new Dictionary<string, string> { ["C3D_TEST_PAUSE_AFTER"] = "request:1", ["C3D_TEST_PAUSED_FILE"] = paused });
        Assert.Single(server.UploadFolders());
        var inFlight = server.Client.PostAsync("v1/recognize", ServeTests.Upload(motion.HeldOut[0].Path));
        for (int i = 0; i < 2400 && !File.Exists(paused) && !inFlight.IsCompleted; i++) await Task.Delay(50);
        Assert.True(File.Exists(paused), "the request did not reach the model");
        Assert.Single(server.UploadFiles()); // its upload, saved under a server-made name

        var (code, stdout, stderr) = server.Stop();
        using var response = await inFlight; // answered, not dropped
        string body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("the server is shutting down", JsonDocument.Parse(body).RootElement.GetProperty("error").GetString());
        Assert.True(code == 0, stderr + stdout);
        Assert.Contains("server stopped", stdout + stderr);
        Assert.Empty(server.UploadFolders()); // the upload and its folder
        server.Dispose();
    }
}
