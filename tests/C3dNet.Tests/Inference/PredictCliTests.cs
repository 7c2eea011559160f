using System.Text.Json;
using C3dNet.Datasets;
using C3dNet.Tests.Support;
using OpenCvSharp;

namespace C3dNet.Tests.Inference;

/// <summary>The real `c3d predict` / `c3d features` processes.</summary>
[Collection("motion model")]
public class PredictCliTests(MotionModelFixture motion)
{
    /// <summary>Console text with Spectre's line wrapping undone.</summary>
    private static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");

    private static string[] Keys(JsonElement e) => e.EnumerateObject().Select(p => p.Name).ToArray();

    [Fact]
    public void Json_follows_the_schema_and_one_bad_input_does_not_stop_the_others()
    {
        var (path0, cls0) = motion.HeldOut[0];
        var (path1, cls1) = motion.HeldOut[1];
        var (code, stdout, stderr) = CliRunner.Run("predict", path0, "/nonexistent/gone.avi", path1,
            "--checkpoint", MotionModelFixture.CheckpointPath, "--json", "--top-k", "4");
        Assert.True(code == 2, stderr + stdout); // done, but an input was bad
        Assert.Contains("/nonexistent/gone.avi: file not found", Flat(stderr));
        var root = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(["inputs", "failed"], Keys(root));
        var failed = Assert.Single(root.GetProperty("failed").EnumerateArray());
        Assert.Equal(["input", "error"], Keys(failed));
        Assert.Equal(("/nonexistent/gone.avi", "/nonexistent/gone.avi: file not found"),
            (failed.GetProperty("input").GetString(), failed.GetProperty("error").GetString()));
        var inputs = root.GetProperty("inputs").EnumerateArray().ToList();
        Assert.Equal(2, inputs.Count);
        foreach (var (input, path, cls) in new[] { (inputs[0], path0, cls0), (inputs[1], path1, cls1) })
        {
            Assert.Equal(["input", "video", "windows"], Keys(input));
            Assert.Equal(path, input.GetProperty("input").GetString());
            var videoTop = input.GetProperty("video").GetProperty("top").EnumerateArray().ToList();
            Assert.Equal(4, videoTop.Count); // --top-k = class count lists every probability
            Assert.Equal(["index", "label", "prob"], Keys(videoTop[0]));
            Assert.Equal(cls, videoTop[0].GetProperty("index").GetInt32());
            Assert.Equal(MotionVideo.ClassNames[cls], videoTop[0].GetProperty("label").GetString());
            Assert.Equal(1.0, videoTop.Sum(t => t.GetProperty("prob").GetDouble()), 3);
            Assert.Equal([0, 1, 2, 3], videoTop.Select(t => t.GetProperty("index").GetInt32()).Order());
            var windows = input.GetProperty("windows").EnumerateArray().ToList();
            Assert.Equal(["start_frame", "end_frame", "start_s", "end_s", "top"], Keys(windows[0]));
            Assert.Equal((0, 30, 0.0, 1.24), (windows[0].GetProperty("start_frame").GetInt32(), windows[0].GetProperty("end_frame").GetInt32(),
                windows[0].GetProperty("start_s").GetDouble(), windows[0].GetProperty("end_s").GetDouble()));
            Assert.Equal(16, windows[1].GetProperty("start_frame").GetInt32());
        }
    }

    [Fact]
    public void Csv_lists_windows_and_all_bad_inputs_exit_non_zero()
    {
        var (path, _) = motion.HeldOut[2];
        var (code, stdout, stderr) = CliRunner.Run("predict", path, "--checkpoint", MotionModelFixture.CheckpointPath, "--csv", "--top-k", "2", "--stride", "16");
        Assert.True(code == 0, stderr + stdout);
        var lines = stdout.Trim().Split('\n');
        Assert.Equal("input,window,start_frame,end_frame,start_s,end_s,top1_index,top1_label,top1_prob,top2_index,top2_label,top2_prob", lines[0]);
        // 80 frames at step 2: 40 sampled, windows at 0, 16 and the end-aligned 24.
        Assert.Equal(4, lines.Length);
        Assert.StartsWith($"{path},2,48,78,1.92,3.16,", lines[3]);

        using var dir = new TempDir();
        File.WriteAllText(dir.File("notes.avi"), "text");
        var bad = CliRunner.Run("predict", dir.File("notes.avi"), dir.File("missing.mp4"), "--checkpoint", MotionModelFixture.CheckpointPath);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("notes.avi: cannot be opened as a video", Flat(bad.Stderr));
        Assert.Contains("missing.mp4: file not found", Flat(bad.Stderr));
        Assert.DoesNotContain("error", bad.Stdout);
    }

