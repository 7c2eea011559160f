using System.Security.Cryptography;
using C3dNet.Datasets;
using C3dNet.Inference;
using C3dNet.Sharding;
using C3dNet.Tests.Datasets;
using C3dNet.Tests.Inference;
using C3dNet.Tests.Support;

namespace C3dNet.Tests.Sharding;

/// <summary>Tiny generated videos and their unsharded preprocess, features and predict outputs, to compare shards against.</summary>
public sealed class ShardedRunFixture : IDisposable
{
    private readonly TempDir dir = new();
    public string Videos => dir.File("videos");
    public string Pattern => Path.Combine(Videos, "*", "*.avi");
    public string Frames => dir.File("frames");
    public string Features => dir.File("features");
    public string PredictJson { get; }
    public static readonly string[] Small = ["--width", "32", "--height", "24"];

    public ShardedRunFixture()
    {
        TestVideos.Generate(Videos, classes: 2, videosPerClass: 4, frames: 24, width: 48, height: 36);
        Cli("preprocess", ["--videos", Videos, "--out", Frames, .. Small]);
        Cli("features", [Pattern, "--checkpoint", MotionModelFixture.CheckpointPath, "--out", Features]);
        PredictJson = Cli("predict", [Pattern, "--checkpoint", MotionModelFixture.CheckpointPath, "--json"]);
    }

    public static string Cli(string verb, string[] args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var (code, stdout, stderr) = CliRunner.RunWith(null, environment, [verb, .. args]);
        Assert.True(code == 0, $"c3d {verb} {string.Join(' ', args)} exited {code}:\n{stderr}\n{stdout}");
        return stdout;
    }

    public string NewOutput(string name) => dir.File($"{name}-{Guid.NewGuid():N}");

    public void Dispose() => dir.Dispose();
}

