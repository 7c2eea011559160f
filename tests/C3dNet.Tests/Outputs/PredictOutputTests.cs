using C3dNet.Tests.Datasets;
using C3dNet.Tests.Inference;
using C3dNet.Tests.Support;

namespace C3dNet.Tests.Outputs;

/// <summary>predict's annotated video (issue 11, items 3, 6 and 8): never over an input, never silently over a file, never incomplete.</summary>
[Collection("motion model")]
public class PredictOutputTests(MotionModelFixture motion)
{
    private static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");

    private static (int Code, string Text) Predict(params string[] args)
    {
        var (code, stdout, stderr) = CliRunner.Run(["predict", .. args, "--checkpoint", MotionModelFixture.CheckpointPath]);
        return (code, Flat(stdout + stderr));
    }

    [Fact]
    public void The_input_is_never_the_output_also_through_links_and_with_overwrite()
    {
        using var dir = new TempDir();
        string input = dir.File("in.avi");
        File.Copy(motion.HeldOut[0].Path, input);
        File.CreateSymbolicLink(dir.File("link.avi"), input);
        Assert.Equal(0, Link(input, dir.File("hard.avi")));
        var sweep = FileSweep.Of(dir.Path);

        foreach (var output in new[] { input, dir.File("link.avi"), dir.File("hard.avi") })
        {
            var (code, text) = Predict(input, "--out", output, "--overwrite");
            Assert.True(code == 1, text);
            Assert.Contains("is one of the inputs", text);
        }
        sweep.AssertNothingChanged();
        Assert.Empty(TempFiles.Under(dir.Path));
    }

    [Fact]
    public void An_existing_output_is_replaced_only_with_overwrite_and_a_folder_is_refused()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("out.avi"), "the user's file");
        var (code, text) = Predict(motion.HeldOut[0].Path, "--out", dir.File("out.avi"));
        Assert.True(code == 1, text);
        Assert.Contains("already exists; add --overwrite", text);
        Assert.Equal("the user's file", File.ReadAllText(dir.File("out.avi")));

        Directory.CreateDirectory(dir.File("folder.avi"));
        (code, text) = Predict(motion.HeldOut[0].Path, "--out", dir.File("folder.avi"));
        Assert.True(code == 1, text);
        Assert.Contains("is a folder", text);
        Assert.DoesNotContain(" at C3dNet", text);

        (code, text) = Predict(motion.HeldOut[0].Path, "--out", dir.File("out.avi"), "--overwrite");
        Assert.True(code == 0, text);
        using var frames = new DisposableList(TestVideos.ReadAll(dir.File("out.avi")));
        using var source = new DisposableList(TestVideos.ReadAll(motion.HeldOut[0].Path));
        Assert.Equal(source.Items.Count, frames.Items.Count);
    }

    [Fact]
    public void Out_dir_refuses_earlier_annotated_videos_and_gives_same_named_inputs_their_own_files()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("a"));
        Directory.CreateDirectory(dir.File("b"));
        File.Copy(motion.HeldOut[0].Path, dir.File("a/clip.avi"));
        File.Copy(motion.HeldOut[1].Path, dir.File("b/clip.avi"));
        var (code, text) = Predict(dir.File("a/clip.avi"), dir.File("b/clip.avi"), "--out-dir", dir.File("out"));
        Assert.True(code == 0, text);
        Assert.True(File.Exists(dir.File("out/clip.annotated.avi")) && File.Exists(dir.File("out/clip_2.annotated.avi")));

        var sweep = FileSweep.Of(dir.File("out"));
        (code, text) = Predict(dir.File("a/clip.avi"), "--out-dir", dir.File("out"));
        Assert.True(code == 1, text);
        Assert.Contains("clip.annotated.avi: already exists", text);
        sweep.AssertNothingChanged();
    }

    [RootFact]
    public void A_read_only_folder_exits_1_and_writes_nothing()
    {
        using var dir = new TempDir();
        using var ro = TestMount.ReadOnly(dir.Path);
        var (code, text) = Predict(motion.HeldOut[0].Path, "--out", ro.File("out.avi"));
        Assert.True(code == 1, text);
        Assert.Contains(ro.File("out.avi"), text);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [RootFact]
    public void A_full_disk_exits_1_at_the_first_failure_and_leaves_no_video_under_the_final_name()
    {
        using var disk = TestMount.SmallDisk(64 * 1024);
        var (code, text) = Predict(motion.HeldOut[7].Path, "--out", disk.File("out.avi"));
        Assert.True(code == 1, text);
        Assert.Contains(disk.File("out.avi"), text);
        Assert.Contains("no space left on the device", text);
        Assert.True(System.Text.RegularExpressions.Regex.Matches(text, "Failed to write frame").Count <= 2, text);
        Assert.DoesNotContain("annotated video:", text);
        Assert.Empty(Directory.GetFileSystemEntries(disk.Path));
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "link")]
    private static extern int Link(string existing, string newPath);
}

/// <summary>Disposes every item (decoded frames).</summary>
internal sealed class DisposableList(List<OpenCvSharp.Mat> items) : IDisposable
{
    public List<OpenCvSharp.Mat> Items => items;
    public void Dispose() { foreach (var m in items) m.Dispose(); }
}
