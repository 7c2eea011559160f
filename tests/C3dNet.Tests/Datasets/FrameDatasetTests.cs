using C3dNet.Datasets;
using C3dNet.Tests.Support;

namespace C3dNet.Tests.Datasets;

public class FrameDatasetTests
{
    [Fact]
    public void Reference_unpadded_frame_names_are_ordered_by_number_not_as_text()
    {
        using var dir = new TempDir();
        // The reference writes '0000{i}.jpg': 00009.jpg, 000010.jpg, … which sort as text 00000, 00001, 000010, 000011, 00002 …
        for (int i = 0; i < 13; i++) File.WriteAllBytes(dir.File($"0000{i}.jpg"), [0]);
        File.WriteAllText(dir.File("notes.txt"), "not a frame");
        var frames = FrameFolder.List(dir.Path).Select(Path.GetFileName).ToList();
        Assert.Equal(Enumerable.Range(0, 13).Select(i => $"0000{i}.jpg"), frames);
    }

    [Fact]
    public void Padded_frame_names_are_ordered_in_time()
    {
        using var dir = new TempDir();
        foreach (int i in new[] { 10, 2, 1, 100, 33 }) File.WriteAllBytes(dir.File($"{i:D5}.jpg"), [0]);
        Assert.Equal(["00001.jpg", "00002.jpg", "00010.jpg", "00033.jpg", "00100.jpg"], FrameFolder.List(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void Classes_come_from_labels_txt_in_its_order_and_videos_carry_their_label()
    {
        using var dir = new TempDir();
        MotionFrames.Write(dir.Path, new MotionFrames.Options { Classes = 3, TrainPerClass = 2, ValPerClass = 1, TestPerClass = 0, Frames = 3 });
        var data = FrameDataset.Open(dir.Path);
        Assert.True(data.ClassNamesFromLabelFile);
        Assert.Equal(["MoveLeft", "MoveRight", "MoveUp"], data.ClassNames); // labels.txt order, not alphabetical
        var train = data.Videos("train");
        Assert.Equal(6, train.Count);
        Assert.Equal([0, 0, 1, 1, 2, 2], train.Select(v => v.Label));
        Assert.All(train, v => Assert.Equal(data.ClassNames[v.Label], v.ClassName));
        Assert.All(train, v => Assert.Equal(3, v.Frames.Count));
        Assert.Equal(4, data.FrameStep);
        Assert.False(data.FrameStepFromManifest);
        Assert.Equal(Path.GetFileName(dir.Path), data.Name);
    }

    [Fact]
    public void Without_labels_txt_classes_are_the_sorted_folder_names_of_all_splits()
    {
        using var dir = new TempDir();
        MotionFrames.Write(dir.Path, new MotionFrames.Options { Classes = 3, TrainPerClass = 1, ValPerClass = 0, TestPerClass = 0, Frames = 2, WriteLabels = false });
        // A class present only in the test split still gets its index.
        MotionFrames.WriteVideo(Path.Combine(dir.Path, "test", "Aaa", "v1"), "Grow", 2, new Random(1), new MotionFrames.Options());
        var data = FrameDataset.Open(dir.Path);
        Assert.False(data.ClassNamesFromLabelFile);
        Assert.Equal(["Aaa", "MoveLeft", "MoveRight", "MoveUp"], data.ClassNames);
        Assert.Equal(0, data.Videos("test").Single().Label);
    }

    [Fact]
    public void Frame_step_is_read_from_the_manifest()
    {
        using var dir = new TempDir();
        MotionFrames.Write(dir.Path, new MotionFrames.Options { Classes = 2, TrainPerClass = 1, ValPerClass = 0, TestPerClass = 0, Frames = 2 });
        File.WriteAllText(dir.File("manifest.json"), """{"options": {"frame_step": 2, "width": 171}, "videos": []}""");
        var data = FrameDataset.Open(dir.Path);
        Assert.Equal(2, data.FrameStep);
        Assert.True(data.FrameStepFromManifest);
    }

    [Fact]
    public void A_corrupt_manifest_is_an_error_naming_the_file_and_the_repair_not_a_silent_step_4()
    {
        using var dir = new TempDir();
        MotionFrames.Write(dir.Path, new MotionFrames.Options { Classes = 2, TrainPerClass = 1, ValPerClass = 0, TestPerClass = 0, Frames = 2 });
        File.WriteAllText(dir.File("manifest.json"), """{"options": {"frame_step": 2, "wid""");
        var e = Assert.Throws<InvalidDataException>(() => FrameDataset.Open(dir.Path));
        Assert.StartsWith($"{dir.File("manifest.json")}: is not valid JSON", e.Message);
        Assert.Contains("re-run `c3d preprocess` with --overwrite", e.Message);
        Assert.Contains("restore it", e.Message);
    }

    [Fact]
    public void Unusable_folders_are_reported_and_skipped_while_the_rest_loads()
    {
        using var dir = new TempDir();
        MotionFrames.Write(dir.Path, new MotionFrames.Options { Classes = 2, TrainPerClass = 2, ValPerClass = 0, TestPerClass = 0, Frames = 2 });
        Directory.CreateDirectory(Path.Combine(dir.Path, "train", "MoveLeft", "v_empty"));
        MotionFrames.WriteVideo(Path.Combine(dir.Path, "train", "Unlisted", "v1"), "Grow", 2, new Random(1), new MotionFrames.Options());
        var problems = new List<string>();
        var videos = FrameDataset.Open(dir.Path).Videos("train", problems);
        Assert.Equal(4, videos.Count);
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Contains("v_empty") && p.Contains("no frame images"));
        Assert.Contains(problems, p => p.Contains("Unlisted") && p.Contains("not listed in labels.txt"));
    }

    [Fact]
    public void A_folder_that_is_not_a_frame_dataset_is_refused_with_its_name()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<InvalidDataException>(() => FrameDataset.Open(dir.Path));
        Assert.Contains(dir.Path, e.Message);
        Assert.Contains("c3d preprocess", e.Message);
        Assert.Throws<DirectoryNotFoundException>(() => FrameDataset.Open(dir.File("missing")));
    }
}
