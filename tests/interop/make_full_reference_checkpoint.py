"""Writes a full-size reference checkpoint as the reference train.py does (101 classes, SGD with
momentum after one step, StepLR), for checking `./c3d info` and `./c3d train --resume` by hand:
    /usr/bin/python3 tests/interop/make_full_reference_checkpoint.py OUT.pth.tar
"""
import os, sys
import torch
sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'C3dNet.Tests', 'Fixtures'))
from c3d_reference import C3D, lr_groups

out = sys.argv[1]
torch.manual_seed(0)
torch.set_num_threads(2)
model = C3D(num_classes=101)
opt = torch.optim.SGD(lr_groups(model, 1e-3), lr=1e-3, momentum=0.9, weight_decay=5e-4)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=10, gamma=0.1)
loss = torch.nn.functional.cross_entropy(model(torch.randn(1, 3, 16, 112, 112)), torch.tensor([7]))
loss.backward()
opt.step()
sched.step()
torch.save({'epoch': 12, 'state_dict': model.state_dict(), 'opt_dict': opt.state_dict()}, out)
print('params', sum(p.numel() for p in model.parameters()))
