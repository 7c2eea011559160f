"""Makes the fixtures the C# video ResNet tests compare against. Run with Debian's python3-torch 1.13 and
python3-torchvision 0.14:
    /usr/bin/python3 tests/C3dNet.Tests/Fixtures/make_resnet_fixtures.py
Outputs (next to this script):
  resnet_layouts.json    per architecture: the state_dict keys, shapes and dtypes of torchvision's model with its
                         default 400 classes and its parameter count (as its Kinetics-400 weights' metadata says); the std of every weight and the values of every BN/fc bias right after
                         torchvision's own initialisation (torch.manual_seed(0)); the weight pattern below, per key;
                         the source frame indices torchvision's VideoClips picks when resampling to 15 fps; and
                         torchvision's Kinetics-400 class names in fc order.
  resnet_input_io.pth    'frames': 8-bit RGB frames (T=2, C=3, 128, 171) and 'clip': what torchvision's own Kinetics-400
                         preset (transforms._presets.VideoClassification(crop_size=(112, 112), resize_size=(128, 171)),
                         the weights' transforms) makes of them, (3, 2, 112, 112).
  resnet_<arch>_io.pth   per architecture, 5 classes: 'input' (2,3,8,32,32); after loading the pattern weights
                         strictly, one training-mode forward: 'train_logits' and every BN buffer after it
                         ('<key>' for running_mean / running_var / num_batches_tracked) and the cross-entropy of its
                         logits for targets [1, 3] 'train_loss'; the same forward in float64 and that loss's
                         gradients of some weights ('train_logits64', 'grad64.<key>'); then in eval mode
                         (with those running statistics): 'eval_logits' and 'eval_features' (the pooled 512-d
                         vector before fc).
Why a pattern and not random weights in a file: the full-width models hold 31-33 million parameters (~130 MB per
state_dict whatever the class count), too big to commit. Every tensor is instead filled with
    low + (high - low) * u,  u = ((x * x) mod M) / M,  x = ((i + seed) * 48271) mod M,  M = 2^31 - 1,
over its flat element index i, in exact int64 arithmetic (then float64 division, then the tensor's dtype), which the
C# test computes bit for bit; (seed, low, high) per key are in resnet_layouts.json.
"""
import json
import math
import os

import torch
import torchvision
from torchvision.datasets.video_utils import VideoClips
from torchvision.models import video
from torchvision.models._meta import _KINETICS400_CATEGORIES
from torchvision.transforms._presets import VideoClassification

here = os.path.dirname(os.path.abspath(__file__))
ARCHS = ['r3d_18', 'mc3_18', 'r2plus1d_18']
M = 2 ** 31 - 1


# Gradients (float64) compared after the training forward's cross-entropy (targets [1, 3]): early, middle and late
# weights (small ones, to keep the files small).
GRAD_KEYS = {
    'r3d_18': ['stem.0.weight', 'layer2.0.downsample.1.weight', 'layer4.0.downsample.0.weight', 'layer4.1.conv2.1.weight', 'fc.weight', 'fc.bias'],
    'mc3_18': ['stem.0.weight', 'layer2.0.downsample.0.weight', 'layer4.1.conv1.1.bias', 'fc.weight'],
    'r2plus1d_18': ['stem.0.weight', 'stem.4.bias', 'layer3.0.conv1.0.1.weight', 'layer4.1.conv2.0.1.weight', 'layer4.0.downsample.0.weight', 'fc.weight'],
}


def pattern(n, seed, low, high):
    i = torch.arange(n, dtype=torch.int64)
    x = ((i + seed) * 48271) % M
    u = ((x * x) % M).to(torch.float64) / M
    return low + (high - low) * u


def pattern_spec(key, shape, index):
    """(seed, low, high): uniform weights with kaiming fan_out's std, BN near identity, running stats near 0 / 1."""
    seed = 1000 * index + 1
    if key.endswith('num_batches_tracked'):
        return seed, 3, 3  # a constant: torch adds 1 per training forward
    if key == 'fc.weight' or key == 'fc.bias':
        return seed, -0.05, 0.05
    if len(shape) == 5:  # Conv3d weight (out, in, kt, kh, kw)
        std = math.sqrt(2.0 / (shape[0] * shape[2] * shape[3] * shape[4]))
        half = std * math.sqrt(3.0)
        return seed, -half, half
    if key.endswith('running_var') or key.endswith('.weight'):  # BN scale and variance around 1
        return seed, 0.5, 1.5
    return seed, -0.1, 0.1  # BN bias, running_mean


