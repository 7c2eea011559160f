using C3dNet.Cli.Commands;
using C3dNet.Runtime;
using C3dNet.Tests.Support;
using C3dNet.Tests.Training;

namespace C3dNet.Tests.Cli;

/// <summary>
/// The one failure policy (CommandRunner): an environment or input error is one line on standard error naming the path,
/// exit 1, no stack trace (unless --verbose or C3D_VERBOSE=1); a bug says it is one; results alone on standard output.
/// </summary>
public class FailurePolicyTests
{
    /// <summary>Exit 1, exactly one "error:" line on stderr naming <paramref name="path"/>, no stack trace, nothing of it on stdout.</summary>
    private static void AssertOneLineError((int ExitCode, string Stdout, string Stderr) run, string path)
    {
        Assert.True(run.ExitCode == 1, $"exit {run.ExitCode}\n{run.Stdout}\n{run.Stderr}");
        var errors = run.Stderr.Split('\n').Where(l => l.StartsWith("error:")).ToList();
        Assert.True(errors.Count == 1, run.Stderr);
        Assert.Contains(path, errors[0]);
        Assert.DoesNotContain("   at ", run.Stderr);
        Assert.DoesNotContain("Exception", run.Stderr);
        Assert.DoesNotContain("error", run.Stdout);
    }

    private static string Checkpoint(TempDir dir)
    {
        var (code, stdout, stderr) = CliRunner.Run("init", "--out", dir.File("c.pth.tar"), "--labels", dir.File("data/labels.txt"),
            "--width-mult", "0.125", "--crop-size", "56");
        Assert.True(code == 0, stdout + stderr);
        return dir.File("c.pth.tar");
    }

    private static string AFrameFolder(TempDir dir) => Directory.GetDirectories(Directory.GetDirectories(dir.File("data/train"))[0])[0];

    [Fact]
    public void Exceptions_are_classified_once_bugs_say_so_and_dotnet_path_messages_name_the_path_first()
    {
        var (code, line) = CommandRunner.Classify(new NullReferenceException("Object reference not set to an instance of an object."));
        Assert.Equal((1, "unexpected NullReferenceException: Object reference not set to an instance of an object. (a bug: run with --verbose for details and report it)"), (code, line));
        Assert.Equal((1, "/data/out.npy: No space left on device"), CommandRunner.Classify(new IOException("No space left on device : '/data/out.npy'")));
        Assert.Equal((1, "/data/index.json: disk full"), CommandRunner.Classify(new OutputException("/data/index.json", "disk full")));
        Assert.Equal((1, "/ro/x: Read-only file system"),
            CommandRunner.Classify(new AggregateException(new OperationCanceledException(), new IOException("Read-only file system : '/ro/x'"))));
        Assert.Equal((130, "interrupted"), CommandRunner.Classify(new AggregateException(new OperationCanceledException())));
        Assert.Equal((1, "--top-k must be at least 1"), CommandRunner.Classify(new ArgumentException("--top-k must be at least 1")));
    }

    [Fact]
    public void Outputs_that_name_the_wrong_kind_of_path_and_missing_live_sources_are_one_line_errors()
    {
        using var dir = TrainingData.Small(train: 1);
        string checkpoint = Checkpoint(dir);
        Directory.CreateDirectory(dir.File("a folder"));
        AssertOneLineError(CliRunner.Run("init", "--out", dir.File("a folder"), "--classes", "2", "--width-mult", "0.125"), dir.File("a folder"));
        File.WriteAllText(dir.File("a file"), "mine");
        AssertOneLineError(CliRunner.Run("eval", "--data", dir.File("data"), "--checkpoint", checkpoint, "--out", dir.File("a file")), dir.File("a file"));
        Assert.Equal("mine", File.ReadAllText(dir.File("a file")));
        AssertOneLineError(CliRunner.Run("predict", "--live", dir.File("missing.avi"), "--checkpoint", checkpoint), dir.File("missing.avi"));
        var camera = CliRunner.Run("predict", "--live", "9", "--checkpoint", checkpoint);
        AssertOneLineError(camera, "9: cannot be opened");
        Assert.DoesNotContain("WARN", camera.Stderr); // OpenCV's own log lines are quiet
    }

    [Fact]
    public void Verbose_or_C3D_VERBOSE_adds_the_stack_trace()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(dir.File("a folder"));
        string[] init = ["init", "--out", dir.File("a folder"), "--classes", "2", "--width-mult", "0.125"];
        var plain = CliRunner.Run(init);
        Assert.DoesNotContain("   at ", plain.Stderr);
        var verbose = CliRunner.Run([.. init, "--verbose"]);
        Assert.Equal(1, verbose.ExitCode);
        Assert.Contains("C3dNet.Runtime.OutputException", verbose.Stderr); // the output policy refuses a folder as --out
        Assert.Contains("   at ", verbose.Stderr);
        var fromEnvironment = CliRunner.RunWith(null, new Dictionary<string, string?> { ["C3D_VERBOSE"] = "1" }, init);
        Assert.Contains("   at ", fromEnvironment.Stderr);
    }

    [RootFact]
    public void A_read_only_disk_is_one_line_naming_the_path_in_every_verb_that_writes()
    {
        using var dir = TrainingData.Small(train: 1);
        string checkpoint = Checkpoint(dir);
        var videos = CliRunner.Run("generate-data", "--out", dir.File("videos"), "--classes", "2", "--videos-per-class", "1", "--frames", "8");
        Assert.True(videos.ExitCode == 0, videos.Stderr);
        using var ro = TestMount.ReadOnly(Directory.CreateDirectory(dir.File("ro")).FullName);
        AssertOneLineError(CliRunner.Run("init", "--out", ro.File("c.pth.tar"), "--classes", "2", "--width-mult", "0.125"), ro.Path);
        AssertOneLineError(CliRunner.Run("eval", "--data", dir.File("data"), "--checkpoint", checkpoint, "--out", ro.File("eval")), ro.Path);
        AssertOneLineError(CliRunner.Run([.. TrainArgs(dir, ro.File("run"))]), ro.Path);
        AssertOneLineError(CliRunner.Run("features", AFrameFolder(dir), "--checkpoint", checkpoint, "--out", ro.File("features")), ro.Path);
        AssertOneLineError(CliRunner.Run("generate-data", "--out", ro.File("videos"), "--classes", "2", "--videos-per-class", "1", "--frames", "8"), ro.Path);
        AssertOneLineError(CliRunner.Run("preprocess", "--videos", dir.File("videos"), "--out", ro.File("frames")), ro.Path);
    }

    [RootFact]
    public void A_full_disk_is_one_line_naming_the_path()
    {
        using var dir = TrainingData.Small(train: 1);
        using var full = TestMount.SmallDisk(64 * 1024); // less than one narrow checkpoint
        AssertOneLineError(CliRunner.Run("init", "--out", full.File("c.pth.tar"), "--classes", "2", "--width-mult", "0.125"), full.Path);
        AssertOneLineError(CliRunner.Run([.. TrainArgs(dir, full.File("run"))]), full.Path);
    }

    private static string[] TrainArgs(TempDir dir, string runDir) =>
    [
        "train", "--data", dir.File("data"), "--run-dir", runDir, "--epochs", "1", "--batch-size", "2", "--width-mult", "0.125",
        "--crop-size", "56", "--device", "cpu", "--max-batches", "1",
    ];
}
