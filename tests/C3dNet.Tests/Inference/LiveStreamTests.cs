using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using C3dNet.Tests.Support;
using C3dNet.Tests.Video;
using Xunit.Abstractions;

namespace C3dNet.Tests.Inference;

/// <summary>`predict --live` on MPEG-TS network streams served on loopback by Debian's ffmpeg, read through the system's FFmpeg.</summary>
[Collection("motion model")]
public class LiveStreamTests(ITestOutputHelper output)
{
    private const int Frames = 96;
    /// <summary>Guards against a hung child process; never reached when things work.</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    private static string Flat(string text) => Regex.Replace(text, @"\s+", " ");

    private static string Source(TempDir dir) => MotionVideo.Random(1, new Random(5)).Write(dir.File("source.avi"), Frames);

    /// <summary>ffmpeg sending <paramref name="source"/> at its frame rate (-re) as MPEG-TS H.264 with a key frame every 8 frames.</summary>
    private static Process Serve(string source, params string[] output)
    {
        var psi = new ProcessStartInfo(CodecVideos.FfmpegProgram) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { "-nostdin", "-hide_banner", "-loglevel", "error", "-re", "-i", source, "-c:v", "libx264", "-preset", "veryfast",
                     "-g", "8", "-f", "mpegts" }.Concat(output))
            psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    private static int FreePort(SocketType type)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, type, type == SocketType.Stream ? ProtocolType.Tcp : ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)socket.LocalEndPoint!).Port;
    }

    /// <summary>Waits until a socket on <paramref name="port"/> appears in /proc/net/tcp (listening) or /proc/net/udp (bound).</summary>
    private static void WaitForSocket(string table, int port, Process owner)
    {
        string hexPort = ":" + port.ToString("X4", CultureInfo.InvariantCulture);
        var clock = Stopwatch.StartNew();
        while (!File.ReadLines(table).Skip(1).Any(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is var f
                   && f[1].EndsWith(hexPort, StringComparison.Ordinal) && (table.EndsWith("udp") || f[3] == "0A")))
        {
            if (owner.HasExited) Assert.Fail($"the process exited before opening port {port}: {owner.StandardError.ReadToEnd()}");
            Assert.True(clock.Elapsed < Deadline, $"nothing opened port {port}");
            Thread.Sleep(50);
        }
    }

    [FfmpegFact]
    public void Predict_live_reads_an_HTTP_MPEG_TS_stream_until_it_ends()
    {
        using var dir = new TempDir();
        int port = FreePort(SocketType.Stream);
        string url = $"http://127.0.0.1:{port}/live.ts";
        using var server = Serve(Source(dir), "-listen", "1", url);
        WaitForSocket("/proc/net/tcp", port, server);
        var (code, stdout, stderr) = CliRunner.Run("predict", "--live", url, "--checkpoint", MotionModelFixture.CheckpointPath, "--stride", "4");
        server.WaitForExit((int)Deadline.TotalMilliseconds);
        output.WriteLine(stdout + stderr);
        Assert.True(code == 0, stdout + stderr);
        Assert.Contains($"stream ended after {Frames} frames", Flat(stdout));
        Assert.Matches(@"\d+\.\d\d s: \w+ \(", stdout); // label changes with times from the stream
    }

    [FfmpegFact]
    public async Task Predict_live_reads_a_UDP_MPEG_TS_stream_and_stops_when_it_falls_silent()
    {
        using var dir = new TempDir();
        string source = Source(dir);
        int port = FreePort(SocketType.Dgram);
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "c3d.dll"), "predict", "--live", $"udp://127.0.0.1:{port}",
                     "--checkpoint", MotionModelFixture.CheckpointPath, "--stride", "4" })
            psi.ArgumentList.Add(a);
        psi.Environment["COLUMNS"] = "200";
        using var predict = Process.Start(psi)!;
        var stdout = predict.StandardOutput.ReadToEndAsync();
        WaitForSocket("/proc/net/udp", port, predict); // listening before anything is sent
        using (var sender = Serve(source, $"udp://127.0.0.1:{port}?pkt_size=1316")) sender.WaitForExit((int)Deadline.TotalMilliseconds);
        Assert.True(predict.WaitForExit((int)Deadline.TotalMilliseconds), "predict --live did not stop after the stream fell silent");
        string text = await stdout + await predict.StandardError.ReadToEndAsync();
        output.WriteLine(text);
        Assert.True(predict.ExitCode == 0, text);
        var ended = Regex.Match(Flat(text), @"stream ended after (\d+) frames");
        Assert.True(ended.Success, text);
        Assert.InRange(int.Parse(ended.Groups[1].Value), 48, Frames); // UDP may lose the first packets, never add frames
        Assert.Matches(@"\d+\.\d\d s: \w+ \(", text);
    }

    [Fact]
    public void A_stream_that_cannot_be_reached_is_a_clear_error_naming_the_URL()
    {
        string url = $"http://127.0.0.1:{FreePort(SocketType.Stream)}/nothing.ts";
        var (code, stdout, stderr) = CliRunner.Run("predict", "--live", url, "--checkpoint", MotionModelFixture.CheckpointPath);
        Assert.Equal(1, code);
        Assert.Contains($"{url}: the stream cannot be opened (cannot be opened: Connection refused)", Flat(stdout + stderr));
        Assert.DoesNotContain("   at ", stdout + stderr);
    }
}
