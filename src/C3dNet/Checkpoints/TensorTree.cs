using System.Collections;
using static TorchSharp.torch;

namespace C3dNet.Checkpoints;

/// <summary>Walks the tensors inside unpickled values (dicts, lists, tensors).</summary>
internal static class TensorTree
{
    /// <summary>
    /// Unpickles inside a dispose scope and keeps only the tensors the result holds. PyBridge builds each tensor as a
    /// view of a temporary base tensor and never disposes the base, which then keeps its storage alive until the
    /// finalizer runs; the scope disposes those bases at once (the views keep the storage they need).
    /// </summary>
    public static T Unpickle<T>(Func<T> unpickle) where T : class => KeepOnlyResult(unpickle);

    /// <summary>Runs <paramref name="make"/> inside a dispose scope that disposes every tensor it made except those the result holds.</summary>
    public static T KeepOnlyResult<T>(Func<T> make) where T : class
    {
        using var scope = NewDisposeScope();
        var result = make();
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        MoveOut(result, seen);
        return result;
    }

    private static void MoveOut(object? value, HashSet<Tensor> seen)
    {
        switch (value)
        {
            case Tensor t: if (seen.Add(t)) t.MoveToOuterDisposeScope(); break;
            case IDictionary d: foreach (var v in d.Values) MoveOut(v, seen); break;
            case IEnumerable e and not string: foreach (var v in e) MoveOut(v, seen); break;
        }
    }
}
