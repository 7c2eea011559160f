using System.CommandLine;
using System.Text.Json;
using C3dNet.Cli.Ui;
using C3dNet.Datasets;
using C3dNet.Inference;
using C3dNet.Sharding;

namespace C3dNet.Cli.Commands;

/// <summary>
/// `c3d merge --out DIR`: joins the shards of a `--shard I/N` job in DIR (preprocess, features or predict, as their records
/// say) into the files one unsharded run writes. It refuses, naming them, while shards are missing or unfinished. The
/// merged files (manifest.json and labels.txt, index.json, predictions.json) are made again from OUT/shards on every
/// merge, so they are replaced without --overwrite; nothing else in DIR is touched.
/// </summary>
internal static class MergeCommand
{
    public static Command Create()
    {
        var output = new Option<string>("--out") { Description = "The folder the shards wrote into (preprocess/features --out, predict --results)", Required = true };
        var command = new Command("merge", "Join the shards of a --shard I/N job into the outputs of one unsharded run") { output };
        command.SetAction(parse => CommandRunner.Run(parse, _ => Execute(parse.GetValue(output)!), stopping: null, needsTorch: false));
        return command;
    }

    private static int Execute(string outDir)
    {
        if (!Directory.Exists(outDir)) throw new DirectoryNotFoundException($"{outDir}: no such folder");
        var shards = ShardMerge.LoadFinished(outDir);
        string job = shards[0].Job;
        string done = $"merged {shards.Count} shards of '{job}' ({shards[0].TotalInputs} inputs)";
        switch (job)
        {
            case DatasetPreprocessor.ShardJob:
            {
                var manifest = PreprocessShardMerge.Merge(outDir, shards);
                int failed = manifest.Videos.Count(v => v.Status == VideoStatus.Failed);
                Report(done, [PreprocessManifest.FileName, "labels.txt"], outDir, failed);
                return failed > 0 ? CommandRunner.SomeInputsFailed : CommandRunner.Ok;
            }
            case FeaturesCommand.ShardJob:
            {
                var indexes = shards.ToDictionary(s => s.Shard, s => FeatureIndex.LoadFrom(ShardFiles.PathFor(outDir, FeatureIndex.FileName, s.Spec)));
                var (entries, failures) = ShardMerge.CombineOutcomes(shards, s => (indexes[s.Shard].Inputs, indexes[s.Shard].Failed), e => e.Input, f => f.Input);
                (indexes[1] with { Inputs = entries, Failed = failures }).Save(outDir);
                Report(done, [FeatureIndex.FileName], outDir, failures.Count);
                return CommandRunner.ForInputs(shards[0].TotalInputs, failures.Count);
            }
            case PredictCommand.ShardJob:
            {
                var reports = shards.ToDictionary(s => s.Shard, s => LoadReport(ShardFiles.PathFor(outDir, PredictCommand.ResultsFile, s.Spec)));
                var (inputs, failures) = ShardMerge.CombineOutcomes(shards, s => (reports[s.Shard].Inputs, reports[s.Shard].Failed), r => r.Input, f => f.Input);
                ConsoleUi.WriteJsonFile(Path.Combine(outDir, PredictCommand.ResultsFile), new PredictionReport(inputs, failures));
                Report(done, [PredictCommand.ResultsFile], outDir, failures.Count);
                return CommandRunner.ForInputs(shards[0].TotalInputs, failures.Count);
            }
            default:
                throw new InvalidDataException($"{ShardFiles.ManifestPath(outDir, shards[0].Spec)}: shards of '{job}', which c3d merge does not know");
        }
    }

    private static PredictionReport LoadReport(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<PredictionReport>(File.ReadAllText(path), ConsoleUi.Json) ?? throw new InvalidDataException($"{path}: empty");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a predictions document ({e.Message})");
        }
    }

    private static void Report(string done, string[] files, string outDir, int failed)
    {
        string line = $"{done}: {string.Join(", ", files.Select(f => Path.Combine(outDir, f)))}";
        if (failed > 0) ConsoleUi.Warning($"{line}; {failed} inputs failed in the shards (listed there)");
        else ConsoleUi.Success(line);
    }
}
