using System.Collections;
using C3dNet.Checkpoints;
using static TorchSharp.torch;

namespace C3dNet.Tests.Support;

/// <summary>Paths to the PyTorch-made fixtures (see Fixtures/make_fixtures.py) and a temp folder helper.</summary>
internal static class Fixtures
{
    public static string Dir => Path.Combine(AppContext.BaseDirectory, "Fixtures");
    public static string Path_(string name) => Path.Combine(Dir, name);
    public static string ReferenceCheckpoint => Path_("ref_narrow.pth.tar");
    public static string ReferenceIo => Path_("ref_narrow_io.pth");
    public static string PretrainedNarrow => Path_("pretrained_narrow.pth");
    public static string LegacyFormat => Path_("legacy_format.pth");
    /// <summary>torch.save of a bare tensor (make_error_fixtures.py).</summary>
    public static string BareTensor => Path_("bare_tensor.pth");

    /// <summary>Tensors the reference PyTorch model saw and produced: input, logits, fc6, fc7.</summary>
    public static Dictionary<string, Tensor> ReferenceOutputs()
    {
        Hashtable h = PyTorchFile.ReadDict(ReferenceIo);
        return h.Keys.Cast<string>().ToDictionary(k => k, k => (Tensor)h[k]!);
    }
}

/// <summary>A fresh temporary folder, deleted on dispose.</summary>
internal sealed class TempDir : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("c3d-test-").FullName;
    public string File(string name) => System.IO.Path.Combine(Path, name);
    public void Dispose() { try { Directory.Delete(Path, recursive: true); } catch (IOException) { } }
}
