using C3dNet.Datasets;
using C3dNet.Tests.Support;
using C3dNet.Video;
using OpenCvSharp;

namespace C3dNet.Tests.Datasets;

public class DatasetPreprocessorTests
{
    private static PreprocessOptions Options(TempDir dir, string output = "out") =>
        new() { VideosDir = dir.File("videos"), OutDir = dir.File(output), Jobs = 2 };

    [Fact]
    public void A_clean_run_writes_split_frame_folders_labels_and_manifest()
    {
        using var dir = new TempDir();
        TestVideos.Generate(dir.File("videos"), classes: 3, videosPerClass: 5, frames: 40);
        var summary = DatasetPreprocessor.Run(Options(dir));
        string o = dir.File("out");

        Assert.Equal(["MoveLeft", "MoveRight", "MoveUp"], LabelFile.Read(Path.Combine(o, "labels.txt")));
        Assert.Equal((15, 15, 0, 0), (summary.Videos, summary.Processed, summary.Failed, summary.Resumed));
        // Per class: ceil(20% of 5) = 1 test, ceil(20% of 4) = 1 val, 3 train. 40 frames → step 2 → 20 frames.
        Assert.Equal([new SplitSummary("train", 3, 9, 180), new SplitSummary("val", 3, 3, 60), new SplitSummary("test", 3, 3, 60)], summary.Splits);

        var manifest = PreprocessManifest.Load(Path.Combine(o, "manifest.json"));
        Assert.Equal(15, manifest.Videos.Count);
        foreach (var v in manifest.Videos)
        {
            Assert.Equal((VideoStatus.Done, 40, 40, 2, 20, 25.0), (v.Status, v.FramesDecoded!.Value, v.ReportedFrames!.Value, v.FrameStep!.Value, v.FramesWritten!.Value, v.Fps!.Value));
            string folder = Path.Combine(o, v.Split!, v.Class, v.Name);
            Assert.Equal(Enumerable.Range(1, 20).Select(FrameExtractor.FrameName), Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        }
        using var image = Cv2.ImRead(Path.Combine(o, manifest.Videos[0].Folder!, "00020.jpg"));
        Assert.Equal(new Size(171, 128), image.Size());
        Assert.Equal("random", manifest.Options.Split);
        Assert.Equal(Path.GetFullPath(dir.File("videos")), manifest.Options.Videos);
        Assert.Empty(OutputTree.TempFolders(o));
        // The reference layout: every split has a folder per class.
        Assert.All(SplitNames.All, s => Assert.Equal(3, Directory.GetDirectories(Path.Combine(o, s)).Length));
    }

    [Fact]
    public void The_manifest_records_the_decoder_of_every_video_with_its_version()
    {
        using var dir = new TempDir();
        TestVideos.Generate(dir.File("videos"), classes: 1, videosPerClass: 3, frames: 40, width: 64, height: 48);
        Assert.True(AvShim.Available, AvShim.Problem);
        string libavcodec = AvShim.Versions.Text(AvShim.LoadedVersions!.Loaded[0]);
        string opencv = Cv2.GetVersionString()!;
        var cases = new (PreprocessOptions Options, string Decoder)[]
        {
            (Options(dir, "ff") with { Decoder = VideoDecoder.Ffmpeg, MotionJpegShortcut = false }, $"ffmpeg (libavcodec {libavcodec})"),
            (Options(dir, "cv") with { Decoder = VideoDecoder.OpenCv, MotionJpegShortcut = false }, $"opencv {opencv}"),
            (Options(dir, "mj") with { Decoder = VideoDecoder.Ffmpeg }, $"opencv {opencv} (Motion-JPEG: kept frames decoded as JPEGs)"),
        };
        foreach (var (options, decoder) in cases)
        {
            DatasetPreprocessor.Run(options);
            var manifest = PreprocessManifest.Load(Path.Combine(options.OutDir, "manifest.json"));
            Assert.Equal(3, manifest.Videos.Count);
            Assert.All(manifest.Videos, v => Assert.Equal(decoder, v.Decoder));
        }
        Assert.Matches(@"^\d+\.\d+\.\d+$", libavcodec);
        // A resumed video keeps the record of the run that decoded it.
        var again = DatasetPreprocessor.Run(cases[0].Options with { Decoder = VideoDecoder.OpenCv });
        Assert.Equal(3, again.Resumed);
        Assert.All(PreprocessManifest.Load(Path.Combine(cases[0].Options.OutDir, "manifest.json")).Videos, v => Assert.Equal(cases[0].Decoder, v.Decoder));
    }

    [Fact]
    public void Group_split_keeps_each_group_in_one_split()
    {
        using var dir = new TempDir();
        TestVideos.Generate(dir.File("videos"), classes: 2, videosPerClass: 10, frames: 20, width: 64, height: 48); // 5 groups of 2 per class
        DatasetPreprocessor.Run(Options(dir) with { Split = SplitMethod.Group });
        var videos = OutputTree.Videos(dir.File("out"));
        foreach (var group in videos.GroupBy(v => (v.Class, VideoGroups.KeyOf(v.Class, v.Name))))
            Assert.Single(group.Select(v => v.Split).Distinct());
        Assert.All(SplitNames.All, s => Assert.Contains(videos, v => v.Split == s));
    }

    [Fact]
    public void Bad_inputs_are_reported_and_recorded_and_the_rest_completes()
    {
        using var dir = new TempDir();
        string v = dir.File("videos");
        TestVideos.Generate(Path.Combine(dir.Path, "gen"), classes: 1, videosPerClass: 2, frames: 40);
        string good = Path.Combine(dir.Path, "gen", "MoveLeft", "v_MoveLeft_g01_c01.avi");
        void Copy(string rel) { Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(v, rel))!); File.Copy(good, Path.Combine(v, rel)); }

