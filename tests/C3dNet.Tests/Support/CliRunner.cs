using System.Diagnostics;

namespace C3dNet.Tests.Support;

/// <summary>Runs the real c3d program (c3d.dll, copied next to the tests) as a child process.</summary>
internal static class CliRunner
{
    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] args) => RunIn(null, args);

    public static (int ExitCode, string Stdout, string Stderr) RunIn(string? workingDir, params string[] args) => RunWith(workingDir, null, args);

    /// <summary>Runs with extra environment variables (e.g. C3D_AV_SHIM to hide the FFmpeg shim).</summary>
    public static (int ExitCode, string Stdout, string Stderr) RunWith(string? workingDir, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "c3d.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        if (workingDir is not null) psi.WorkingDirectory = workingDir;
        psi.Environment["COLUMNS"] = "200"; // keep Spectre from wrapping messages the tests read
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) psi.Environment[name] = value;
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, stdout, stderr.Result);
    }
}