    [Fact]
    public void Table_output_and_annotated_videos_in_an_out_dir()
    {
        using var dir = new TempDir();
        var (path, cls) = motion.HeldOut[4];
        var (code, stdout, stderr) = CliRunner.Run("predict", path, "--checkpoint", MotionModelFixture.CheckpointPath, "--out-dir", dir.File("annotated"), "--precision", "bf16");
        Assert.True(code == 0, stderr + stdout);
        Assert.Contains("whole video", stdout);
        Assert.Contains(MotionVideo.ClassNames[cls], stdout);
        Assert.Contains("clips/s", stdout);
        string written = dir.File($"annotated/{Path.GetFileNameWithoutExtension(path)}.annotated.avi");
        Assert.Contains($"annotated video: {written}", Flat(stdout));
        using var capture = new VideoCapture(written);
        Assert.Equal(72 + 4 * 4, (int)capture.FrameCount);
    }

    [Fact]
    public void Reference_checkpoints_need_labels_and_non_C3D_files_are_refused()
    {
        using var dir = new TempDir();
        string frames = Fixtures.Path_("parity_frames");
        var noLabels = CliRunner.Run("predict", frames, "--checkpoint", Fixtures.ReferenceCheckpoint);
        Assert.Equal(1, noLabels.ExitCode);
        Assert.Contains("stores no class names", Flat(noLabels.Stderr));
        Assert.Contains("pass --labels FILE", Flat(noLabels.Stderr));

        LabelFile.Write(dir.File("labels.txt"), ["A", "B", "C", "D", "E"]);
        var ok = CliRunner.Run("predict", frames, "--checkpoint", Fixtures.ReferenceCheckpoint, "--labels", dir.File("labels.txt"), "--json");
        Assert.True(ok.ExitCode == 0, ok.Stderr + ok.Stdout);
        var window = JsonDocument.Parse(ok.Stdout).RootElement.GetProperty("inputs")[0].GetProperty("windows")[0];
        Assert.Equal(JsonValueKind.Null, window.GetProperty("start_s").ValueKind); // a frame folder has no frame rate
        Assert.Equal("B", window.GetProperty("top")[0].GetProperty("label").GetString());

        LabelFile.Write(dir.File("three.txt"), ["A", "B", "C"]);
        var wrongCount = CliRunner.Run("predict", frames, "--checkpoint", Fixtures.ReferenceCheckpoint, "--labels", dir.File("three.txt"));
        Assert.Equal(1, wrongCount.ExitCode);
        Assert.Contains("lists 3 class names but the network has 5 outputs", Flat(wrongCount.Stderr));

        using (var w = TorchSharp.torch.ones(3))
            C3dNet.Checkpoints.PyTorchFile.WriteDict(dir.File("other.pth"), new System.Collections.Hashtable { ["linear.weight"] = w });
        var notC3d = CliRunner.Run("predict", frames, "--checkpoint", dir.File("other.pth"), "--labels", dir.File("labels.txt"));
        Assert.Equal(1, notC3d.ExitCode);
        Assert.Contains("other.pth: holds no architecture this version reads", Flat(notC3d.Stderr));
    }

