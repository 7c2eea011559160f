using C3dNet.Datasets;
using C3dNet.Inference;
using C3dNet.Runtime;
using C3dNet.Tests.Support;

namespace C3dNet.Tests.Inference;

public class InputTests
{
    [Fact]
    public void Frame_folders_are_ordered_by_the_number_in_the_name()
    {
        using var dir = new TempDir();
        // The reference writes '0000{i}.jpg': 000010.jpg sorts before 00002.jpg as text.
        foreach (int i in new[] { 10, 2, 0, 1, 11, 9 }) File.WriteAllText(dir.File($"0000{i}.jpg"), "");
        File.WriteAllText(dir.File("notes.txt"), "");
        var names = FrameFolder.List(dir.Path).Select(Path.GetFileName);
        Assert.Equal(["00000.jpg", "00001.jpg", "00002.jpg", "00009.jpg", "000010.jpg", "000011.jpg"], names);
    }

    [Fact]
    public void Globs_expand_to_videos_and_frame_folders_and_say_what_is_missing()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("a/frames"));
        File.WriteAllText(dir.File("a/frames/00001.jpg"), "");
        Directory.CreateDirectory(dir.File("a/empty"));
        File.WriteAllText(dir.File("a/v1.avi"), "x");
        File.WriteAllText(dir.File("a/v2.avi"), "x");
        File.WriteAllText(dir.File("a/v3.mp4"), "x");
        Directory.CreateDirectory(dir.File("b/c"));
        File.WriteAllText(dir.File("b/c/v4.avi"), "x");

        var items = InputPaths.Expand([dir.File("a/*.avi"), dir.File("a/frames"), dir.File("**/*.avi"), dir.File("nope/*.avi"), dir.File("gone.avi"), dir.File("a/empty")]);
        Assert.Equal([dir.File("a/v1.avi"), dir.File("a/v2.avi")], items.Take(2).Select(i => i.Path));
        Assert.Equal((dir.File("a/frames"), InputKind.FrameFolder, (string?)null), (items[2].Path, items[2].Kind, items[2].Problem));
        // Each file once: the ** pattern adds only what the first pattern did not name.
        Assert.Equal(dir.File("b/c/v4.avi"), items[3].Path);
        Assert.Contains("no file or folder matches", items[4].Problem);
        Assert.Equal("file not found", items[5].Problem);
        Assert.Contains("no frame images", items[6].Problem);
        Assert.Equal(7, items.Count);
    }

    [Fact]
    public void A_double_star_glob_enters_each_folder_once_through_symbolic_link_loops()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("a/b"));
        File.WriteAllText(dir.File("a/v.avi"), "x");
        File.WriteAllText(dir.File("a/b/w.avi"), "x");
        Directory.CreateSymbolicLink(dir.File("a/b/up"), dir.File("a")); // a loop: a/b/up/b/up/…
        Directory.CreateSymbolicLink(dir.File("same"), dir.File("a")); // the same folder under another name
        File.CreateSymbolicLink(dir.File("a/also.avi"), dir.File("a/v.avi")); // the same file under another name

        foreach (var pattern in new[] { dir.File("**/*.avi"), dir.File("**") })
        {
            var items = InputPaths.Expand([pattern]);
            Assert.Equal(2, items.Count);
            Assert.Equal(["v.avi", "w.avi"], items.Select(i => RealPath.Of(i.Path)).Select(Path.GetFileName).Order());
        }
        Assert.Single(InputPaths.Expand([dir.File("a/v.avi"), dir.File("same/v.avi"), dir.File("a/also.avi")]));
    }

    [Fact]
    public void Output_names_stay_unique()
    {
        Assert.Equal(["v", "v_2", "w", "frames", "v_3"], OutputNames.Unique(["x/v.avi", "y/v.avi", "w.mp4", "z/frames/", "v.mkv"]));
        Assert.Equal(".mp4", OutputNames.AnnotatedExtension("a/b.MP4"));
        Assert.Equal(".avi", OutputNames.AnnotatedExtension("a/b.webm"));
    }
}
