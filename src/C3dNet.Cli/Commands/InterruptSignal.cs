using System.Runtime.InteropServices;
using C3dNet.Cli.Ui;

namespace C3dNet.Cli.Commands;

/// <summary>
/// The one interrupt mechanism of every verb (<see cref="CommandRunner"/> creates it around the command): the first Ctrl-C
/// (SIGINT) or SIGTERM cancels the command's token and says what the command does before it stops; a second one terminates
/// the process at once (the signal's default action). A verb that cannot stop cleanly gives no <c>stopping</c> text, and
/// then the first signal terminates at once. (System.CommandLine's own handling is switched off in Program.cs.)
/// </summary>
internal sealed class InterruptSignal : IDisposable
{
    private readonly CancellationTokenSource source = new();
    private readonly string? stopping;
    private readonly PosixSignalRegistration? interrupt, terminate;
    private int signals;

    /// <param name="stopping">What the command does on the first signal, e.g. "finishing this batch and writing last.pth.tar".</param>
    public InterruptSignal(string? stopping)
    {
        this.stopping = stopping;
        if (stopping is null) return;
        interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    public CancellationToken Token => source.Token;

    private void OnSignal(PosixSignalContext context)
    {
        if (Interlocked.Increment(ref signals) > 1)
        {
            ConsoleUi.Warning("interrupted again: stopping at once");
            return; // not cancelled: the default action terminates the process
        }
        context.Cancel = true;
        ConsoleUi.Warning($"stopping: {stopping} (Ctrl-C again to stop at once)");
        source.Cancel();
    }

    public void Dispose()
    {
        interrupt?.Dispose();
        terminate?.Dispose();
        source.Dispose();
    }
}
