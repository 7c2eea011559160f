using C3dNet.Outputs;
using C3dNet.Runtime;
using C3dNet.Tests.Support;

namespace C3dNet.Tests.Outputs;

public class FileIdentityTests
{
    [Fact]
    public void Links_of_every_kind_name_the_same_file_and_text_comparison_would_not_see_it()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("video.avi"), "x");
        File.CreateSymbolicLink(dir.File("link.avi"), dir.File("video.avi"));
        Directory.CreateSymbolicLink(dir.File("folder-link"), dir.Path);
        Assert.Equal(0, Link(dir.File("video.avi"), dir.File("hard.avi")));
        File.WriteAllText(dir.File("other.avi"), "x");

        Assert.True(FileIdentity.Same(dir.File("video.avi"), dir.File("link.avi")));
        Assert.True(FileIdentity.Same(dir.File("video.avi"), dir.File("hard.avi")));
        Assert.True(FileIdentity.Same(dir.File("video.avi"), Path.Combine(dir.File("folder-link"), "video.avi"))); // a link above the file
        Assert.False(FileIdentity.Same(dir.File("video.avi"), dir.File("other.avi"))); // same content is not the same file
    }

    [Fact]
    public void A_folder_reached_through_a_link_at_any_level_is_within_in_both_directions()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("DS/train/Walk"));
        Directory.CreateSymbolicLink(dir.File("LINK"), dir.File("DS"));
        Directory.CreateSymbolicLink(dir.File("TRAINLINK"), dir.File("DS/train"));

        Assert.True(FileIdentity.IsWithin(dir.File("DS/train"), dir.File("LINK")));     // input inside the output
        Assert.True(FileIdentity.IsWithin(dir.File("LINK/new-out"), dir.File("DS")));   // a new output inside the input
        Assert.True(FileIdentity.IsWithin(dir.File("TRAINLINK/Walk"), dir.File("DS/train")));
        Assert.True(FileIdentity.IsWithin(dir.File("TRAINLINK"), dir.File("DS")));         // the link's own parent is not its target's
        Assert.False(FileIdentity.IsWithin(dir.File("DS"), dir.File("DS/train")));
        Assert.False(FileIdentity.IsWithin(dir.File("DS-out"), dir.File("DS"))); // a prefix in text is not a parent
    }

    [RootFact]
    public void A_bind_mount_of_the_input_is_seen_through()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("DS/train"));
        using var bind = TestMount.Bind(dir.File("DS"));
        Assert.True(FileIdentity.IsWithin(bind.File("train"), dir.File("DS")));
        var refused = Assert.Throws<OutputException>(() => OutputPolicy.CheckFolder(bind.Path, [dir.File("DS/train")]));
        Assert.Contains("must not contain each other", refused.Message);
    }

    [Fact]
    public void The_policy_refuses_an_input_even_with_overwrite_an_existing_file_without_it_and_a_folder_as_a_file()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("in.avi"), "video");
        File.CreateSymbolicLink(dir.File("link.avi"), dir.File("in.avi"));
        File.WriteAllText(dir.File("old.avi"), "old");

        Assert.Contains("is one of the inputs", Assert.Throws<OutputException>(() => OutputPolicy.CheckFile(dir.File("link.avi"), true, [dir.File("in.avi")])).Message);
        Assert.Contains("--overwrite", Assert.Throws<OutputException>(() => OutputPolicy.CheckFile(dir.File("old.avi"), false, [dir.File("in.avi")])).Message);
        Assert.Contains("is a folder", Assert.Throws<OutputException>(() => OutputPolicy.CheckFile(dir.Path, true, [])).Message);
        Assert.Contains("is a file", Assert.Throws<OutputException>(() => OutputPolicy.CheckFolder(dir.File("old.avi"), [])).Message);
        OutputPolicy.CheckFile(dir.File("old.avi"), true, [dir.File("in.avi")]); // asked for: allowed
        OutputPolicy.CheckFile(dir.File("new.avi"), false, [dir.File("in.avi")]);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "link")]
    private static extern int Link(string existing, string newPath);
}