public class ShardedRunTests(ShardedRunFixture data) : IClassFixture<ShardedRunFixture>
{
    /// <summary>Relative path → SHA-256 of every file, the shards' own records and copies left out.</summary>
    private static SortedDictionary<string, string> Files(string root) => new(
        Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f))
            .Where(rel => !rel.StartsWith(ShardFiles.FolderName + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .ToDictionary(rel => rel, rel => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(Path.Combine(root, rel))))),
        StringComparer.Ordinal);

    private string[] Preprocess(string output, string shard) => ["--videos", data.Videos, "--out", output, "--shard", shard, .. ShardedRunFixture.Small];

    private static (int Code, string Stderr) Merge(string output)
    {
        var (code, stdout, stderr) = CliRunner.Run("merge", "--out", output);
        return (code, stderr + stdout);
    }

    /// <summary>Runs the commands as processes at the same time (into one folder) and asserts each exits 0.</summary>
    private static void AtOnce(IReadOnlyList<string[]> commands)
    {
        var results = new (int ExitCode, string Stdout, string Stderr)[commands.Count];
        Parallel.For(0, commands.Count, new ParallelOptions { MaxDegreeOfParallelism = commands.Count }, i => results[i] = CliRunner.Run(commands[i]));
        foreach (var r in results) Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
    }

    private static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    public void Preprocess_shards_one_after_another_merge_to_the_unsharded_output_byte_for_byte(int n)
    {
        string output = data.NewOutput($"pre{n}");
        var options = new PreprocessOptions { VideosDir = data.Videos, OutDir = output, Width = 32, Height = 24, Jobs = 1 };
        for (int i = 1; i <= n; i++)
        {
            var summary = DatasetPreprocessor.Run(options with { Shard = new ShardSpec(i, n) });
            Assert.Equal(ShardAssignment.CountFor(8, new ShardSpec(i, n)), summary.Videos); // 8 videos, 7 shards: one owns 2
            Assert.False(File.Exists(Path.Combine(output, PreprocessManifest.FileName))); // a shard never writes the run's files
            Assert.False(File.Exists(Path.Combine(output, "labels.txt")));
        }
        var shards = ShardMerge.LoadFinished(output);
        Assert.Equal(DatasetPreprocessor.ShardJob, shards[0].Job);
        PreprocessShardMerge.Merge(output, shards);

        Assert.Equal(Files(data.Frames), Files(output)); // frames, labels.txt and manifest.json: the same bytes
        Assert.Equal(8, FrameDataset.Open(output).Videos("train").Count + FrameDataset.Open(output).Videos("val").Count + FrameDataset.Open(output).Videos("test").Count);
    }

    [Fact]
    public void Three_preprocess_shards_at_the_same_time_into_one_folder_then_c3d_merge_equal_one_run()
    {
        string output = data.NewOutput("pre-parallel");
        AtOnce(Enumerable.Range(1, 3).Select(i => (string[])["preprocess", .. Preprocess(output, $"{i}/3"), "--jobs", "1"]).ToList());
        var (code, text) = Merge(output);
        Assert.True(code == 0, text);
        Assert.Contains("merged 3 shards of 'preprocess' (8 inputs)", Flat(text));
        Assert.Equal(Files(data.Frames), Files(output));

        // The merged files are the merge's own: a second merge replaces them (same bytes) without --overwrite.
        Assert.Equal(0, Merge(output).Code);
        Assert.Equal(Files(data.Frames), Files(output));
    }

    [Fact]
    public void A_shard_killed_mid_run_continues_when_restarted_and_merge_refuses_it_until_then()
    {
        string output = data.NewOutput("pre-killed");
        ShardedRunFixture.Cli("preprocess", Preprocess(output, "1/3"));
        using (var run = new PausedRun("video:1", ["preprocess", .. Preprocess(output, "2/3"), "--jobs", "1"]))
        {
            run.WaitUntilPaused(); // one of the 3 videos of shard 2 done and recorded, the others not started
            run.Signal("KILL");
            run.WaitForExit();
        }
        var record = ShardManifest.Load(ShardFiles.ManifestPath(output, new ShardSpec(2, 3)));
        Assert.False(record.Complete);
        var partial = PreprocessManifest.Load(PreprocessManifest.PathIn(output, new ShardSpec(2, 3))).Videos;
        Assert.Equal((1, 2), (partial.Count(v => v.Status == VideoStatus.Done), partial.Count(v => v.Status == VideoStatus.Pending)));

        var (code, text) = Merge(output);
        Assert.Equal(1, code);
        Assert.Contains("missing shard 3/3", Flat(text));
        Assert.Contains("unfinished shard 2/3", Flat(text));
        Assert.False(File.Exists(Path.Combine(output, PreprocessManifest.FileName)));

        string resumed = ShardedRunFixture.Cli("preprocess", [.. Preprocess(output, "2/3"), "--json"]);
        Assert.Contains("\"resumed\": 1", resumed);
        Assert.Contains("\"processed\": 2", resumed);
        ShardedRunFixture.Cli("preprocess", Preprocess(output, "3/3"));
        Assert.Equal(0, Merge(output).Code);
        Assert.Equal(Files(data.Frames), Files(output));
    }

    [Fact]
    public void Shard_auto_from_slurm_and_kubernetes_variables_through_the_cli()
    {
        string slurm = data.NewOutput("slurm"), kubernetes = data.NewOutput("k8s");
        Dictionary<string, string?> Clean() => new()
        {
            [SchedulerShard.SlurmTaskId] = null, [SchedulerShard.SlurmTaskCount] = null, [SchedulerShard.SlurmTaskMin] = null,
            [SchedulerShard.SlurmTaskMax] = null, [SchedulerShard.SlurmTaskStep] = null, [SchedulerShard.SlurmJobId] = null,
            [SchedulerShard.KubernetesIndex] = null,
        };
        foreach (int id in new[] { 5, 6 }) // sbatch --array=5-6: tasks 5 and 6 are shards 1 and 2 of 2
        {
            var env = Clean();
            env[SchedulerShard.SlurmTaskId] = $"{id}";
            env[SchedulerShard.SlurmTaskMin] = "5";
            env[SchedulerShard.SlurmTaskMax] = "6";
            env[SchedulerShard.SlurmTaskCount] = "2";
            env[SchedulerShard.SlurmJobId] = "77";
            ShardedRunFixture.Cli("preprocess", Preprocess(slurm, "auto"), env);
            Assert.True(File.Exists(ShardFiles.ManifestPath(slurm, new ShardSpec(id - 4, 2))));
        }
        foreach (int index in new[] { 0, 1 }) // an Indexed Job of completions 2: 0-based indexes
        {
            var env = Clean();
            env[SchedulerShard.KubernetesIndex] = $"{index}";
            ShardedRunFixture.Cli("preprocess", Preprocess(kubernetes, "auto/2"), env);
            Assert.True(File.Exists(ShardFiles.ManifestPath(kubernetes, new ShardSpec(index + 1, 2))));
        }
        foreach (string output in new[] { slurm, kubernetes })
        {
            Assert.Equal(0, Merge(output).Code);
            Assert.Equal(Files(data.Frames), Files(output));
        }

        var (code, _, stderr) = CliRunner.RunWith(null, Clean(), ["preprocess", .. Preprocess(data.NewOutput("none"), "auto")]);
        Assert.Equal(1, code);
        Assert.Contains("--shard", stderr);
    }

    [Theory]
    [InlineData("0/0", "the shard count N is 0")]
    [InlineData("3/2", "larger than the shard count 2")]
    [InlineData("a/b", "is not a whole number")]
    [InlineData("2", "has no '/'")]
    public void Invalid_shard_arguments_are_refused_with_the_reason_and_nothing_written(string shard, string reason)
    {
        string output = data.NewOutput("bad");
        // One option, parsed the same by every verb: preprocess for each value, features and predict for one (each run costs a process).
        var commands = new List<string[]> { new[] { "preprocess", "--videos", data.Videos, "--out", output, "--shard", shard } };
        if (shard == "3/2")
        {
            commands.Add(["features", data.Pattern, "--checkpoint", MotionModelFixture.CheckpointPath, "--out", output, "--shard", shard]);
            commands.Add(["predict", data.Pattern, "--checkpoint", MotionModelFixture.CheckpointPath, "--results", output, "--shard", shard]);
        }
        foreach (string[] args in commands)
        {
            var (code, _, stderr) = CliRunner.Run(args);
            Assert.Equal(1, code);
            Assert.Contains(reason, Flat(stderr));
            Assert.False(Directory.Exists(output));
        }
    }

    [Fact]
    public void Shard_options_that_cannot_work_are_refused()
    {
        string output = data.NewOutput("refused");
        var (code, _, stderr) = CliRunner.Run(["preprocess", .. Preprocess(output, "1/2"), "--overwrite"]);
        Assert.Equal((1, true), (code, Flat(stderr).Contains("--shard cannot take --overwrite")));
        (code, _, stderr) = CliRunner.Run("predict", data.Pattern, "--checkpoint", MotionModelFixture.CheckpointPath, "--shard", "1/2");
        Assert.Equal((1, true), (code, Flat(stderr).Contains("--shard needs --results DIR")));
        (code, _, stderr) = CliRunner.Run("merge", "--out", data.Frames); // an unsharded output: nothing to merge
        Assert.Equal((1, true), (code, Flat(stderr).Contains("no shard manifests")));
    }

    [Fact]
    public void A_shard_rerun_with_other_options_is_refused_and_its_frames_kept()
    {
        string output = data.NewOutput("options");
        var options = new PreprocessOptions { VideosDir = data.Videos, OutDir = output, Width = 32, Height = 24, Jobs = 1, Shard = new ShardSpec(1, 7) }; // owns 2 of the 8 videos
        DatasetPreprocessor.Run(options);
        var before = Files(output);
        var e = Assert.Throws<InvalidOperationException>(() => DatasetPreprocessor.Run(options with { Width = 40 }));
        Assert.Contains("shard 1/7) was made with different options (width: 32 → 40)", e.Message);
        Assert.Contains("Run every shard with the same options", e.Message);
        Assert.Equal(before, Files(output));
        Assert.Equal(2, Directory.GetDirectories(output, "*", SearchOption.AllDirectories).Count(d => File.Exists(Path.Combine(d, "00001.jpg"))));
    }

    [Fact]
    public void Features_shards_in_sequence_and_at_the_same_time_merge_to_the_unsharded_index_and_files()
    {
        string[] Features(string output, string shard) => [data.Pattern, "--checkpoint", MotionModelFixture.CheckpointPath, "--out", output, "--shard", shard];
        string sequential = data.NewOutput("feat2");
        ShardedRunFixture.Cli("features", Features(sequential, "1/2"));
        Assert.Equal(1, Merge(sequential).Code); // shard 2 of 2 missing
        ShardedRunFixture.Cli("features", Features(sequential, "2/2"));

        string parallel = data.NewOutput("feat3");
        AtOnce(Enumerable.Range(1, 3).Select(i => (string[])["features", .. Features(parallel, $"{i}/3")]).ToList());

        foreach (string output in new[] { sequential, parallel })
        {
            var (code, text) = Merge(output);
            Assert.True(code == 0, text);
            Assert.Equal(Files(data.Features), Files(output)); // index.json and every .npy: the same bytes
            Assert.Equal(8, FeatureIndex.Load(output).Inputs.Count);
        }

        // A rerun of a shard replaces its own files (its record says they are its own); another shard's are not its to touch.
        ShardedRunFixture.Cli("features", Features(parallel, "2/3"));
        Assert.Equal(Files(data.Features), Files(parallel));
    }

    [Fact]
    public void Predict_shards_in_sequence_and_at_the_same_time_merge_to_the_document_predict_json_prints()
    {
        string[] Predict(string results, string shard) => [data.Pattern, "--checkpoint", MotionModelFixture.CheckpointPath, "--results", results, "--shard", shard];
        string sequential = data.NewOutput("pred7"); // 8 inputs in 7 shards
        for (int i = 1; i <= 7; i++) ShardedRunFixture.Cli("predict", Predict(sequential, $"{i}/7"));
        string parallel = data.NewOutput("pred3");
        AtOnce(Enumerable.Range(1, 3).Select(i => (string[])["predict", .. Predict(parallel, $"{i}/3")]).ToList());

        foreach (string results in new[] { sequential, parallel })
        {
            var (code, text) = Merge(results);
            Assert.True(code == 0, text);
            Assert.Equal(data.PredictJson, File.ReadAllText(Path.Combine(results, "predictions.json")));
        }
        Assert.Contains("\"inputs\"", data.PredictJson);
    }
}
