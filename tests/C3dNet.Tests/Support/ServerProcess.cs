using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace C3dNet.Tests.Support;

/// <summary>
/// A real `c3d serve` child process on a free loopback port, with its own temporary folder (TMPDIR) so a test can see
/// the uploads it keeps. Disposing sends SIGTERM and waits for the exit.
/// </summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process process;
    private readonly Task<string> stdout, stderr;
    public TempDir Temp { get; } = new();
    public Uri Url { get; }
    public HttpClient Client { get; }

    public ServerProcess(string checkpoint, IReadOnlyDictionary<string, string>? environment = null, params string[] args)
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        Url = new Uri($"http://127.0.0.1:{port}/");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "c3d.dll"));
        foreach (var a in new[] { "serve", "--checkpoint", checkpoint, "--urls", Url.ToString().TrimEnd('/') }.Concat(args)) psi.ArgumentList.Add(a);
        psi.Environment["TMPDIR"] = Temp.Path;
        psi.Environment["COLUMNS"] = "200";
        foreach (var (k, v) in environment ?? new Dictionary<string, string>()) psi.Environment[k] = v;
        process = Process.Start(psi)!;
        stdout = process.StandardOutput.ReadToEndAsync();
        stderr = process.StandardError.ReadToEndAsync();
        Client = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromMinutes(5) };
        WaitUntilHealthy();
    }

    /// <summary>Polls /healthz until the server answers (it loads the model first) or the process ends.</summary>
    private void WaitUntilHealthy()
    {
        for (int i = 0; i < 1200; i++)
        {
            if (process.HasExited) throw new InvalidOperationException($"c3d serve exited with {process.ExitCode}: {stderr.Result}{stdout.Result}");
            try
            {
                if (Client.GetAsync("healthz").Result.IsSuccessStatusCode) return;
            }
            catch (AggregateException e) when (e.InnerException is HttpRequestException) { }
            Thread.Sleep(100);
        }
        throw new TimeoutException("c3d serve did not answer /healthz within 2 minutes");
    }

    /// <summary>Files left in the server's upload folders (c3d-serve-* under its TMPDIR).</summary>
    public IReadOnlyList<string> UploadFiles() =>
        Directory.EnumerateDirectories(Temp.Path, "c3d-serve-*").SelectMany(d => Directory.EnumerateFiles(d)).ToList();

    public IReadOnlyList<string> UploadFolders() => Directory.EnumerateDirectories(Temp.Path, "c3d-serve-*").ToList();

    /// <summary>SIGTERM, then the exit code and output.</summary>
    public (int ExitCode, string Stdout, string Stderr) Stop()
    {
        if (!process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", process.Id.ToString()]);
            kill.WaitForExit();
            if (!process.WaitForExit(60_000)) process.Kill(entireProcessTree: true);
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    public void Dispose()
    {
        Stop();
        Client.Dispose();
        process.Dispose();
        Temp.Dispose();
    }
}
