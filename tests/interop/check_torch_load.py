"""Checks that a checkpoint written by c3d loads in PyTorch: torch.load, then the reference C3D
with load_state_dict(strict=True), and an SGD with the reference's two groups takes opt_dict.
    /usr/bin/python3 tests/interop/check_torch_load.py CKPT.pth.tar
"""
import os, sys
import torch
sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'C3dNet.Tests', 'Fixtures'))
from c3d_reference import C3D, lr_groups

ckpt = torch.load(sys.argv[1], map_location='cpu')
print('keys:', sorted(ckpt.keys()))
cfg = ckpt.get('model_config', {})
width = cfg.get('width_multiplier', 1.0)
model = C3D(num_classes=ckpt['state_dict']['fc8.weight'].shape[0], width=width,
            clip_len=cfg.get('clip_length', 16), crop=cfg.get('crop_size', 112))
model.load_state_dict(ckpt['state_dict'], strict=True)
print('state_dict: loaded strictly;', sum(p.numel() for p in model.parameters()), 'parameters')
if 'opt_dict' in ckpt:
    opt = torch.optim.SGD(lr_groups(model, 1e-3), lr=1e-3, momentum=0.9, weight_decay=5e-4)
    opt.load_state_dict(ckpt['opt_dict'])
    print('opt_dict: loaded;', len(opt.state), 'parameter states; lrs', [g['lr'] for g in opt.param_groups])
print('epoch:', ckpt.get('epoch'), 'classes:', ckpt.get('class_names'))
