using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using C3dNet.Tests.Support;

namespace C3dNet.Tests.LinearProbe;

/// <summary>`c3d linear` on bad inputs: a clear message naming the file, and the exit code policy (1 failed, 2 some inputs left out).</summary>
public class LinearCommandErrorTests
{
    private static string Flat(string text) => Regex.Replace(text, @"\s+", " ");

    private static (int Code, string Output, string Stdout) Linear(TempDir dir, params string[] args)
    {
        var (code, stdout, stderr) = CliRunner.Run(["linear", .. args, "--out", dir.File("probe.pth"), "--c", "1"]);
        return (code, Flat(stdout + stderr), stdout);
    }

    [Fact]
    public void A_features_folder_without_index_json_is_refused_by_name()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("empty"));
        var r = Linear(dir, "--features", dir.File("empty"), "--data", LinearFixtures.WritePreprocessOutput(dir.File("frames")));
        Assert.Equal(1, r.Code);
        Assert.Contains($"{dir.File("empty")}/index.json: not found", r.Output);
        Assert.False(File.Exists(dir.File("probe.pth")));
    }

    [Theory]
    [InlineData("fc7", 12)]
    [InlineData("fc6", 16)]
    public void Folders_of_another_layer_or_width_than_the_first_are_refused_naming_the_index(string layer, int width)
    {
        using var dir = new TempDir();
        var first = LinearFixtures.WriteVideoFeatures(dir.File("a"), v => v.Split == "test");
        var second = LinearFixtures.WriteVideoFeatures(dir.File("b"), v => v.Split != "test", layer, width);
        var r = Linear(dir, "--features", first, second, "--data", LinearFixtures.WritePreprocessOutput(dir.File("frames")));
        Assert.Equal(1, r.Code);
        Assert.Contains($"{second}/index.json: {layer} features {width} wide, but {first}/index.json holds fc6 features 12 wide", r.Output);
    }

    [Fact]
    public void A_vector_file_of_another_width_is_refused_by_name()
    {
        using var dir = new TempDir();
        var features = LinearFixtures.WriteVideoFeatures(dir.File("f"));
        string bad = Path.Combine(features, "v_Run_g02_c01_fc6_video.npy");
        C3dNet.Inference.NpyFile.WriteFloat32(bad, new float[7], 7);
        var r = Linear(dir, "--features", features, "--data", LinearFixtures.WritePreprocessOutput(dir.File("frames")));
        Assert.Equal(1, r.Code);
        Assert.Contains($"{bad}: shape (7), expected (12,)", r.Output);
    }

    [Fact]
    public void Split_videos_without_features_are_listed_left_out_and_exit_2()
    {
        using var dir = new TempDir();
        var features = LinearFixtures.WriteVideoFeatures(dir.File("f"), v => v.Name is "v_Jump_g06_c01" or "v_Swim_g02_c01");
        var r = Linear(dir, "--features", features, "--data", LinearFixtures.WritePreprocessOutput(dir.File("frames")), "--json");
        Assert.Equal(2, r.Code);
        Assert.Contains("2 videos of the split have no features and are left out (1 of them test videos): Jump/v_Jump_g06_c01.avi, Swim/v_Swim_g02_c01.avi", r.Output);
        var report = JsonNode.Parse(r.Stdout)!;
        Assert.Equal(5, report["videos"]!.GetValue<int>()); // 6 test videos, one without features
        Assert.Equal(14, report["linear"]!["train_videos"]!.GetValue<int>()); // 5 train + val per class, one without features
        Assert.Equal(["Jump/v_Jump_g06_c01.avi", "Swim/v_Swim_g02_c01.avi"],
            report["linear"]!["missing_videos"]!.AsArray().Select(m => m!["video"]!.GetValue<string>()));
        Assert.True(File.Exists(dir.File("probe.pth")));
        Assert.True(File.Exists(dir.File("probe-test/report.json")));
    }

    [Fact]
    public void A_class_without_training_videos_is_refused_naming_the_class_list()
    {
        using var dir = new TempDir();
        var features = LinearFixtures.WriteVideoFeatures(dir.File("f"), v => v.Class == "Swim" && v.Split != "test");
        string frames = LinearFixtures.WritePreprocessOutput(dir.File("frames"));
        var r = Linear(dir, "--features", features, "--data", frames);
        Assert.Equal(1, r.Code);
        Assert.Contains($"{frames}/labels.txt: class 'Swim' has no training video with features in {features}", r.Output);
    }

    [Fact]
    public void An_existing_output_is_kept_without_overwrite()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir.File("probe.pth"), "mine");
        var features = LinearFixtures.WriteVideoFeatures(dir.File("f"));
        var r = Linear(dir, "--features", features, "--data", LinearFixtures.WritePreprocessOutput(dir.File("frames")));
        Assert.Equal(1, r.Code);
        Assert.Contains($"{dir.File("probe.pth")}: already exists; add --overwrite to replace it", r.Output); // the one output policy's words
        Assert.Equal("mine", File.ReadAllText(dir.File("probe.pth")));
        var again = Linear(dir, "--features", features, "--data", LinearFixtures.WritePreprocessOutput(dir.File("frames")), "--overwrite");
        Assert.Equal(0, again.Code);
        Assert.NotEqual("mine", File.ReadAllText(dir.File("probe.pth")));
    }
}
