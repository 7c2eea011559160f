using System.Collections;
using System.IO.Compression;
using C3dNet.Checkpoints;
using C3dNet.Models;
using C3dNet.Tests.Support;
using C3dNet.Training;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace C3dNet.Tests.Checkpoints;

/// <summary>Our torch.save-format writer (stored records) and the optimizer state read without PyBridge's zip detour.</summary>
public class PyTorchWriterTests
{
    [Fact]
    public void A_written_dict_reads_back_equal_with_every_record_stored_uncompressed()
    {
        using var dir = new TempDir();
        string path = dir.File("x.pth");
        var transposed = arange(12, ScalarType.Float32).reshape(3, 4).t(); // not contiguous
        var dict = new Dictionary<string, object?>
        {
            ["weights"] = new Dictionary<string, object?> { ["w"] = transposed, ["b"] = tensor(new[] { 1.5, -2.0 }), ["h"] = ones(2, 3).to(ScalarType.BFloat16) },
            ["step"] = tensor(7L),
            ["mask"] = tensor(new[] { true, false, true }),
            ["names"] = new ArrayList { "a", "b" },
            ["pair"] = new object?[] { 0.9, 0.999 },
            ["epoch"] = 3, ["lr"] = 1e-3, ["flag"] = false, ["none"] = null,
        };
        PyTorchFile.WriteDict(path, dict);

        using (var zip = ZipFile.OpenRead(path))
        {
            Assert.Contains(zip.Entries, e => e.FullName.EndsWith("/data.pkl"));
            Assert.Equal(5, zip.Entries.Count(e => e.FullName.Contains("/data/")));
            Assert.All(zip.Entries, e => Assert.Equal(e.Length, e.CompressedLength));
        }
        var back = PyTorchFile.ReadDict(path);
        var w = (IDictionary)back["weights"]!;
        Assert.True(((Tensor)w["w"]!).equal(transposed).all().item<bool>());
        Assert.Equal(new long[] { 4, 3 }, ((Tensor)w["w"]!).shape);
        Assert.Equal(new[] { 1.5, -2.0 }, ((Tensor)w["b"]!).data<double>().ToArray());
        Assert.Equal(ScalarType.BFloat16, ((Tensor)w["h"]!).dtype);
        Assert.Equal(7L, ((Tensor)back["step"]!).item<long>());
        Assert.Equal(new[] { true, false, true }, ((Tensor)back["mask"]!).data<bool>().ToArray());
        Assert.Equal(new object[] { "a", "b" }, ((IEnumerable)back["names"]!).Cast<object>().ToArray());
        Assert.Equal(new object[] { 0.9, 0.999 }, (object[])back["pair"]!);
        Assert.Equal((3, 1e-3, false), (Convert.ToInt32(back["epoch"]), (double)back["lr"]!, (bool)back["flag"]!));
        Assert.Null(back["none"]);
    }

    [Theory]
    [InlineData("sgd")]
    [InlineData("adamw")]
    public void Captured_optimizer_state_is_the_layout_PyBridge_writes_for_PyTorch(string optimizer)
    {
        using var model = new C3D(new C3dConfig { NumClasses = 3, WidthMultiplier = 0.125, CropSize = 32 });
        var config = new TrainConfig { Data = "unused", Optimizer = optimizer, Lr = 0.01, Momentum = 0.9, WeightDecay = 1e-3, HeadLrMultiplier = 10 };
        var opt = OptimizerFactory.Create(model, config);
        manual_seed(1);
        using (NewDisposeScope())
        {
            model.Logits(randn([2, 3, 16, 32, 32])).sum().backward();
            opt.step();
        }
        var ours = OptimizerStateIo.Capture(opt);
        using var buffer = new MemoryStream();
        opt.save_py(buffer, leaveOpen: true); // PyBridge: the layout PyTorch's optimizer.state_dict() has
        buffer.Position = 0;
        var theirs = PyTorchUnpickler.UnpickleStateDict(buffer);
        AssertSameTree(theirs, ours, "opt_dict");
    }

    private static void AssertSameTree(object? expected, object? actual, string at)
    {
        switch (expected)
        {
            case Tensor e:
                var a = Assert.IsAssignableFrom<Tensor>(actual);
                Assert.True(e.shape.SequenceEqual(a.shape) && e.dtype == a.dtype && e.equal(a).all().item<bool>(), $"{at}: tensors differ");
                break;
            case IDictionary e:
                var ad = Assert.IsAssignableFrom<IDictionary>(actual);
                var keys = e.Keys.Cast<object>().Select(k => k.ToString()).Order().ToList();
                Assert.Equal(keys, ad.Keys.Cast<object>().Select(k => k.ToString()).Order().ToList());
                foreach (DictionaryEntry entry in e)
                    AssertSameTree(entry.Value, ad.Keys.Cast<object>().Where(k => k.ToString() == entry.Key.ToString()).Select(k => ad[k]).Single(), $"{at}.{entry.Key}");
                break;
            case IEnumerable e when expected is not string:
                var el = e.Cast<object?>().ToList();
                var al = Assert.IsAssignableFrom<IEnumerable>(actual).Cast<object?>().ToList();
                Assert.Equal(el.Count, al.Count);
                for (int i = 0; i < el.Count; i++) AssertSameTree(el[i], al[i], $"{at}[{i}]");
                break;
            case null: Assert.Null(actual); break;
            case bool or string: Assert.Equal(expected, actual); break;
            default: Assert.Equal(Convert.ToDouble(expected), Convert.ToDouble(actual)); break;
        }
    }
}
