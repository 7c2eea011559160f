"""Checks that video ResNet state_dicts written by C3dNet load into torchvision's models with strict=True and give
torchvision's logits. Files are named <arch>_state_dict.pth (arch: r3d_18, mc3_18, r2plus1d_18); the C# test
VideoResNetTests.Torchvision_weights_give_its_logits_... writes them (the fixture's weights after our training-mode
forward) and keeps them in a folder when asked:
    C3D_RESNET_INTEROP_DIR=/tmp/interop dotnet test tests/C3dNet.Tests -c Release --filter "FullyQualifiedName~VideoResNetTests"
    /usr/bin/python3 tests/interop/check_torchvision_load.py /tmp/interop/*_state_dict.pth
Exits 1 if any file fails.
"""
import os
import sys

import torch
from torchvision.models import video

fixtures = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'C3dNet.Tests', 'Fixtures')
failed = 0
for path in sys.argv[1:]:
    arch = os.path.basename(path).replace('_state_dict.pth', '')
    try:
        sd = torch.load(path, map_location='cpu')
        model = getattr(video, arch)(num_classes=sd['fc.weight'].shape[0])
        model.load_state_dict(sd, strict=True)
        model.eval()
        io = torch.load(os.path.join(fixtures, f'resnet_{arch}_io.pth'))
        with torch.no_grad():
            logits = model(io['input'])
        diff = (logits - io['eval_logits']).abs().max().item()
        scale = io['eval_logits'].abs().max().item()
        nbt = [v.item() for k, v in sd.items() if k.endswith('num_batches_tracked')]
        print(f'{path}: {arch} loaded strictly ({len(sd)} keys, {sum(p.numel() for p in model.parameters())} parameters, '
              f'num_batches_tracked {set(nbt)}); eval logits differ from the fixture by {diff:.2e} (max |logit| {scale:.3f})')
        if diff > 1e-4 * scale:
            raise ValueError('logits differ')
    except Exception as e:  # report every file, then fail
        failed += 1
        print(f'{path}: FAILED: {e}')
sys.exit(1 if failed else 0)
