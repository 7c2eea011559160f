using C3dNet.Outputs;
using System.Collections;
using C3dNet.Runtime;
using TorchSharp.PyBridge;

namespace C3dNet.Checkpoints;

/// <summary>
/// Reads and writes files in PyTorch's zip serialization format (what torch.save writes since 1.6): reads through
/// TorchSharp.PyBridge, writes through <see cref="PyTorchWriter"/>. Writes are atomic: a temporary file is renamed into place.
/// </summary>
internal static class PyTorchFile
{
    /// <summary>Unpickles a torch.save'd dict. Throws <see cref="CheckpointException"/> naming the file and what is wrong.</summary>
    public static Hashtable ReadDict(string path)
    {
        if (Directory.Exists(path)) throw new CheckpointException(path, "is a folder, not a checkpoint file");
        if (!File.Exists(path)) throw new CheckpointException(path, "file not found");
        using var stream = OpenRead(path);
        var head = new byte[4];
        int n = stream.Read(head, 0, 4);
        stream.Position = 0;
        if (n == 0) throw new CheckpointException(path, "file is empty");
        bool isZip = n == 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4;
        if (!isZip)
        {
            if (head[0] == 0x80) // a pickle stream: torch.save before 1.6, or with _use_new_zipfile_serialization=False
                throw new CheckpointException(path,
                    "is in PyTorch's old (pre-1.6, non-zip) format, which cannot be read here; re-save it in PyTorch >= 1.6: torch.save(torch.load(path), path)");
            throw new CheckpointException(path, "is not a PyTorch file (expected a torch.save zip archive)");
        }
        object result;
        try { result = TensorTree.Unpickle(() => PyTorchUnpickler.UnpickleStateDict(stream)); }
        // PyBridge casts whatever torch.save stored to a dict: a bare tensor (torch.save(t, path)) fails here.
        catch (InvalidCastException e) when (e.Message.Contains("'Tensor'"))
        {
            throw new CheckpointException(path,
                "holds a single tensor, not a state_dict or checkpoint dict (save weights with torch.save(model.state_dict(), path))", e);
        }
        catch (InvalidCastException e)
        {
            throw new CheckpointException(path, "does not hold a dict (expected a state_dict or a checkpoint dict)", e);
        }
        // The zip reader's own texts ("End of Central Directory record could not be found") mean the archive is cut short.
        catch (InvalidDataException e)
        {
            throw new CheckpointException(path,
                "is truncated or not a PyTorch file: its zip archive is incomplete (a copy or download that stopped early, or a write that was killed)", e);
        }
        catch (Exception e) { throw new CheckpointException(path, $"is damaged or not a PyTorch file: its zip archive could not be unpickled ({e.Message})", e); }
        return result as Hashtable ?? throw new CheckpointException(path, "does not hold a dict (expected a state_dict or a checkpoint dict)");
    }

    /// <summary>Pickles a dict so that torch.load reads it; the file appears whole or not at all.</summary>
    public static void WriteDict(string path, IDictionary dict)
    {
        string full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        AtomicFile.Write(full, temp =>
        {
            using var stream = File.Create(temp);
            PyTorchWriter.Write(stream, dict);
            stream.Flush(flushToDisk: true);
        });
    }

    private static FileStream OpenRead(string path)
    {
        try { return File.OpenRead(path); }
        catch (UnauthorizedAccessException e) { throw new CheckpointException(path, "cannot be read (permission denied)", e); }
        catch (IOException e) { throw new CheckpointException(path, $"cannot be read: {e.Message}", e); }
    }
}