        Copy("Move Right/clip one.avi");            // spaces
        Copy("Überklasse/clip één ☃.AVI");          // non-ASCII, upper-case extension
        Copy("ClassA/good.mp4");                    // MJPG in an .mp4 name: FFmpeg goes by content
        Copy("ClassA/dup.avi");
        Copy("ClassA/dup.mkv");                     // same folder name as dup.avi
        Copy("ClassA/cut.avi");
        TestVideos.Truncate(Path.Combine(v, "ClassA/cut.avi"), 0.5);
        Copy("ClassA/stub.avi");
        TestVideos.Truncate(Path.Combine(v, "ClassA/stub.avi"), 0.01);
        File.WriteAllBytes(Path.Combine(v, "ClassA/empty.avi"), []);
        File.WriteAllText(Path.Combine(v, "ClassA/notes.avi"), "not a video at all\n");
        File.WriteAllText(Path.Combine(v, "ClassA/readme.txt"), "about the class\n");
        File.CreateSymbolicLink(Path.Combine(v, "ClassA/link.avi"), Path.Combine(v, "gone.avi"));
        Directory.CreateDirectory(Path.Combine(v, "Empty"));
        File.WriteAllText(Path.Combine(v, "README.md"), "stray file at the root\n");

        var summary = DatasetPreprocessor.Run(Options(dir));
        string o = dir.File("out");

        Assert.Equal(["ClassA", "Move Right", "Überklasse"], LabelFile.Read(Path.Combine(o, "labels.txt")));
        var byName = OutputTree.Videos(o).ToDictionary(e => e.Source);
        Assert.Equal(VideoStatus.Done, byName["Move Right/clip one.avi"].Status);
        Assert.Equal(VideoStatus.Done, byName["Überklasse/clip één ☃.AVI"].Status);
        Assert.Equal(20, Directory.GetFiles(Path.Combine(o, byName["Überklasse/clip één ☃.AVI"].Folder!)).Length);
        Assert.Equal(VideoStatus.Done, byName["ClassA/good.mp4"].Status);
        Assert.Equal(VideoStatus.Done, byName["ClassA/dup.avi"].Status);

        Assert.Contains("same name without extension as dup.avi", byName["ClassA/dup.mkv"].Reason);
        Assert.Contains("empty (0 bytes)", byName["ClassA/empty.avi"].Reason);
        Assert.Contains("cannot be opened as a video", byName["ClassA/notes.avi"].Reason);
        Assert.Contains("broken link", byName["ClassA/link.avi"].Reason);
        Assert.Equal(VideoStatus.Failed, byName["ClassA/stub.avi"].Status);
        var cut = byName["ClassA/cut.avi"];
        Assert.True(VideoStatus.HasFrames(cut.Status));
        Assert.Contains("reports 40 frames", cut.Warning);
        Assert.Equal(FrameStepRule.KeptFrames(cut.FramesDecoded!.Value, FrameStepRule.Choose(cut.FramesDecoded.Value)), cut.FramesWritten);

