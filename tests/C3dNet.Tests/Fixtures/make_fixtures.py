"""Makes the PyTorch fixtures the C# tests compare against. Run with Debian's python3-torch:
    /usr/bin/python3 tests/C3dNet.Tests/Fixtures/make_fixtures.py
Outputs (next to this script):
  ref_narrow.pth.tar     reference train.py checkpoint {'epoch','state_dict','opt_dict'}, width 0.125, 5 classes,
                         after two SGD steps at lr 1e-4 (momentum buffers set) with StepLR, epoch 3
  ref_narrow_io.pth      {'input': (2,3,16,112,112) clip batch, 'logits': what PyTorch computes in eval mode,
                          'fc6': fc6 activations after ReLU, 'fc7': fc7 after ReLU}
  pretrained_narrow.pth  Sports-1M layout (features.N / classifier.N, 487-class classifier.6), width 0.125
  legacy_format.pth      a state_dict in the pre-1.6 (non-zip) format
"""
import os
import torch
from c3d_reference import C3D, lr_groups, SPORTS1M_KEYS

here = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(1234)
W = 0.125

model = C3D(num_classes=5, width=W)
opt = torch.optim.SGD(lr_groups(model, 1e-4), lr=1e-4, momentum=0.9, weight_decay=5e-4)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.1)
model.train()
for _ in range(2):
    x = torch.randn(2, 3, 16, 112, 112)
    y = torch.tensor([1, 3])
    opt.zero_grad()
    loss = torch.nn.functional.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
sched.step()
torch.save({'epoch': 3, 'state_dict': model.state_dict(), 'opt_dict': opt.state_dict()},
           os.path.join(here, 'ref_narrow.pth.tar'))

model.eval()
inp = torch.randn(2, 3, 16, 112, 112) * 60
with torch.no_grad():
    logits = model(inp)
    fc6 = torch.relu(model.fc6(model.conv_features(inp)))
    fc7 = torch.relu(model.fc7(fc6))
torch.save({'input': inp, 'logits': logits, 'fc6': fc6, 'fc7': fc7}, os.path.join(here, 'ref_narrow_io.pth'))

sports = C3D(num_classes=487, width=W)
sd = sports.state_dict()
pre = {}
for ours, theirs in SPORTS1M_KEYS.items():
    pre[theirs + '.weight'] = sd[ours + '.weight']
    pre[theirs + '.bias'] = sd[ours + '.bias']
pre['classifier.6.weight'] = sd['fc8.weight']
pre['classifier.6.bias'] = sd['fc8.bias']
torch.save(pre, os.path.join(here, 'pretrained_narrow.pth'))

torch.save({'w': torch.ones(3)}, os.path.join(here, 'legacy_format.pth'), _use_new_zipfile_serialization=False)
print('logits', logits)
