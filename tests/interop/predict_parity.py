"""Parity of `c3d predict` with the reference PyTorch code on a folder of 16 frames.
    /usr/bin/python3 tests/interop/predict_parity.py [--make]
--make writes the frames (tests/C3dNet.Tests/Fixtures/parity_frames/00001.jpg … 00016.jpg, 171x128,
a moving pattern) first. Then it runs the reference inference on those files as the reference's
inference.py does (cv2.imread → BGR, centre crop [8:120, 30:142], minus [90, 98, 102], (1,3,16,112,112),
softmax) with the reference checkpoint Fixtures/ref_narrow.pth.tar, and writes the probabilities to
Fixtures/parity_expected.json, which PredictParityTests compares with our predict.
"""
import json, os, sys
import numpy as np
import cv2
import torch
here = os.path.dirname(os.path.abspath(__file__))
fixtures = os.path.join(here, '..', 'C3dNet.Tests', 'Fixtures')
sys.path.insert(0, fixtures)
from c3d_reference import C3D

frames_dir = os.path.join(fixtures, 'parity_frames')
if '--make' in sys.argv:
    os.makedirs(frames_dir, exist_ok=True)
    yy, xx = np.mgrid[0:128, 0:171]
    for i in range(16):
        img = np.zeros((128, 171, 3), np.uint8)
        img[..., 0] = (128 + 100 * np.sin((xx + 6 * i) / 9.0)).astype(np.uint8)
        img[..., 1] = (128 + 100 * np.cos((yy - 3 * i) / 7.0)).astype(np.uint8)
        img[..., 2] = ((xx + yy + 10 * i) % 256).astype(np.uint8)
        cv2.circle(img, (30 + 7 * i, 64), 18, (250, 240, 30), -1)
        cv2.imwrite(os.path.join(frames_dir, f'{i + 1:05d}.jpg'), img, [cv2.IMWRITE_JPEG_QUALITY, 92])

names = sorted(os.listdir(frames_dir), key=lambda n: int(os.path.splitext(n)[0]))
clip = np.stack([cv2.imread(os.path.join(frames_dir, n))[8:120, 30:142].astype(np.float32) for n in names])
clip -= np.array([[[[90.0, 98.0, 102.0]]]], dtype=np.float32)
x = torch.from_numpy(clip.transpose(3, 0, 1, 2)[None].copy())

ckpt = torch.load(os.path.join(fixtures, 'ref_narrow.pth.tar'), map_location='cpu')
model = C3D(num_classes=5, width=0.125)
model.load_state_dict(ckpt['state_dict'])
model.eval()
with torch.no_grad():
    logits = model(x)
probs = torch.nn.functional.softmax(logits, dim=1)[0]
log_probs = torch.nn.functional.log_softmax(logits, dim=1)[0]
top = torch.argsort(probs, descending=True).tolist()
out = {'frames': names, 'probs': probs.tolist(), 'log_probs': log_probs.tolist(), 'top5': top}
with open(os.path.join(fixtures, 'parity_expected.json'), 'w') as f:
    json.dump(out, f, indent=1)
print(json.dumps(out))
