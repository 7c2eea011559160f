using static TorchSharp.torch;

namespace C3dNet.Models;

/// <summary>
/// 5-D weights and activations in channels-last order (N, T, H, W, C in memory; the logical shape stays N, C, T, H, W),
/// the layout oneDNN computes in, so libtorch does not reorder every convolution's input, weights and output.
/// TorchSharp has no channels_last_3d memory format, so the strides are made by a permuted copy. Values are unchanged
/// (state_dicts are written contiguous, <see cref="Checkpoints.PyTorchWriter"/>; loading copies into these strides).
/// Measured on mc3_18 in eval mode, alternating in one process (2-core AMD EPYC, AVX2): batch 1 0.81-0.99 s to
/// 0.69-0.81 s per clip, batch 8 8.1-9.0 s to 6.4-6.8 s.
/// </summary>
internal static class ChannelsLast3d
{
    /// <summary><paramref name="x"/> itself when it is not 5-D or already channels-last, else a channels-last copy.</summary>
    public static Tensor Of(Tensor x)
    {
        if (x.dim() != 5 || IsChannelsLast(x)) return x;
        return x.permute(0, 2, 3, 4, 1).contiguous().permute(0, 4, 1, 2, 3);
    }

    /// <summary>Moves every 5-D parameter of <paramref name="module"/> to channels-last (or back to contiguous) strides, in place.</summary>
    public static void Apply(nn.Module module, bool channelsLast = true)
    {
        using var _ = no_grad();
        foreach (var p in module.parameters())
        {
            if (p.dim() != 5 || IsChannelsLast(p) == channelsLast) continue;
            p.set_(channelsLast ? Of(p.detach()) : p.detach().contiguous());
        }
    }

    private static bool IsChannelsLast(Tensor x)
    {
        var s = x.stride();
        var n = x.shape;
        // C is the innermost dimension, then W, H, T.
        return s[1] == 1 && s[4] == n[1] && s[3] == n[1] * n[4] && s[2] == n[1] * n[4] * n[3];
    }
}
