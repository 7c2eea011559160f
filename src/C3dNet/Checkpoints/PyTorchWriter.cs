using System.Collections;
using System.IO.Compression;
using System.Text;
using Razorvine.Pickle;
using TorchSharp;
using static TorchSharp.torch;

namespace C3dNet.Checkpoints;

/// <summary>
/// Writes a dict in torch.save's zip format, as PyTorch itself does: every record stored, none compressed.
/// PyBridge's writer deflates every tensor, which made a full-width C3D checkpoint with its AdamW state cost ~27 s of
/// CPU to write and ~7 s to read back, at every epoch; stored, the write is the copy of the bytes.
/// Values may be tensors (any device, dtype PyTorch has a storage for), dicts, lists, arrays (tuples), strings,
/// numbers, booleans and null. A tensor becomes torch._utils._rebuild_tensor_v2 over its own storage record.
/// </summary>
internal static class PyTorchWriter
{
    private const string Archive = "archive";

    static PyTorchWriter()
    {
        // Registrations are global in Razorvine.Pickle, so they are for this file's own types only.
        Pickler.registerCustomDeconstructor(typeof(TensorRecord), new TensorRecordDeconstructor());
        Pickler.registerCustomDeconstructor(typeof(EmptyOrderedDict), new EmptyOrderedDictDeconstructor());
        Pickler.registerCustomPickler(typeof(StorageType), new StorageTypePickler());
    }

    /// <summary>Writes <paramref name="dict"/> to <paramref name="stream"/> (left open).</summary>
    public static void Write(Stream stream, IDictionary dict)
    {
        using var scope = NewDisposeScope(); // the contiguous CPU copies made of other tensors
        using var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        using (var version = new StreamWriter(archive.CreateEntry($"{Archive}/version", CompressionLevel.NoCompression).Open()))
            version.Write("3\n");
        var pickler = new StoragePickler(archive);
        using var pickle = new MemoryStream();
        pickler.dump(Wrap(dict), pickle);
        using var data = archive.CreateEntry($"{Archive}/data.pkl", CompressionLevel.NoCompression).Open();
        pickle.Position = 0;
        pickle.CopyTo(data);
    }

    /// <summary>The same tree with every tensor replaced by a <see cref="TensorRecord"/>, which the pickler knows.</summary>
    private static object? Wrap(object? value) => value switch
    {
        Tensor t => new TensorRecord(t),
        IDictionary d => WrapDict(d),
        object[] tuple => tuple.Select(Wrap).ToArray(),
        IList list => new ArrayList(list.Cast<object?>().Select(Wrap).ToList()),
        _ => value,
    };

    private static Dictionary<object, object?> WrapDict(IDictionary d)
    {
        var result = new Dictionary<object, object?>();
        foreach (DictionaryEntry e in d) result[e.Key] = Wrap(e.Value);
        return result;
    }

    /// <summary>A tensor to pickle; <see cref="StorageRef"/> is its storage, written as a record of the archive.</summary>
    private sealed record TensorRecord(Tensor Tensor);
    private sealed record StorageRef(Tensor Tensor);
    private sealed record StorageType(string Name);
    private sealed class EmptyOrderedDict;

    /// <summary>Pickles a <see cref="StorageRef"/> as PyTorch's persistent id and writes its bytes as the next record.</summary>
    private sealed class StoragePickler(ZipArchive archive) : Pickler
    {
        private int records;

        protected override bool persistentId(object pid, out object? newpid)
        {
            if (pid is not StorageRef storage) { newpid = null; return false; }
            string key = (records++).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var entry = archive.CreateEntry($"{Archive}/data/{key}", CompressionLevel.NoCompression);
            using (var output = entry.Open())
                storage.Tensor.WriteBytesToStream(output);
            // ('storage', storage type, key, location, number of elements), as torch.save's persistent_id.
            newpid = new object[] { "storage", new StorageType(StorageName(storage.Tensor.dtype)), key, "cpu", storage.Tensor.NumberOfElements };
            return true;
        }
    }

    private static string StorageName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "FloatStorage",
        ScalarType.Float64 => "DoubleStorage",
        ScalarType.Float16 => "HalfStorage",
        ScalarType.BFloat16 => "BFloat16Storage",
        ScalarType.Int64 => "LongStorage",
        ScalarType.Int32 => "IntStorage",
        ScalarType.Int16 => "ShortStorage",
        ScalarType.Int8 => "CharStorage",
        ScalarType.Byte => "ByteStorage",
        ScalarType.Bool => "BoolStorage",
        _ => throw new NotSupportedException($"tensors of type {dtype} cannot be written to a PyTorch file"),
    };

    /// <summary>torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, backward_hooks).</summary>
    private sealed class TensorRecordDeconstructor : IObjectDeconstructor
    {
        public string get_module() => "torch._utils";
        public string get_name() => "_rebuild_tensor_v2";

        public object[] deconstruct(object obj)
        {
            var tensor = ((TensorRecord)obj).Tensor;
            // The record holds the elements in order, so the stride is the contiguous one whatever the tensor's layout.
            var cpu = tensor.device_type == DeviceType.CPU && tensor.is_contiguous() ? tensor : tensor.detach().cpu().contiguous();
            var shape = cpu.shape;
            var stride = new long[shape.Length];
            long step = 1;
            for (int i = shape.Length - 1; i >= 0; i--) { stride[i] = step; step *= Math.Max(1, shape[i]); }
            return [new StorageRef(cpu), 0L, shape.Select(d => (object)d).ToArray(), stride.Select(d => (object)d).ToArray(),
                tensor.requires_grad, new EmptyOrderedDict()];
        }
    }

    private sealed class EmptyOrderedDictDeconstructor : IObjectDeconstructor
    {
        public string get_module() => "collections";
        public string get_name() => "OrderedDict";
        public object[] deconstruct(object obj) => [Array.Empty<object>()];
    }

    /// <summary>A storage type is a global of the torch module (torch.FloatStorage), not an instance.</summary>
    private sealed class StorageTypePickler : IObjectPickler
    {
        public void pickle(object o, Stream outs, Pickler currentPickler)
        {
            outs.WriteByte(Opcodes.GLOBAL);
            var name = Encoding.ASCII.GetBytes($"torch\n{((StorageType)o).Name}\n");
            outs.Write(name, 0, name.Length);
        }
    }
}
