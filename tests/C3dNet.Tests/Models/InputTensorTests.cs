using System.Collections;
using C3dNet.Checkpoints;
using C3dNet.Datasets;
using C3dNet.Models;
using C3dNet.Tests.Support;
using OpenCvSharp;
using static TorchSharp.torch;

namespace C3dNet.Tests.Models;

public class InputTensorTests
{
    /// <summary>The C3D clip loop as it was before ModelInput (commit abdc50a), kept as the reference.</summary>
    private static float[] C3dClipAsBefore(IReadOnlyList<Mat> frames, CropBox box, bool flip, C3dConfig config)
    {
        int t = frames.Count, s = box.Size, plane = s * s;
        var dest = new float[3 * t * plane];
        float inv = 1f / config.InputScale;
        int[] src = config.ChannelOrder == "RGB" ? [2, 1, 0] : [0, 1, 2];
        for (int f = 0; f < t; f++)
            for (int y = 0; y < s; y++)
                for (int x = 0; x < s; x++)
                {
                    var px = frames[f].At<Vec3b>(box.Top + y, box.Left + (flip ? s - 1 - x : x));
                    for (int c = 0; c < 3; c++)
                        dest[(c * t + f) * plane + y * s + x] = (px[src[c]] - config.Mean[c]) * inv;
                }
        return dest;
    }

    private static List<Mat> RandomFrames(int count, int height, int width, int seed)
    {
        var rng = new Random(seed);
        var frames = new List<Mat>();
        for (int f = 0; f < count; f++)
        {
            var bytes = new byte[height * width * 3];
            rng.NextBytes(bytes);
            var mat = new Mat(height, width, MatType.CV_8UC3);
            System.Runtime.InteropServices.Marshal.Copy(bytes, 0, mat.Data, bytes.Length);
            frames.Add(mat);
        }
        return frames;
    }

    [Theory]
    [InlineData("BGR", 1f, false)]
    [InlineData("BGR", 64f, true)]
    [InlineData("RGB", 3f, false)]
    [InlineData("RGB", 0.7f, true)]
    public void C3d_clips_are_bit_identical_to_the_loop_before_ModelInput(string order, float scale, bool flip)
    {
        var frames = RandomFrames(4, 20, 26, seed: 5);
        var config = new C3dConfig { ChannelOrder = order, InputScale = scale, Mean = [90.5f, 98f, 101.25f], ClipLength = 4, CropSize = 16 };
        var box = new CropBox(3, 7, 16);
        var ours = new float[InputTensor.Length(4, 16)];
        InputTensor.Write(ours, frames, box, flip, config.Input);
        var before = C3dClipAsBefore(frames, box, flip, config);
        Assert.Equal(before.Select(BitConverter.SingleToInt32Bits), ours.Select(BitConverter.SingleToInt32Bits));
        foreach (var m in frames) m.Dispose();
    }

    [Fact]
    public void C3d_input_is_read_from_its_config()
    {
        var config = new C3dConfig { ChannelOrder = "RGB", Mean = [1f, 2f, 3f], InputScale = 64, FrameStep = 2, CropSize = 56, ClipLength = 8, ResizeWidth = 86, ResizeHeight = 64 };
        var input = ModelInput.For(config).Validated();
        Assert.Equal(("RGB", 1f), (input.ChannelOrder, input.ValueScale));
        Assert.Equal([1f, 2f, 3f], input.Mean);
        Assert.Equal([64f, 64f, 64f], input.Std!);
        Assert.Equal((86, 64, 56, 8, 2), (input.ResizeWidth, input.ResizeHeight, input.CropSize, input.ClipLength, input.Sampling.FrameStep!.Value));
        Assert.Null(input.Sampling.FramesPerSecond);
        // The reference: mean [90, 98, 102] in BGR subtracted, no std.
        var reference = ModelInput.For(new C3dConfig());
        Assert.Equal(("BGR", 4, 171, 128), (reference.ChannelOrder, reference.Sampling.FrameStep!.Value, reference.ResizeWidth, reference.ResizeHeight));
        Assert.Equal([90f, 98f, 102f], reference.Mean);
        Assert.Null(reference.Std);
    }

    /// <summary>RGB, /255, mean and std: what torchvision's own Kinetics-400 preset makes of 128x171 frames, to float rounding.</summary>
    [Fact]
    public void Kinetics400_clips_equal_torchvisions_preset()
    {
        Hashtable io = PyTorchFile.ReadDict(Fixtures.Path_("resnet_input_io.pth"));
        using var rgb = (Tensor)io["frames"]!;   // (T, C, H, W) uint8, RGB
        using var expected = (Tensor)io["clip"]!; // (C, T, 112, 112)
        int t = (int)rgb.shape[0], h = (int)rgb.shape[2], w = (int)rgb.shape[3];
        var input = ModelInput.Kinetics400.Validated();
        Assert.Equal((w, h), (input.ResizeWidth, input.ResizeHeight));
        var frames = new List<Mat>();
        for (int f = 0; f < t; f++)
        {
            using var hwcBgr = rgb[f].flip(0).permute(1, 2, 0).contiguous(); // OpenCV's byte order
            var mat = new Mat(h, w, MatType.CV_8UC3);
            System.Runtime.InteropServices.Marshal.Copy(hwcBgr.data<byte>().ToArray(), 0, mat.Data, h * w * 3);
            frames.Add(mat);
        }
        var clip = new float[InputTensor.Length(t, input.CropSize)];
        InputTensor.Write(clip, frames, CropBox.Center(h, w, input.CropSize), flip: false, input);
        using var ours = tensor(clip).reshape(expected.shape);
        float diff = (ours - expected).abs().max().item<float>();
        Assert.True(diff <= 2e-6f, $"max |diff| {diff}");
        Assert.True(expected.abs().max().item<float>() > 1.5f);
        foreach (var m in frames) m.Dispose();
    }

    public static TheoryData<int, double, int[]> ResamplingCases()
    {
        var data = new TheoryData<int, double, int[]>();
        foreach (var c in ResNetFixtures.Layouts.GetProperty("resample_to_15fps").EnumerateArray())
            data.Add(c.GetProperty("frames").GetInt32(), c.GetProperty("fps").GetDouble(),
                c.GetProperty("indices").EnumerateArray().Select(i => i.GetInt32()).ToArray());
        return data;
    }

    [Theory, MemberData(nameof(ResamplingCases))]
    public void Resampling_to_15_fps_picks_the_frames_torchvision_picks(int frames, double fps, int[] expected)
    {
        Assert.Equal(expected, FrameRateResampling.SourceIndices(frames, fps, ModelInput.Kinetics400.Sampling.FramesPerSecond!.Value));
    }
}
