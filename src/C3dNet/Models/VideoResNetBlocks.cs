using TorchSharp;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace C3dNet.Models;

/// <summary>
/// The convolution a video ResNet block uses (torchvision's <c>Conv3DSimple</c>, <c>Conv3DNoTemporal</c>,
/// <c>Conv2Plus1D</c>): full 3x3x3, spatial-only 1x3x3, or a 1x3x3 into <c>midplanes</c> channels, BN, ReLU, 3x1x1.
/// </summary>
internal enum VideoConv { Simple3d, NoTemporal, TwoPlusOneD }

/// <summary>torchvision's stems: <c>BasicStem</c> (3x7x7 conv) and <c>R2Plus1dStem</c> (1x7x7 into 45, then 3x1x1).</summary>
internal enum VideoStem { Basic, R2Plus1d }

/// <summary>The building blocks of torchvision's <c>models/video/resnet.py</c>, with its child names (Sequential numbers them 0, 1, …).</summary>
internal static class VideoResNetBlocks
{
    public static Module<Tensor, Tensor> Stem(VideoStem stem) => stem switch
    {
        VideoStem.Basic => Sequential(
            Conv3d(3, 64, kernel_size: (3, 7, 7), stride: (1, 2, 2), padding: (1, 3, 3), bias: false),
            BatchNorm3d(64),
            ReLU(inplace: true)),
        VideoStem.R2Plus1d => Sequential(
            Conv3d(3, 45, kernel_size: (1, 7, 7), stride: (1, 2, 2), padding: (0, 3, 3), bias: false),
            BatchNorm3d(45),
            ReLU(inplace: true),
            Conv3d(45, 64, kernel_size: (3, 1, 1), stride: (1, 1, 1), padding: (1, 0, 0), bias: false),
            BatchNorm3d(64),
            ReLU(inplace: true)),
        _ => throw new ArgumentOutOfRangeException(nameof(stem), stem, null),
    };

    /// <summary>One convolution of a block; <paramref name="midPlanes"/> is used by (2+1)D only, as in torchvision.</summary>
    public static Module<Tensor, Tensor> Conv(VideoConv kind, long inPlanes, long outPlanes, long midPlanes, long stride = 1) => kind switch
    {
        VideoConv.Simple3d => Conv3d(inPlanes, outPlanes, kernel_size: (3, 3, 3), stride: (stride, stride, stride), padding: (1, 1, 1), bias: false),
        VideoConv.NoTemporal => Conv3d(inPlanes, outPlanes, kernel_size: (1, 3, 3), stride: (1, stride, stride), padding: (0, 1, 1), bias: false),
        VideoConv.TwoPlusOneD => Sequential(
            Conv3d(inPlanes, midPlanes, kernel_size: (1, 3, 3), stride: (1, stride, stride), padding: (0, 1, 1), bias: false),
            BatchNorm3d(midPlanes),
            ReLU(inplace: true),
            Conv3d(midPlanes, outPlanes, kernel_size: (3, 1, 1), stride: (stride, 1, 1), padding: (1, 0, 0), bias: false)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>torchvision's <c>get_downsample_stride</c>: the 1x1x1 shortcut of NoTemporal keeps the time axis.</summary>
    public static (long, long, long) DownsampleStride(VideoConv kind, long stride) =>
        kind == VideoConv.NoTemporal ? (1, stride, stride) : (stride, stride, stride);

    /// <summary>
    /// torchvision's BasicBlock midplanes: the (2+1)D width that gives the factorised pair about the parameters of a
    /// full 3x3x3 conv (integer division, as in Python).
    /// </summary>
    public static long MidPlanes(long inPlanes, long planes) => inPlanes * planes * 3 * 3 * 3 / (inPlanes * 3 * 3 + 3 * planes);
}

/// <summary>torchvision's <c>BasicBlock</c>: conv1 (conv, BN, ReLU), conv2 (conv, BN), plus the input or its downsample, ReLU.</summary>
internal sealed class BasicBlock : Module<Tensor, Tensor>
{
    private readonly Module<Tensor, Tensor> conv1, conv2, relu;
    private readonly Module<Tensor, Tensor>? downsample;

    public BasicBlock(VideoConv kind, long inPlanes, long planes, long stride, Module<Tensor, Tensor>? downsample) : base(nameof(BasicBlock))
    {
        long mid = VideoResNetBlocks.MidPlanes(inPlanes, planes);
        conv1 = Sequential(VideoResNetBlocks.Conv(kind, inPlanes, planes, mid, stride), BatchNorm3d(planes), ReLU(inplace: true));
        conv2 = Sequential(VideoResNetBlocks.Conv(kind, planes, planes, mid), BatchNorm3d(planes));
        relu = ReLU(inplace: true);
        this.downsample = downsample;
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var output = conv2.call(conv1.call(x));
        var residual = downsample is null ? x : downsample.call(x);
        output.add_(residual);
        return relu.call(output);
    }
}
