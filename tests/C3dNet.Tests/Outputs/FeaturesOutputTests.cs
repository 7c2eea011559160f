using System.Text.Json;
using C3dNet.Inference;
using C3dNet.Tests.Inference;
using C3dNet.Tests.Support;

namespace C3dNet.Tests.Outputs;

/// <summary>features' .npy files and index.json (issue 11, items 5 and 6).</summary>
[Collection("motion model")]
public class FeaturesOutputTests(MotionModelFixture motion)
{
    private static (int Code, string Text) Features(params string[] args)
    {
        var (code, stdout, stderr) = CliRunner.Run(["features", .. args, "--checkpoint", MotionModelFixture.CheckpointPath]);
        return (code, System.Text.RegularExpressions.Regex.Replace(stdout + stderr, @"\s+", " "));
    }

    [Fact]
    public void Earlier_results_are_replaced_only_with_overwrite_and_same_named_inputs_do_not_collide()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("a"));
        Directory.CreateDirectory(dir.File("b"));
        File.Copy(motion.HeldOut[0].Path, dir.File("a/clip.avi"));
        File.Copy(motion.HeldOut[1].Path, dir.File("b/clip.avi"));
        var (code, text) = Features(dir.File("a/clip.avi"), dir.File("b/clip.avi"), "--out", dir.File("out"));
        Assert.True(code == 0, text);
        var index = JsonDocument.Parse(File.ReadAllText(dir.File("out/index.json"))).RootElement.GetProperty("inputs").EnumerateArray()
            .Select(e => (e.GetProperty("input").GetString(), e.GetProperty("clips_file").GetString())).ToList();
        Assert.Equal([(dir.File("a/clip.avi"), "clip_fc6.npy"), (dir.File("b/clip.avi"), "clip_2_fc6.npy")], index);
        var (a, _) = NpyFile.ReadFloat32(dir.File("out/clip_fc6.npy"));
        var (b, _) = NpyFile.ReadFloat32(dir.File("out/clip_2_fc6.npy"));
        Assert.NotEqual(a, b); // two videos, two arrays: neither replaced the other

        var sweep = FileSweep.Of(dir.File("out"));
        (code, text) = Features(dir.File("b/clip.avi"), "--out", dir.File("out")); // other results, same folder
        Assert.True(code == 1, text);
        Assert.Contains("already exists; add --overwrite", text);
        sweep.AssertNothingChanged();

        (code, text) = Features(dir.File("b/clip.avi"), "--out", dir.File("out"), "--overwrite");
        Assert.True(code == 0, text);
        Assert.Equal(b, NpyFile.ReadFloat32(dir.File("out/clip_fc6.npy")).Data);
        Assert.True(File.Exists(dir.File("out/clip_2_fc6.npy"))); // not this run's file: kept
    }

    [Fact]
    public void An_out_that_is_a_file_is_refused_without_a_stack_trace()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("notes.txt"), "mine");
        var (code, text) = Features(motion.HeldOut[0].Path, "--out", dir.File("notes.txt"));
        Assert.True(code == 1, text);
        Assert.Contains("is a file; --out takes a folder", text);
        Assert.DoesNotContain(" at C3dNet", text);
        Assert.Equal("mine", File.ReadAllText(dir.File("notes.txt")));
    }

    [RootFact]
    public void A_full_disk_stops_the_run_with_exit_1_and_leaves_only_complete_files()
    {
        using var disk = TestMount.SmallDisk(16 * 1024);
        var (code, text) = Features([.. motion.HeldOut.Select(h => h.Path), "--out", disk.File("out")]);
        Assert.True(code == 1, text);
        Assert.Contains("No space left on device", text);
        Assert.DoesNotContain(" at C3dNet", text);
        Assert.Empty(TempFiles.Under(disk.Path));
        foreach (var npy in Directory.GetFiles(disk.File("out"), "*.npy"))
        {
            var (data, shape) = NpyFile.ReadFloat32(npy);
            Assert.Equal(shape.Aggregate(1, (x, y) => x * y), data.Length);
            Assert.NotEmpty(data);
        }
        if (File.Exists(disk.File("out/index.json"))) JsonDocument.Parse(File.ReadAllText(disk.File("out/index.json")));
    }
}