    [Fact]
    public void A_truncated_jpeg_in_a_frame_folder_fails_that_input_naming_the_file_without_libjpeg_text()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("frames"));
        foreach (var f in Directory.GetFiles(Fixtures.Path_("parity_frames"))) File.Copy(f, dir.File($"frames/{Path.GetFileName(f)}"));
        string cut = FrameFolder.List(dir.File("frames"))[3];
        var bytes = File.ReadAllBytes(cut);
        File.WriteAllBytes(cut, bytes[..(bytes.Length / 2)]);
        LabelFile.Write(dir.File("labels.txt"), ["A", "B", "C", "D", "E"]);
        var (code, stdout, stderr) = CliRunner.Run("predict", dir.File("frames"), "--checkpoint", Fixtures.ReferenceCheckpoint, "--labels", dir.File("labels.txt"), "--json");
        Assert.True(code == 1, stdout + stderr); // the only input failed
        Assert.Contains($"{cut}: truncated JPEG", Flat(stderr));
        Assert.DoesNotContain("Premature end of JPEG file", stderr);
        var failed = Assert.Single(JsonDocument.Parse(stdout).RootElement.GetProperty("failed").EnumerateArray());
        Assert.Contains("truncated JPEG", failed.GetProperty("error").GetString());
    }

    [Fact]
    public void Live_prints_label_changes_for_a_file_opened_as_a_stream()
    {
        var (path, cls) = motion.HeldOut[6];
        var (code, stdout, stderr) = CliRunner.Run("predict", "--live", path, "--checkpoint", MotionModelFixture.CheckpointPath);
        Assert.True(code == 0, stderr + stdout);
        var lines = stdout.Split('\n');
        Assert.StartsWith("1.24 s: ", lines.First(l => l.Contains(" s: ")));
        Assert.Contains(MotionVideo.ClassNames[cls], lines.Last(l => l.Contains(" s: ")));
        Assert.Contains("stream ended after 96 frames", Flat(stdout));
    }

    [Fact]
    public void Features_from_Sports1M_weights_write_npy_files_and_an_index()
    {
        using var dir = new TempDir();
        string video = motion.HeldOut[0].Path;
        var (code, stdout, stderr) = CliRunner.Run("features", video, dir.File("nothing.avi"), "--pretrained", Fixtures.PretrainedNarrow,
            "--layer", "fc7", "--out", dir.File("feat"));
        Assert.True(code == 2, stderr + stdout); // done, but an input was bad
        var index = C3dNet.Inference.FeatureIndex.Load(dir.File("feat"));
        Assert.Equal(("fc7", 512), (index.Layer, index.Width));
        var entry = Assert.Single(index.Inputs);
        // 72 frames at the inferred step 4: 18 sampled, stride 16: clips at 0 and (end-aligned) 2.
        Assert.Equal([0, 8], entry.ClipStarts);
        var (_, shape) = C3dNet.Inference.NpyFile.ReadFloat32(Path.Combine(dir.File("feat"), entry.ClipsFile));
        Assert.Equal([2, 512], shape);
        Assert.Contains("nothing.avi", Assert.Single(index.Failed).Input);
    }

    [Fact]
    public void A_termination_signal_stops_live_input_cleanly_and_keeps_the_annotated_video()
    {
        using var dir = new TempDir();
        string stream = MotionVideo.Random(0, new Random(6)).Write(dir.File("long.avi"), 300);
        // The run pauses after frame 40 (first window at frame 30) until the signal: it lands mid-stream, every time.
        using var run = new PausedRun("frame:40", "predict", "--live", stream, "--stride", "1",
            "--checkpoint", MotionModelFixture.CheckpointPath, "--out", dir.File("live.mkv"));
        run.WaitUntilPaused();
        run.Signal("TERM"); // the same path as Ctrl-C (SIGINT), which shells ignore for background jobs
        int code = run.WaitForExit();
        Assert.True(code == 0, run.Stdout + run.Stderr);
        Assert.Contains($"stopping: ending the stream and finishing {dir.File("live.mkv")}", Flat(run.Stderr));
        Assert.Contains("live: stopped after 40 frames", Flat(run.Stdout));
        using var written = new VideoCapture(dir.File("live.mkv"));
        Assert.Equal(40, (int)written.FrameCount);
    }
}
