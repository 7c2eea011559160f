using C3dNet.Models;

namespace C3dNet.Benchmarks;

/// <summary>Multiply-adds ×2 of one C3D forward pass, counted layer by layer from the config.</summary>
internal static class C3dFlops
{
    /// <summary>FLOPs of one clip's forward pass: ~38.5 G for the paper's C3D at 16x112x112.</summary>
    public static double PerClip(C3dConfig config) => PerLayer(config).Sum(l => l.Flops);

    public static IReadOnlyList<(string Layer, double Flops)> PerLayer(C3dConfig config)
    {
        int[] c = config.Channels;
        var layers = new List<(string, double)>();
        int t = config.ClipLength, h = config.CropSize, w = config.CropSize;
        void Conv(string name, int cin, int cout) => layers.Add((name, 2.0 * cin * cout * 27 * t * h * w));
        void Pool(int kt) { t /= kt; h /= 2; w /= 2; }
        Conv("conv1", 3, c[0]); Pool(1);
        Conv("conv2", c[0], c[1]); Pool(2);
        Conv("conv3a", c[1], c[2]); Conv("conv3b", c[2], c[2]); Pool(2);
        Conv("conv4a", c[2], c[3]); Conv("conv4b", c[3], c[3]); Pool(2);
        Conv("conv5a", c[3], c[4]); Conv("conv5b", c[4], c[4]);
        layers.Add(("fc6", 2.0 * config.FlattenSize * config.FcWidth));
        layers.Add(("fc7", 2.0 * config.FcWidth * config.FcWidth));
        layers.Add(("fc8", 2.0 * config.FcWidth * config.NumClasses));
        return layers;
    }
}
