using System.Text.Json;
using C3dNet.Inference;
using C3dNet.Tests.Support;

namespace C3dNet.Tests.Inference;

/// <summary>
/// Our predict against the reference PyTorch inference on the same 16 frames and the same reference
/// checkpoint (expected values made by tests/interop/predict_parity.py with torch 1.13 and cv2 4.6).
/// </summary>
public class PredictParityTests
{
    [Fact]
    public void Probabilities_for_a_folder_of_16_frames_match_the_reference_PyTorch_code()
    {
        var expected = JsonDocument.Parse(File.ReadAllText(Fixtures.Path_("parity_expected.json"))).RootElement;
        var probs = expected.GetProperty("probs").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var logProbs = expected.GetProperty("log_probs").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var top5 = expected.GetProperty("top5").EnumerateArray().Select(e => e.GetInt32()).ToArray();

        using var model = PredictorTests.Load(Fixtures.ReferenceCheckpoint);
        var p = new Predictor(model, SamplingSettings.For(model.Config, 8), 1)
            .Predict(new InputItem(Fixtures.Path_("parity_frames"), InputKind.FrameFolder));
        var window = Assert.Single(p.Run.Windows);
        Assert.Equal((0, 15), (window.StartFrame, window.EndFrame));
        Assert.Equal(top5, TopK.Of(window.Values, 5).Select(t => t.Index));
        for (int i = 0; i < probs.Length; i++)
        {
            Assert.Equal(probs[i], window.Values[i], 4);
            // Tiny probabilities are compared in log space, where a wrong input would show.
            Assert.Equal(logProbs[i], Math.Log(window.Values[i]), 0.001); // measured: within 1e-4
        }
    }
}
