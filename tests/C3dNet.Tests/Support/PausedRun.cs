using System.Diagnostics;
using System.Text;

namespace C3dNet.Tests.Support;

/// <summary>
/// The real c3d run with the library's test seam (C3dNet.Runtime.TestSeam): C3D_TEST_PAUSE_AFTER=UNIT:N makes it stop
/// after its N-th unit of work and wait to be interrupted, so a signal sent after <see cref="WaitUntilPaused"/> certainly
/// lands while the run is still working (no race with the end of the run).
/// </summary>
internal sealed class PausedRun : IDisposable
{
    private readonly Process process;
    private readonly StringBuilder stdout = new(), stderr = new();
    private readonly string flag = Path.Combine(Path.GetTempPath(), $"c3d-paused-{Guid.NewGuid():N}");

    public PausedRun(string pauseAfter, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "c3d.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["COLUMNS"] = "200";
        psi.Environment["C3D_TEST_PAUSE_AFTER"] = pauseAfter;
        psi.Environment["C3D_TEST_PAUSED_FILE"] = flag;
        process = Process.Start(psi)!;
        process.OutputDataReceived += (_, e) => { lock (stdout) stdout.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (stderr) stderr.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Stdout { get { lock (stdout) return stdout.ToString(); } }
    public string Stderr { get { lock (stderr) return stderr.ToString(); } }

    /// <summary>Waits until the run has paused at the seam (it cannot end by itself from then on).</summary>
    public void WaitUntilPaused() => WaitFor(() => File.Exists(flag), "the run to pause at the test seam");

    /// <summary>Waits until standard error holds <paramref name="text"/> (e.g. the notice that a signal was received).</summary>
    public void WaitForStderr(string text) => WaitFor(() => Stderr.Contains(text), $"'{text}' on stderr");

    private void WaitFor(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5); // a hang guard only: the run waits for us
        while (!condition())
        {
            if (process.HasExited && !condition())
                Assert.Fail($"the run ended (exit {process.ExitCode}) before {what}:\n{Stdout}\n{Stderr}");
            if (DateTime.UtcNow > deadline) Assert.Fail($"no {what} within 5 minutes:\n{Stdout}\n{Stderr}");
            Thread.Sleep(20);
        }
    }

    /// <summary>Sends a signal (INT, TERM, KILL) to the run.</summary>
    public void Signal(string name)
    {
        using var kill = Process.Start("kill", [$"-{name}", process.Id.ToString()])!;
        kill.WaitForExit();
    }

    public int WaitForExit()
    {
        if (!process.WaitForExit(TimeSpan.FromMinutes(5))) Assert.Fail($"the run did not end within 5 minutes:\n{Stdout}\n{Stderr}");
        process.WaitForExit(); // drains the redirected streams
        return process.ExitCode;
    }

    public void Dispose()
    {
        if (!process.HasExited) process.Kill(entireProcessTree: true);
        process.Dispose();
        File.Delete(flag);
    }
}
