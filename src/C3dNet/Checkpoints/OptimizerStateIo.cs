using System.Collections;
using TorchSharp;
using TorchSharp.PyBridge;
using TorchSharp.Modules;

namespace C3dNet.Checkpoints;

/// <summary>
/// Moves an optimizer's state (momentum buffers, per-group lr, …) into and out of the PyTorch
/// <c>opt_dict</c> layout. It goes through PyBridge's own optimizer (de)serialisation, so the
/// layout is exactly what PyTorch's <c>optimizer.state_dict()</c> produces.
/// </summary>
internal static class OptimizerStateIo
{
    /// <summary>The optimizer's state as a PyTorch-layout dict (tensors are CPU copies).</summary>
    public static IDictionary Capture(OptimizerHelper optimizer)
    {
        using var buffer = new MemoryStream();
        // save_py makes a temporary tensor per state tensor and leaves it to the finalizer: dispose them here.
        using (torch.NewDisposeScope()) optimizer.save_py(buffer, leaveOpen: true);
        buffer.Position = 0;
        return TensorTree.Unpickle(() => PyTorchUnpickler.UnpickleStateDict(buffer));
    }

    /// <summary>Restores state captured here or written by PyTorch; parameter groups must match in number and size.</summary>
    public static void Restore(OptimizerHelper optimizer, IDictionary state, string sourceName)
    {
        using var buffer = new MemoryStream();
        PyTorchPickler.PickleStateDict(buffer, state, leaveOpen: true);
        buffer.Position = 0;
        try { optimizer.load_py(buffer); }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or KeyNotFoundException or NullReferenceException)
        {
            throw new CheckpointException(sourceName, $"its optimizer state (opt_dict) does not fit this optimizer: {e.Message}", e);
        }
    }
}
