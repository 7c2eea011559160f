using C3dNet.Datasets;
using C3dNet.Runtime;

namespace C3dNet.Training.FrozenBackbone;

/// <summary>
/// The training clips of a frozen-backbone run: K variants per video, variant k being the clip live training would draw in
/// epoch k (<see cref="ClipDataset.TrainEpoch"/>: start, crop, flip from the run's seed); each epoch visits the videos in
/// live training's order for that epoch and takes one variant per video, drawn from the seed.
/// </summary>
internal sealed class ClipVariants
{
    private readonly ClipSpec[][] byVariant; // [k][video]
    private readonly long seed;

    public int Count => byVariant.Length;
    public int Videos { get; }

    public ClipVariants(ClipDataset train, long seed, int variants, double flipProbability)
    {
        this.seed = seed;
        Videos = train.Videos.Count;
        byVariant = new ClipSpec[variants][];
        for (int k = 0; k < variants; k++)
        {
            var clips = new ClipSpec[Videos];
            foreach (var spec in train.TrainEpoch(seed, k, flipProbability)) clips[spec.Video] = spec;
            byVariant[k] = clips;
        }
    }

    /// <summary>Variant <paramref name="k"/> of video <paramref name="video"/>.</summary>
    public ClipSpec Get(int k, int video) => byVariant[k][video];

    /// <summary>All variants, variant by variant (the order of the cache's rows: row = k * videos + video).</summary>
    public ClipSpec[] Rows() => byVariant.SelectMany(v => v).ToArray();

    /// <summary>The clips of <paramref name="epoch"/>: live training's video order, one seeded variant per video.</summary>
    public ClipSpec[] Epoch(int epoch)
    {
        var order = Enumerable.Range(0, Videos).ToArray();
        Seeding.For(seed, $"shuffle/{epoch}").Shuffle(order); // as ClipDataset.TrainEpoch
        var pick = Seeding.For(seed, $"variant/{epoch}");
        return order.Select(v => byVariant[pick.Next(Count)][v]).ToArray();
    }
}
