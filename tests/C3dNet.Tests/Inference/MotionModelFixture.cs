using C3dNet.Tests.Support;

namespace C3dNet.Tests.Inference;

/// <summary>
/// The narrow C3D trained on generated motion clips (Fixtures/motion_narrow.pth.tar, made by
/// tests/interop/make_motion_checkpoint.py; training it here would take minutes on 2 cores) and
/// held-out motion videos written with other seeds, shared by the tests of one run.
/// </summary>
public sealed class MotionModelFixture : IDisposable
{
    private readonly TempDir dir = new();
    public static string CheckpointPath => Fixtures.Path_("motion_narrow.pth.tar");
    public string Dir => dir.Path;
    /// <summary>Held-out .avi videos (MJPG, 25 fps), two per class, 72 to 100 frames.</summary>
    public IReadOnlyList<(string Path, int Class)> HeldOut { get; }

    public MotionModelFixture()
    {
        var rng = new Random(99);
        var held = new List<(string, int)>();
        for (int i = 0; i < 8; i++)
        {
            int cls = i % 4;
            string path = Path.Combine(Dir, $"held_{i}_{MotionVideo.ClassNames[cls]}.avi");
            held.Add((MotionVideo.Random(cls, rng).Write(path, 72 + 4 * i), cls));
        }
        HeldOut = held;
    }

    public void Dispose() => dir.Dispose();
}

[CollectionDefinition("motion model")]
public sealed class MotionModelCollection : ICollectionFixture<MotionModelFixture>;
