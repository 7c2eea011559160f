using C3dNet.Tests.Support;

namespace C3dNet.Tests.Api;

/// <summary>
/// The library's public surface is the API in src/C3dNet/Api/ and the types its signatures expose; everything else is
/// internal. A new public type fails this test until it is added here on purpose (and to docs/library.md).
/// </summary>
public class PublicApiTests
{
    private static readonly string[] Expected =
    [
        "C3dNet.ActionRecognizer",
        "C3dNet.Checkpoints.CheckpointException",
        "C3dNet.Checkpoints.CheckpointKind",
        "C3dNet.ClipFeatures",
        "C3dNet.Datasets.FrameReadException",
        "C3dNet.FeatureOptions",
        "C3dNet.Inference.FeatureEntry",
        "C3dNet.Inference.InferencePrecision",
        "C3dNet.Inference.InputFailure",
        "C3dNet.Inference.InputReport",
        "C3dNet.Inference.LabelChange",
        "C3dNet.Inference.LiveSummary",
        "C3dNet.Inference.PredictionReport",
        "C3dNet.Inference.ScoreReport",
        "C3dNet.Inference.VideoReport",
        "C3dNet.Inference.WindowReport",
        "C3dNet.Recognition",
        "C3dNet.RecognitionProgress",
        "C3dNet.RecognizerOptions",
        "C3dNet.Video.VideoDecoder",
        "C3dNet.Video.VideoReadException",
    ];

    [Fact]
    public void The_library_exports_only_the_documented_api()
    {
        var exported = typeof(ActionRecognizer).Assembly.GetExportedTypes().Select(t => t.FullName!).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(Expected, exported);
    }

    [Fact]
    public void Every_exported_type_is_named_in_docs_library_md()
    {
        string doc = File.ReadAllText(Path.Combine(RepoRoot.Path, "docs", "library.md"));
        var missing = Expected.Select(n => n[(n.LastIndexOf('.') + 1)..]).Where(n => !doc.Contains($"`{n}`")).ToList();
        Assert.True(missing.Count == 0, "docs/library.md does not name: " + string.Join(", ", missing));
    }
}
