using System.Text.Json.Nodes;
using C3dNet.Datasets;
using C3dNet.Inference;
using C3dNet.LinearProbe;
using C3dNet.Tests.Inference;
using C3dNet.Tests.Support;
using static TorchSharp.torch;

namespace C3dNet.Tests.LinearProbe;

/// <summary>`c3d linear` end to end: on features that the real `c3d features` wrote, and with official split lists.</summary>
public class LinearCommandTests
{
    [Fact]
    public void Trains_on_c3d_features_of_a_preprocess_split_and_reports_the_test_split_like_eval()
    {
        using var dir = new TempDir();
        // 4 motion classes x 5 videos; preprocess --split random puts 1 in test and 1 in val per class.
        string videos = dir.File("UCF-101");
        var rng = new Random(7);
        foreach (var (name, cls) in MotionVideo.ClassNames.Select((n, i) => (n, i)))
        {
            Directory.CreateDirectory(Path.Combine(videos, name));
            for (int g = 1; g <= 5; g++) MotionVideo.Random(cls, rng).Write(Path.Combine(videos, name, $"v_{name}_g{g:D2}_c01.avi"), 48);
        }
        var pre = CliRunner.Run("preprocess", "--videos", videos, "--out", dir.File("frames"), "--split", "random", "--seed", "3");
        Assert.True(pre.ExitCode == 0, pre.Stdout + pre.Stderr);
        var feat = CliRunner.Run(["features", .. Directory.GetFiles(videos, "*.avi", SearchOption.AllDirectories).Order(),
            "--checkpoint", MotionModelFixture.CheckpointPath, "--out", dir.File("features")]);
        Assert.True(feat.ExitCode == 0, feat.Stdout + feat.Stderr);

        string model = dir.File("models/probe.pth");
        var (code, stdout, stderr) = CliRunner.Run("linear", "--features", dir.File("features"), "--data", dir.File("frames"),
            "--model", "logistic", "--c-grid", "0.1,1,10", "--folds", "2", "--out", model, "--json");
        Assert.True(code == 0, stdout + stderr);
        var r = JsonNode.Parse(stdout)!;
        var classes = LabelFile.Read(dir.File("frames/labels.txt"));
        Assert.Equal(classes, r["class_names"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(4, r["videos"]!.GetValue<int>());
        Assert.Equal(4, r["top_k"]!.GetValue<int>()); // 5, or the class count when smaller
        Assert.Equal(1.0, r["video_top_k"]!.GetValue<double>());
        Assert.Equal(4, r["confusion"]!.AsArray().Sum(row => row!.AsArray().Sum(v => v!.GetValue<int>())));
        Assert.Equal([1, 1, 1, 1], r["per_class"]!.AsArray().Select(c => c!["videos"]!.GetValue<int>()));
        var linear = r["linear"]!;
        Assert.Equal(16, linear["train_videos"]!.GetValue<int>()); // train and val
        Assert.Equal("logistic", linear["model"]!.GetValue<string>());
        Assert.Equal("fc6", linear["layer"]!.GetValue<string>());
        var cv = linear["cross_validation"]!;
        Assert.Equal([0.1, 1, 10], cv["grid"]!.AsArray().Select(c => c!.GetValue<double>()));
        Assert.Equal(3, cv["mean_accuracy"]!.AsArray().Count);
        Assert.Equal(linear["c"]!.GetValue<double>(), cv["best_c"]!.GetValue<double>());
        // The motion model's fc6 tells the motions apart (its own predictions are right on held-out videos).
        Assert.True(r["video_top1"]!.GetValue<double>() >= 0.75, stdout);

        // The saved classifier predicts what the report says, from the features files themselves.
        var (classifier, info) = LinearModelFile.Load(model);
        Assert.Equal(classes, info.ClassNames);
        Assert.Equal(("fc6", 256, "l2", "logistic"), (info.Layer, info.Width, info.Normalisation, info.Model));
        var index = FeatureIndex.Load(dir.File("features"));
        foreach (var p in r["predictions"]!.AsArray())
        {
            string video = p!["video"]!.GetValue<string>(); // manifest source: Class/v_Class_gNN_c01.avi
            var entry = index.Inputs.Single(e => e.Input.EndsWith("/" + video, StringComparison.Ordinal));
            var (values, _) = NpyFile.ReadFloat32(Path.Combine(dir.File("features"), entry.VideoFile));
            using var x = tensor(values, [1, values.Length]).to_type(ScalarType.Float64);
            Assert.Equal(p["predicted"]!.GetValue<int>(), classifier.Predict(x)[0]);
            using var probs = classifier.Scores(x).softmax(1);
            Assert.Equal(p["probability"]!.GetValue<double>(), probs.max().item<double>(), 5);
        }

        string reportDir = dir.File("models/probe-test");
        Assert.Equal(r.ToJsonString(), JsonNode.Parse(File.ReadAllText(Path.Combine(reportDir, "report.json")))!.ToJsonString());
        Assert.StartsWith("true\\predicted," + string.Join(",", classes), File.ReadAllLines(Path.Combine(reportDir, "confusion.csv"))[0]);
        Assert.True(new FileInfo(Path.Combine(reportDir, "confusion.png")).Length > 5000);

        // Tables by default; the SVM (the paper's model) on the same features.
        var svm = CliRunner.Run("linear", "--features", dir.File("features"), "--data", dir.File("frames"), "--c", "1", "--out", model, "--overwrite");
        Assert.True(svm.ExitCode == 0, svm.Stdout + svm.Stderr);
        Assert.Contains("video accuracy (top-1)", svm.Stdout);
        Assert.Equal("svm", LinearModelFile.Load(model).Info.Model);
    }

    [Fact]
    public void Official_ucf101_lists_match_features_of_frame_folders_and_hmdb51_lists_leave_unused_videos_out()
    {
        using var dir = new TempDir();
        var videos = LinearFixtures.Videos();
        // Features of preprocess frame folders (OUT/<split>/<class>/<video>), membership from UCF101 lists.
        string features = LinearFixtures.WriteFeatures(dir.File("f"),
            videos.Select(v => ($"frames/{v.Split}/{v.Class}/{v.Name}", Array.IndexOf(LinearFixtures.Classes, v.Class))));
        string lists = dir.File("ucfTrainTestlist");
        Directory.CreateDirectory(lists);
        File.WriteAllLines(Path.Combine(lists, "classInd.txt"), LinearFixtures.Classes.Select((c, i) => $"{i + 1} {c}"));
        File.WriteAllLines(Path.Combine(lists, "trainlist01.txt"), videos.Where(v => v.Split != "test").Select(v => $"{v.Class}/{v.Name}.avi 1"));
        File.WriteAllLines(Path.Combine(lists, "testlist01.txt"), videos.Where(v => v.Split == "test").Select(v => $"{v.Class}/{v.Name}.avi"));
        var (code, stdout, stderr) = CliRunner.Run("linear", "--features", features, "--split-dir", lists, "--split-index", "1", "--out", dir.File("ucf.pth"), "--json", "--folds", "3");
        Assert.True(code == 0, stdout + stderr);
        var r = JsonNode.Parse(stdout)!;
        Assert.Equal((6, 15, 1.0), (r["videos"]!.GetValue<int>(), r["linear"]!["train_videos"]!.GetValue<int>(), r["video_top1"]!.GetValue<double>()));

        // HMDB51: <class>_test_split1.txt, 1 train, 2 test, 0 unused; class names from --labels.
        string hmdb = dir.File("testTrainMulti_7030_splits");
        Directory.CreateDirectory(hmdb);
        foreach (var cls in LinearFixtures.Classes)
            File.WriteAllLines(Path.Combine(hmdb, $"{cls}_test_split1.txt"), videos.Where(v => v.Class == cls)
                .Select(v => $"{v.Name}.avi {(v.Split == "test" ? 2 : v.Split == "val" ? 0 : 1)}"));
        string labels = dir.File("labels.txt");
        LabelFile.Write(labels, LinearFixtures.Classes);
        var h = CliRunner.Run("linear", "--features", features, "--split-dir", hmdb, "--split-index", "1", "--labels", labels, "--out", dir.File("hmdb.pth"), "--json", "--folds", "3");
        Assert.True(h.ExitCode == 0, h.Stdout + h.Stderr);
        var hr = JsonNode.Parse(h.Stdout)!;
        Assert.Equal(12, hr["linear"]!["train_videos"]!.GetValue<int>());
        Assert.Equal(3, hr["linear"]!["unused_feature_vectors"]!.GetValue<int>()); // the val videos, marked 0
    }
}