        Assert.Equal(5, summary.Failed);
        Assert.Equal(5, summary.Failures.Count);
        Assert.All(summary.Failures, f => Assert.StartsWith(v, f.Path));
        Assert.Single(summary.Warnings);
        var issues = summary.Issues.ToDictionary(i => Path.GetRelativePath(v, i.Path), i => i.Problem);
        Assert.Contains("not inside a class folder", issues["README.md"]);
        Assert.Contains("no videos", issues["Empty"]);
        Assert.Contains(".txt file", issues["ClassA/readme.txt"]);
        Assert.Equal(summary.Issues, PreprocessManifest.Load(Path.Combine(o, "manifest.json")).Issues);
        Assert.Equal(5, summary.Usable);
        Assert.Empty(OutputTree.TempFolders(o));
    }

    [Fact]
    public void A_rerun_skips_complete_videos_redoes_incomplete_ones_and_clears_temporary_folders()
    {
        using var dir = new TempDir();
        TestVideos.Generate(dir.File("videos"), classes: 2, videosPerClass: 4, frames: 20, width: 64, height: 48);
        DatasetPreprocessor.Run(Options(dir, "clean"));
        DatasetPreprocessor.Run(Options(dir));
        string o = dir.File("out");
        var videos = OutputTree.Videos(o);

        // Damage as a crash would: a folder missing its last frame, a stray temporary folder, and a
        // finished folder the manifest still calls pending (killed between rename and manifest write).
        var damaged = videos[0];
        File.Delete(Path.Combine(o, damaged.Folder!, FrameExtractor.FrameName(damaged.FramesWritten!.Value)));
        string temp = Path.Combine(o, videos[1].Split!, videos[1].Class, "." + videos[1].Name + ".partial");
        Directory.CreateDirectory(temp);
        File.WriteAllText(Path.Combine(temp, "00001.jpg"), "half");
        var manifest = PreprocessManifest.Load(Path.Combine(o, "manifest.json"));
        manifest = manifest with { Videos = manifest.Videos.Select((e, i) => i == 2 ? e with { Status = VideoStatus.Pending, FramesWritten = null } : e).ToList() };
        manifest.Save(Path.Combine(o, "manifest.json"));
        var untouched = Path.Combine(o, videos[3].Folder!, "00001.jpg");
        var stamp = File.GetLastWriteTimeUtc(untouched);

        var summary = DatasetPreprocessor.Run(Options(dir));
        Assert.Equal((2, 6), (summary.Processed, summary.Resumed));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(untouched));
        Assert.Empty(OutputTree.TempFolders(o));
        OutputTree.AssertSame(dir.File("clean"), o);
    }

    [Fact]
    public void After_videos_are_added_or_removed_a_rerun_matches_a_clean_run_of_the_new_input()
    {
        using var dir = new TempDir();
        TestVideos.Generate(dir.File("videos"), classes: 2, videosPerClass: 6, frames: 20, width: 64, height: 48);
        DatasetPreprocessor.Run(Options(dir));
        // One class gains a video (its random split is drawn anew), the other loses one.
        File.Copy(dir.File("videos/MoveLeft/v_MoveLeft_g01_c01.avi"), dir.File("videos/MoveLeft/v_MoveLeft_g09_c01.avi"));
        File.Delete(dir.File("videos/MoveRight/v_MoveRight_g02_c01.avi"));

        var summary = DatasetPreprocessor.Run(Options(dir));
        DatasetPreprocessor.Run(Options(dir, "clean"));
        Assert.True(summary.Resumed >= 5, $"only {summary.Resumed} videos kept from the first run");
        OutputTree.AssertSame(dir.File("clean"), dir.File("out"));
    }

    [Fact]
    public void Different_options_are_refused_unless_overwrite()
    {
        using var dir = new TempDir();
        TestVideos.Generate(dir.File("videos"), classes: 1, videosPerClass: 2, frames: 20, width: 64, height: 48);
        DatasetPreprocessor.Run(Options(dir));
        var refused = Assert.Throws<InvalidOperationException>(() => DatasetPreprocessor.Run(Options(dir) with { Width = 112, Seed = 7 }));
        Assert.Contains("width: 171 → 112", refused.Message);
        Assert.Contains("seed: 42 → 7", refused.Message);
        Assert.Contains("--overwrite", refused.Message);
        Assert.Equal(171, Cv2.ImRead(Path.Combine(dir.File("out"), OutputTree.Videos(dir.File("out"))[0].Folder!, "00001.jpg")).Width);

        var replaced = DatasetPreprocessor.Run(Options(dir) with { Width = 112, Seed = 7, Overwrite = true });
        Assert.Equal(2, replaced.Processed);
        Assert.Equal(112, Cv2.ImRead(Path.Combine(dir.File("out"), OutputTree.Videos(dir.File("out"))[0].Folder!, "00001.jpg")).Width);

        Directory.CreateDirectory(dir.File("other"));
        File.WriteAllText(dir.File("other/notes.txt"), "mine");
        Assert.Contains("no manifest.json", Assert.Throws<InvalidOperationException>(() => DatasetPreprocessor.Run(Options(dir, "other"))).Message);
        Assert.True(File.Exists(dir.File("other/notes.txt")));
    }

    [Fact]
    public void Cancelling_stops_between_videos_leaves_a_consistent_output_and_a_rerun_completes_it()
    {
        using var dir = new TempDir();
        TestVideos.Generate(dir.File("videos"), classes: 2, videosPerClass: 6, frames: 30, width: 64, height: 48);
        DatasetPreprocessor.Run(Options(dir, "clean"));
        using var cancel = new CancellationTokenSource();
        var progress = new Callback(p => { if (p.VideosDone >= 3) cancel.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => DatasetPreprocessor.Run(Options(dir) with { Jobs = 1 }, progress, cancel.Token));

        string o = dir.File("out");
        var videos = OutputTree.Videos(o);
        // One job: the token is cancelled inside the third video's report, so no fourth video starts or finishes.
        Assert.Equal(3, videos.Count(e => e.Status == VideoStatus.Done));
        Assert.Contains(videos, e => e.Status == VideoStatus.Pending);
        Assert.All(videos.Where(e => e.Status == VideoStatus.Pending), e => Assert.False(Directory.Exists(Path.Combine(o, e.Folder!))));
        Assert.Empty(OutputTree.TempFolders(o));

        var summary = DatasetPreprocessor.Run(Options(dir));
        Assert.Equal(3, summary.Resumed);
        OutputTree.AssertSame(dir.File("clean"), o);
    }

    [Fact]
    public void Short_videos_are_kept_and_marked_and_min_frames_skips_them()
    {
        using var dir = new TempDir();
        TestVideos.WriteCounting(dir.File("videos/A/long.avi"), 40);
        TestVideos.WriteCounting(dir.File("videos/A/short.avi"), 12);
        var summary = DatasetPreprocessor.Run(Options(dir));
        var byName = OutputTree.Videos(dir.File("out")).ToDictionary(e => e.Name);
        Assert.Equal((VideoStatus.Short, 1, 12), (byName["short"].Status, byName["short"].FrameStep!.Value, byName["short"].FramesWritten!.Value));
        Assert.Contains("fewer than a 16-frame clip", byName["short"].Reason);
        Assert.Equal(1, summary.Short);

        var skipping = DatasetPreprocessor.Run(Options(dir, "min") with { MinFrames = 16 });
        var skipped = OutputTree.Videos(dir.File("min")).Single(e => e.Name == "short");
        Assert.Equal(VideoStatus.Skipped, skipped.Status);
        Assert.False(Directory.Exists(Path.Combine(dir.File("min"), skipped.Folder!)));
        Assert.Equal((1, 1), (skipping.Skipped, skipping.Usable));
    }

    [Fact]
    public void A_missing_input_or_one_without_classes_is_an_error()
    {
        using var dir = new TempDir();
        Assert.Contains("input folder not found", Assert.Throws<DirectoryNotFoundException>(() => DatasetPreprocessor.Run(Options(dir))).Message);
        Directory.CreateDirectory(dir.File("videos/EmptyClass"));
        File.WriteAllText(dir.File("videos/stray.avi"), "x");
        Assert.Contains("no class folders with videos", Assert.Throws<InvalidDataException>(() => DatasetPreprocessor.Run(Options(dir))).Message);
        Assert.Contains("must not contain each other",
            Assert.Throws<C3dNet.Runtime.OutputException>(() => DatasetPreprocessor.Run(Options(dir) with { OutDir = dir.File("videos/out") })).Message);
    }

    private sealed class Callback(Action<PreprocessProgress> action) : IProgress<PreprocessProgress>
    {
        public void Report(PreprocessProgress value) => action(value);
    }
}
