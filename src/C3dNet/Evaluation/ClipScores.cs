using C3dNet.Datasets;
using C3dNet.Models;
using static TorchSharp.torch;

namespace C3dNet.Evaluation;

/// <summary>Softmax probabilities of every evaluated clip, with the clip's video and true label.</summary>
internal sealed record ClipScores(IReadOnlyList<float[]> Probabilities, IReadOnlyList<int> Videos, IReadOnlyList<int> Labels)
{
    public int Count => Probabilities.Count;
}

/// <summary>Evaluation progress: batches done of all.</summary>
internal sealed record EvalProgress(int Batch, int Batches, int Clips);

/// <summary>Runs a model over clips in eval mode without gradients and keeps each clip's class probabilities.</summary>
internal static class ClipScorer
{
    public static ClipScores Score(IClipNetwork model, ClipLoader loader, IReadOnlyList<ClipSpec> clips, Device device,
        IProgress<EvalProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var probabilities = new List<float[]>(clips.Count);
        var videos = new List<int>(clips.Count);
        var labels = new List<int>(clips.Count);
        int batches = loader.BatchCount(clips.Count);
        model.Module.eval();
        using (no_grad())
        {
            foreach (var batch in loader.Batches(clips, 0, cancellationToken))
            {
                using (var scope = NewDisposeScope())
                {
                    var probs = nn.functional.softmax(model.Logits(batch.Inputs(device)), 1).cpu();
                    var flat = probs.data<float>().ToArray();
                    Inference.FiniteOutputs.Check(flat, "class probabilities");
                    int classes = (int)probs.shape[1];
                    for (int i = 0; i < batch.Count; i++)
                    {
                        probabilities.Add(flat.AsSpan(i * classes, classes).ToArray());
                        videos.Add(batch.Videos[i]);
                        labels.Add((int)batch.Labels[i]);
                    }
                }
                progress?.Report(new EvalProgress(batch.Index + 1, batches, probabilities.Count));
                cancellationToken.ThrowIfCancellationRequested();
            }
        }
        return new ClipScores(probabilities, videos, labels);
    }
}
