using System.Collections;
using System.Reflection;
using TorchSharp;
using TorchSharp.PyBridge;
using TorchSharp.Modules;

namespace C3dNet.Checkpoints;

/// <summary>
/// Moves an optimizer's state (momentum buffers, per-group lr, …) into and out of the PyTorch <c>opt_dict</c> layout,
/// the layout of PyTorch's <c>optimizer.state_dict()</c>: <c>param_groups</c> (options, with <c>params</c> indices) and
/// <c>state</c> (per parameter index). Restoring goes through PyBridge's <c>load_py</c>; capturing reads TorchSharp's
/// state objects with PyBridge's naming rules, without its detour through a deflated zip in memory (~15 s of CPU for a
/// full-width C3D's AdamW state, at every checkpoint).
/// </summary>
internal static class OptimizerStateIo
{
    /// <summary>The optimizer's state as a PyTorch-layout dict (tensors are CPU copies).</summary>
    public static IDictionary Capture(OptimizerHelper optimizer) => TensorTree.KeepOnlyResult(() => PyTorchLayout(optimizer));

    private static IDictionary PyTorchLayout(OptimizerHelper optimizer)
    {
        var sd = optimizer.state_dict();
        var groups = new ArrayList();
        for (int g = 0; g < sd.Options.Count; g++)
        {
            var group = PyTorchNamed(sd.Options[g]);
            group["params"] = new ArrayList(sd.StateIndexRef[g].Select(i => (object)i).ToList());
            groups.Add(group);
        }
        var state = new Dictionary<object, object?>();
        for (int i = 0; i < sd.State.Count; i++) state[i] = PyTorchNamed(sd.State[i]);
        return new Dictionary<object, object?> { ["param_groups"] = groups, ["state"] = state };
    }

    /// <summary>
    /// An options or state object's public fields and properties under PyTorch's names: lr, betas/etas/step_sizes as
    /// pairs, step as an int64 tensor (as PyTorch >= 1.12 keeps it), the base lr left out (its scheduler records it);
    /// tensors are detached CPU copies, so the training that goes on does not change them.
    /// </summary>
    private static Dictionary<object, object?> PyTorchNamed(object source)
    {
        var table = new Dictionary<object, object?>();
        void Pair(string key, int index, object? value)
        {
            if (table.GetValueOrDefault(key) is not object?[] pair) table[key] = pair = new object?[2];
            pair[index] = value;
        }
        var members = source.GetType().GetFields(BindingFlags.Instance | BindingFlags.Public).Select(f => (f.Name, f.GetValue(source)))
            .Concat(source.GetType().GetProperties(BindingFlags.Instance | BindingFlags.Public).Select(p => (p.Name, p.GetValue(source))));
        foreach (var (name, raw) in members)
        {
            object? value = raw is torch.Tensor t ? t.detach().cpu().clone() : raw;
            switch (name)
            {
                case "InitialLearningRate": break;
                case "LearningRate": table["lr"] = value; break;
                case "beta1" or "beta2": Pair("betas", name == "beta1" ? 0 : 1, value); break;
                case "etaminus" or "etaplus": Pair("etas", name == "etaminus" ? 0 : 1, value); break;
                case "min_step" or "max_step": Pair("step_sizes", name == "min_step" ? 0 : 1, value); break;
                case "step": table[name] = torch.tensor(Convert.ToInt64(value)); break;
                default: table[name] = value; break;
            }
        }
        return table;
    }

    /// <summary>Restores state captured here or written by PyTorch; parameter groups must match in number and size.</summary>
    public static void Restore(OptimizerHelper optimizer, IDictionary state, string sourceName)
    {
        using var buffer = new MemoryStream();
        PyTorchWriter.Write(buffer, state);
        buffer.Position = 0;
        try { optimizer.load_py(buffer); }
        catch (Exception e) when (e is ArgumentException or InvalidCastException or KeyNotFoundException or NullReferenceException)
        {
            throw new CheckpointException(sourceName, $"its optimizer state (opt_dict) does not fit this optimizer: {e.Message}", e);
        }
    }
}
