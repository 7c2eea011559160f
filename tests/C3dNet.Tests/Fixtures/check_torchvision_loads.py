"""Checks that checkpoints c3d wrote for the video ResNets load into torchvision's own models with strict=True.
Run with Debian's python3-torch 1.13 and python3-torchvision 0.14:
    /usr/bin/python3 tests/C3dNet.Tests/Fixtures/check_torchvision_loads.py CHECKPOINT.pth.tar [...]
e.g. on the last.pth.tar of `c3d train --pretrained r3d_18-....pth` (a fine-tuning run). For each file: reads
'state_dict' and 'model_config' (architecture, class count, clip and crop), builds
torchvision.models.video.<architecture>(num_classes=N), load_state_dict(strict=True), runs one seeded clip in eval
mode, and prints the architecture, the class count and the logits. Exits 1 on the first file that does not load.
The test suite holds no such file (a full-width ResNet checkpoint is ~130 MB); FineTuneTests checks our side.
"""
import json
import sys

import torch
from torchvision.models import video


def check(path):
    ckpt = torch.load(path, map_location='cpu')
    config = ckpt['model_config']
    if isinstance(config, str):
        config = json.loads(config)
    arch, classes = config['architecture'], config['num_classes']
    model = getattr(video, arch)(num_classes=classes)
    model.load_state_dict(ckpt['state_dict'], strict=True)
    model.eval()
    torch.manual_seed(0)
    x = torch.randn(1, 3, config['clip_length'], config['crop_size'], config['crop_size'])
    with torch.no_grad():
        logits = model(x)[0]
    print(json.dumps({'file': path, 'architecture': arch, 'num_classes': classes, 'strict': True,
                      'class_names': ckpt.get('class_names'), 'logits': [round(v, 6) for v in logits.tolist()]}))


def main():
    if len(sys.argv) < 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    for path in sys.argv[1:]:
        try:
            check(path)
        except Exception as e:  # noqa: BLE001 -- one line naming the file and the problem
            print(f'{path}: does not load into torchvision: {e}', file=sys.stderr)
            sys.exit(1)


if __name__ == '__main__':
    main()
