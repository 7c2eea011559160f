using System.CommandLine;
using C3dNet.Cli.Ui;
using C3dNet.Synthetic;
using C3dNet.Outputs;
using C3dNet.Runtime;

namespace C3dNet.Cli.Commands;

/// <summary>`c3d generate-data --out DIR`: a small motion dataset in the UCF101 layout, for tests and the demo.</summary>
internal static class GenerateDataCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "Output folder: <Class>/v_<Class>_gNN_cNN.avi", Required = true };
        var classes = new Option<int>("--classes") { Description = $"Number of classes, the first N of: {string.Join(", ", MotionClasses.All.Select(c => c.Name))}", DefaultValueFactory = _ => 4 };
        var perClass = new Option<int>("--videos-per-class") { Description = "Videos per class", DefaultValueFactory = _ => 12 };
        var perGroup = new Option<int>("--clips-per-group") { Description = "Clips per group (_gNN_); clips of a group share scene and shape", DefaultValueFactory = _ => 4 };
        var frames = new Option<int>("--frames") { Description = "Frames per video", DefaultValueFactory = _ => 48 };
        var width = new Option<int>("--width") { Description = "Frame width", DefaultValueFactory = _ => 160 };
        var height = new Option<int>("--height") { Description = "Frame height", DefaultValueFactory = _ => 120 };
        var fps = new Option<double>("--fps") { Description = "Frames per second written in the file", DefaultValueFactory = _ => 25 };
        var seed = new Option<long>("--seed") { Description = "Seed: the same seed gives the same files", DefaultValueFactory = _ => 42 };
        var jobs = new Option<int>("--jobs") { Description = "Videos rendered in parallel (default: number of cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var json = new Option<bool>("--json") { Description = "Print the list of videos as JSON" };
        var overwrite = new Option<bool>(OutputPolicy.OverwriteOption) { Description = "Replace videos of the same names in --out (other files there are kept)" };
        var command = new Command("generate-data", "Render a synthetic action dataset whose classes differ only by motion")
        {
            output, classes, perClass, perGroup, frames, width, height, fps, seed, jobs, overwrite, json,
        };
        command.SetAction(parse => CommandRunner.RunAsync(parse, cancel => Execute(new GeneratorOptions
        {
            OutDir = parse.GetValue(output)!,
            Classes = parse.GetValue(classes),
            VideosPerClass = parse.GetValue(perClass),
            ClipsPerGroup = parse.GetValue(perGroup),
            Frames = parse.GetValue(frames),
            Width = parse.GetValue(width),
            Height = parse.GetValue(height),
            Fps = parse.GetValue(fps),
            Seed = parse.GetValue(seed),
            Jobs = parse.GetValue(jobs),
            Overwrite = parse.GetValue(overwrite),
        }, parse.GetValue(json), cancel), stopping: "finishing the videos being written", needsTorch: false, needsOpenCv: true));
        return command;
    }

    private static async Task<int> Execute(GeneratorOptions options, bool json, CancellationToken cancel)
    {
        var dataset = await CommandProgress.Run(!json, "generate", (report, token) =>
            MotionVideoGenerator.Generate(options, new SyncProgress<GeneratorProgress>(p => report(p.VideosDone, p.VideosTotal, $"{p.VideosDone}/{p.VideosTotal} videos")), token), cancel);
        if (json)
        {
            ConsoleUi.WriteJson(dataset);
            return CommandRunner.Ok;
        }
        ConsoleUi.Table(dataset.OutDir, ["class", "videos", "frames each"],
            dataset.Classes.Select(c => new[] { c, dataset.Videos.Count(v => v.Class == c).ToString(), options.Frames.ToString() }));
        ConsoleUi.Success($"{dataset.Videos.Count} videos ({options.Width}x{options.Height}, {options.Frames} frames, MJPG .avi) in {dataset.OutDir}");
        return CommandRunner.Ok;
    }
}
