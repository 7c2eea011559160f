using System.Runtime.InteropServices;

namespace C3dNet.Cli.Commands;

/// <summary>
/// Ctrl-C (SIGINT) or SIGTERM cancels the token so the work stops cleanly between videos; a second Ctrl-C
/// terminates at once. (System.CommandLine 2.0.0 handles neither unless ProcessTerminationTimeout is set.)
/// </summary>
internal sealed class InterruptSignal : IDisposable
{
    private readonly CancellationTokenSource source;
    private readonly PosixSignalRegistration interrupt, terminate;

    public InterruptSignal(CancellationToken outer)
    {
        source = CancellationTokenSource.CreateLinkedTokenSource(outer);
        interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    public CancellationToken Token => source.Token;

    private void OnSignal(PosixSignalContext context)
    {
        if (source.IsCancellationRequested) return; // second signal: default action (terminate)
        context.Cancel = true;
        source.Cancel();
    }

    public void Dispose()
    {
        interrupt.Dispose();
        terminate.Dispose();
        source.Dispose();
    }
}
