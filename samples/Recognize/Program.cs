// Recognize: the action in a video file, with the C3dNet package.
//   dotnet run -- CHECKPOINT VIDEO
// Prints the most probable class of each window (16 sampled frames) and of the whole video
// (the mean of the windows' probabilities), as `c3d predict` does.
using C3dNet;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: Recognize CHECKPOINT VIDEO");
    return 1;
}

using var recognizer = ActionRecognizer.Load(args[0], new RecognizerOptions { TopK = 1 }); // c3d predict's stride and frame step
var result = recognizer.Recognize(args[1]);
foreach (var warning in result.Warnings) Console.Error.WriteLine($"warning: {warning}");

for (int i = 0; i < result.Windows.Count; i++)
{
    var w = result.Windows[i];
    Console.WriteLine($"window {i}: frames {w.StartFrame}-{w.EndFrame} ({w.StartSeconds:0.00}-{w.EndSeconds:0.00} s): {w.Top[0].Label} {w.Top[0].Prob:0.000}");
}
Console.WriteLine($"video: {result.Label} {result.Top[0].Prob:0.000}");
return 0;