def resample_indices(frame_count, fps):
    """Indices of the source frames torchvision keeps going from fps to 15 fps (compute_clips_for_video's own path)."""
    pts = torch.arange(frame_count)
    clips, _ = VideoClips.compute_clips_for_video(pts, num_frames=1, step=1, fps=fps, frame_rate=15)
    return clips.flatten().tolist()


layouts = {'torch': torch.__version__, 'torchvision': torchvision.__version__, 'archs': {}}
for arch in ARCHS:
    torch.manual_seed(0)
    ref = getattr(video, arch)()  # 400 classes, torchvision's own init
    sd = ref.state_dict()
    keys = [{'key': k, 'shape': list(v.shape), 'dtype': str(v.dtype).replace('torch.', '')} for k, v in sd.items()]
    init = {k: {'mean': v.float().mean().item(), 'std': v.float().std().item()} for k, v in sd.items() if v.dtype == torch.float32}
    small = getattr(video, arch)(num_classes=5)
    spec = {k: pattern_spec(k, list(v.shape), i) for i, (k, v) in enumerate(small.state_dict().items())}
    weights_enum = {'r3d_18': video.R3D_18_Weights, 'mc3_18': video.MC3_18_Weights, 'r2plus1d_18': video.R2Plus1D_18_Weights}[arch]
    assert weights_enum.KINETICS400_V1.meta['num_params'] == sum(p.numel() for p in ref.parameters())
    layouts['archs'][arch] = {'keys': keys, 'init': init, 'num_params': weights_enum.KINETICS400_V1.meta['num_params'],
                              'pattern': {k: {'seed': s, 'low': lo, 'high': hi} for k, (s, lo, hi) in spec.items()}}

    weights = {k: pattern(v.numel(), *spec[k]).to(v.dtype).reshape(v.shape) for k, v in small.state_dict().items()}
    small.load_state_dict(weights, strict=True)
    torch.manual_seed(1)
    x = torch.randn(2, 3, 8, 32, 32)
    out = {'input': x}
    small.train()
    with torch.no_grad():
        logits = small(x)
    out['train_logits'] = logits
    out['train_loss'] = torch.nn.functional.cross_entropy(logits, torch.tensor([1, 3]))
    # The same forward and gradients in float64: training-mode BN over few values per channel (8 in layer4 here)
    # makes float32 gradients inexact by up to ~1e-3 of their largest value in torch itself; float64 shows whether
    # ours compute the same function.
    exact = getattr(video, arch)(num_classes=5)
    exact.load_state_dict(weights, strict=True)
    exact.double().train()
    logits64 = exact(x.double())
    torch.nn.functional.cross_entropy(logits64, torch.tensor([1, 3])).backward()
    out['train_logits64'] = logits64.detach()
    for k in GRAD_KEYS[arch]:
        out['grad64.' + k] = exact.get_parameter(k).grad.clone()
    for k, v in small.state_dict().items():
        if 'running_' in k or k.endswith('num_batches_tracked'):
            out[k] = v.clone()
    small.eval()
    with torch.no_grad():
        out['eval_logits'] = small(x)
        h = small.stem(x)
        for layer in (small.layer1, small.layer2, small.layer3, small.layer4):
            h = layer(h)
        out['eval_features'] = small.avgpool(h).flatten(1)
    assert torch.allclose(small.fc(out['eval_features']), out['eval_logits'], atol=1e-6)
    torch.save(out, os.path.join(here, f'resnet_{arch}_io.pth'))
    print(arch, 'eval logits', out['eval_logits'][0].tolist(), 'train logits', out['train_logits'][0].tolist())

torch.manual_seed(2)
frames = torch.randint(0, 256, (2, 3, 128, 171), dtype=torch.uint8)
preset = VideoClassification(crop_size=(112, 112), resize_size=(128, 171))
torch.save({'frames': frames, 'clip': preset(frames).contiguous()}, os.path.join(here, 'resnet_input_io.pth'))

layouts['resample_to_15fps'] = [
    {'frames': n, 'fps': fps, 'indices': resample_indices(n, fps)}
    for n, fps in [(100, 30), (101, 30), (100, 25), (37, 25), (300, 29.97), (50, 24), (40, 15), (20, 10)]
]
layouts['kinetics400_categories'] = list(_KINETICS400_CATEGORIES)
with open(os.path.join(here, 'resnet_layouts.json'), 'w') as f:
    json.dump(layouts, f, indent=1)
