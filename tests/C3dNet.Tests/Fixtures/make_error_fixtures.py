"""Makes the fixtures of files that are not checkpoints, for the loader's error messages. Run with Debian's python3-torch:
    /usr/bin/python3 tests/C3dNet.Tests/Fixtures/make_error_fixtures.py
Outputs (next to this script):
  bare_tensor.pth   torch.save of a bare tensor (not a dict): what torch.save(model.fc8.weight, path) gives
"""
import os
import torch

here = os.path.dirname(os.path.abspath(__file__))
torch.save(torch.arange(6, dtype=torch.float32).reshape(2, 3), os.path.join(here, 'bare_tensor.pth'))
