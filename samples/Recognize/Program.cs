// Recognize: the action in a video file, with the C3dNet package.
//   dotnet run -- CHECKPOINT VIDEO
// Prints the most probable class of each window (16 sampled frames) and of the whole video
// (the mean of the windows' probabilities), as `c3d predict` does.
using C3dNet.Checkpoints;
using C3dNet.Inference;
using static TorchSharp.torch;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: Recognize CHECKPOINT VIDEO");
    return 1;
}
string checkpointPath = args[0], videoPath = args[1];

using var checkpoint = C3dCheckpoint.Load(checkpointPath);
if (checkpoint.ClassNames is not { } classNames)
{
    Console.Error.WriteLine($"{checkpointPath}: stores no class names");
    return 1;
}
using var model = ClipModel.FromCheckpoint(checkpoint, checkpointPath, CPU, InferencePrecision.Fp32);
var settings = SamplingSettings.For(model.Config, stride: 8); // c3d predict's default stride; the checkpoint's frame step
var predictor = new Predictor(model, settings, batchSize: 8);

var prediction = predictor.Predict(new InputItem(videoPath, InputKind.Video));
foreach (var warning in prediction.Run.Warnings) Console.Error.WriteLine($"warning: {warning}");
var report = PredictionReport.ForInput(prediction, classNames, topK: 1);

for (int i = 0; i < report.Windows.Count; i++)
{
    var w = report.Windows[i];
    Console.WriteLine($"window {i}: frames {w.StartFrame}-{w.EndFrame} ({w.StartSeconds:0.00}-{w.EndSeconds:0.00} s): {w.Top[0].Label} {w.Top[0].Prob:0.000}");
}
Console.WriteLine($"video: {report.Video.Top[0].Label} {report.Video.Top[0].Prob:0.000}");
return 0;
