// Recognize: the action in a video file, with the C3dNet package.
//   dotnet run -- CHECKPOINT VIDEO
// Prints the video decoder in use, then the most probable class of each window (16 sampled frames) and of the
// whole video (the mean of the windows' probabilities), as `c3d predict` does.
using C3dNet;

if (args.Length != 2)
{
    Console.Error.WriteLine("usage: Recognize CHECKPOINT VIDEO");
    return 1;
}

using var recognizer = ActionRecognizer.Load(args[0], new RecognizerOptions { TopK = 1 }); // c3d predict's stride and frame step
// The system's FFmpeg when the app's build compiled the package's shim (libc3dav.so), else OpenCV's, with the reason.
Console.WriteLine($"decoder: {recognizer.Decoder}");
if (recognizer.DecoderNotice is { } notice) Console.Error.WriteLine($"notice: {notice}");
var result = recognizer.Recognize(args[1]);
foreach (var warning in result.Warnings) Console.Error.WriteLine($"warning: {warning}");

for (int i = 0; i < result.Windows.Count; i++)
{
    var w = result.Windows[i];
    Console.WriteLine($"window {i}: frames {w.StartFrame}-{w.EndFrame} ({w.StartSeconds:0.00}-{w.EndSeconds:0.00} s): {w.Top[0].Label} {w.Top[0].Prob:0.000}");
}
Console.WriteLine($"video: {result.Label} {result.Top[0].Prob:0.000}");
return 0;
