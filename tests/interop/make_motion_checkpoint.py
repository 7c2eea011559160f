"""Trains the narrow C3D that the predict tests use, on generated motion clips, and saves it as
tests/C3dNet.Tests/Fixtures/motion_narrow.pth.tar ({'epoch', 'state_dict', 'class_names', 'model_config'}).
    /usr/bin/python3 tests/interop/make_motion_checkpoint.py
The clips follow tests/C3dNet.Tests/Inference/MotionVideos.cs: a bright 16-px square moving right,
left, down or up (wrapping) over a dark noisy 80x64 background, speed 1.2-2.0 px per frame; sampled
as predict samples them: every 2nd frame, resized to 40x32 (bilinear), centre crop 32 (columns 4..36),
BGR minus mean [90, 98, 102], divided by 64. Each frame goes through JPEG (quality 95) as the test
videos go through MJPG. Training in a test would take minutes on 2 cores; this takes a few once.
"""
import os, sys, time
import numpy as np
import cv2
import torch
here = os.path.dirname(os.path.abspath(__file__))
fixtures = os.path.join(here, '..', 'C3dNet.Tests', 'Fixtures')
sys.path.insert(0, fixtures)
from c3d_reference import C3D

CLASSES = ['MoveRight', 'MoveLeft', 'MoveDown', 'MoveUp']
W, H, SIDE = 80, 64, 16
CONFIG = {'num_classes': 4, 'clip_length': 16, 'crop_size': 32, 'width_multiplier': 0.0625, 'mean': [90.0, 98.0, 102.0],
          'input_scale': 64.0, 'channel_order': 'BGR', 'frame_step': 2, 'resize_width': 40, 'resize_height': 32}
DIRS = [(1, 0), (-1, 0), (0, 1), (0, -1)]


def render(cls, x0, y0, speed, bright, rng, t):
    frame = (35 + rng.integers(0, 20, size=(H, W, 3))).astype(np.uint8)
    dx, dy = DIRS[cls]
    x = int(round(x0 + dx * speed * t)) % W
    y = int(round(y0 + dy * speed * t)) % H
    for ox in (0, -W):
        for oy in (0, -H):
            cv2.rectangle(frame, (x + ox, y + oy), (x + ox + SIDE - 1, y + oy + SIDE - 1), (bright,) * 3, -1)
    ok, jpg = cv2.imencode('.jpg', frame, [cv2.IMWRITE_JPEG_QUALITY, 95])
    return cv2.imdecode(jpg, cv2.IMREAD_COLOR)


def clip(cls, rng):
    x0, y0, speed, bright = rng.random() * W, rng.random() * H, 1.2 + rng.random() * 0.8, 170 + int(rng.integers(0, 80))
    t0 = int(rng.integers(0, 40))
    frames = []
    for k in range(16):
        small = cv2.resize(render(cls, x0, y0, speed, bright, rng, t0 + 2 * k), (40, 32), interpolation=cv2.INTER_LINEAR)
        frames.append(small[0:32, 4:36].astype(np.float32))
    x = (np.stack(frames) - np.array(CONFIG['mean'], dtype=np.float32)) / CONFIG['input_scale']
    return x.transpose(3, 0, 1, 2)  # (3, T, S, S)


torch.manual_seed(3)
torch.set_num_threads(2)
rng = np.random.default_rng(7)
model = C3D(num_classes=4, width=CONFIG['width_multiplier'], crop=32)
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
recent, start = [], time.time()
model.train()
for step in range(1000):
    labels = rng.integers(0, 4, size=16)
    x = torch.from_numpy(np.stack([clip(int(c), rng) for c in labels]))
    y = torch.from_numpy(labels).long()
    logits = model(x)
    loss = torch.nn.functional.cross_entropy(logits, y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    recent = (recent + [(logits.argmax(1) == y).float().mean().item()])[-20:]
    if step % 20 == 0:
        print(f'step {step} loss {loss.item():.3f} acc(last 20) {np.mean(recent):.3f} {time.time() - start:.0f}s', flush=True)
    if len(recent) == 20 and np.mean(recent) >= 0.99:
        break

model.eval()
correct = 0
with torch.no_grad():
    for i in range(200):
        c = i % 4
        correct += int(model(torch.from_numpy(clip(c, rng))[None]).argmax(1).item() == c)
print(f'steps {step + 1}, held-out clip accuracy {correct / 200:.3f}')
torch.save({'epoch': step + 1, 'state_dict': model.state_dict(), 'class_names': CLASSES, 'model_config': CONFIG},
           os.path.join(fixtures, 'motion_narrow.pth.tar'))
