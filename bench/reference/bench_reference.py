"""The reference side of `c3d bench`: the same compute figures measured with PyTorch running the
reference C3D (tests/C3dNet.Tests/Fixtures/c3d_reference.py is the seed's network with a width option) and
torchvision's r3d_18, mc3_18 and r2plus1d_18 (400 classes; keys <arch>_infer_fp32_bs1_clips_per_s, ...).
Run with Debian's python3-torch (torch 1.13) and python3-torchvision (0.14), 2 threads:
    /usr/bin/python3 bench/reference/bench_reference.py [--quick] [--arch all|c3d|r3d_18|mc3_18|r2plus1d_18] > reference.json
Prints one JSON object with the same flat keys as `c3d bench --json`.
"""
import argparse, json, os, platform, statistics, sys, time
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..', 'tests', 'C3dNet.Tests', 'Fixtures'))
from c3d_reference import C3D, lr_groups, scaled  # noqa: E402


def native_bf16():
    """As `c3d bench`: without avx512_bf16/amx_bf16, bf16 Conv3d is emulated and full sizes take most of an hour."""
    try:
        flags = open('/proc/cpuinfo').read()
    except OSError:
        return False
    return 'avx512_bf16' in flags or 'amx_bf16' in flags


def rate(work, warmup, runs, fn):
    for _ in range(warmup):
        fn()
    rates = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        rates.append(work / (time.perf_counter() - t))
    return statistics.median(rates), min(rates), max(rates)


RESNETS = ['r3d_18', 'mc3_18', 'r2plus1d_18']


def video_resnet(arch, quick, warm, infer_runs, train_runs, put):
    """As `c3d bench` (VideoResNetBenchmark): torchvision's model, 400 classes, clips 16x112x112 (quick: 8x32x32)."""
    from torchvision.models import video
    clip, crop = (8, 32) if quick else (16, 112)
    torch.manual_seed(1)
    model = getattr(video, arch)(num_classes=400).eval()
    with torch.no_grad():
        for batch in (1, 8):
            x = torch.randn(batch, 3, clip, crop, crop)
            put(f'{arch}_infer_fp32_bs{batch}_clips_per_s', rate(batch, warm, infer_runs, lambda: model(x)))
    model.train()
    head = [p for n, p in model.named_parameters() if n.startswith('fc.')]
    base = [p for n, p in model.named_parameters() if not n.startswith('fc.')]
    opt = torch.optim.SGD([{'params': base, 'lr': 1e-3}, {'params': head, 'lr': 1e-2}], lr=1e-3, momentum=0.9, weight_decay=5e-4)
    x, y = torch.randn(4, 3, clip, crop, crop), torch.randint(400, (4,))

    def step():
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
    put(f'{arch}_train_fp32_bs4_clips_per_s', rate(4, warm, train_runs, step))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--quick', action='store_true')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--arch', default='all', choices=['all', 'c3d'] + RESNETS)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    width, n, warm, runs, infer_runs, train_runs = (0.125, 512, 1, 2, 1, 1) if args.quick else (1.0, 2048, 1, 5, 3, 2)
    out = {'machine': {'torch': torch.__version__, 'threads': torch.get_num_threads(), 'python': platform.python_version()}}
    spread = {}

    def put(key, triple):
        out[key] = round(triple[0], 4)
        spread[key] = {'median': triple[0], 'min': triple[1], 'max': triple[2]}

    for arch in RESNETS:
        if args.arch in ('all', arch):
            video_resnet(arch, args.quick, warm, infer_runs, train_runs, put)
    if args.arch not in ('all', 'c3d'):
        out['runs'] = spread
        out['quick'] = args.quick
        print(json.dumps(out, indent=2))
        return

    bf16_full = args.quick or native_bf16()
    with torch.no_grad():
        for dtype, name in ((torch.float32, 'fp32'), (torch.bfloat16, 'bf16')):
            reduced = dtype == torch.bfloat16 and not bf16_full  # the same reduced sizes as c3d bench
            size = 256 if reduced else n
            batch, depth, side = (1, 2, 14) if reduced else (4, 8, 28)
            a, b = torch.randn(size, size).to(dtype), torch.randn(size, size).to(dtype)
            put(f'matmul_{name}_gflops', rate(2 * size ** 3 / 1e9, warm, runs, lambda: a @ b))
            cin, cout = scaled(128, width), scaled(256, width)
            x = torch.randn(batch, cin, depth, side, side).to(dtype)
            w = (torch.randn(cout, cin, 3, 3, 3) * 0.01).to(dtype)
            try:
                put(f'conv3d_{name}_peak_gflops', rate(2 * cout * cin * 27 * depth * side * side * batch / 1e9, warm, runs,
                                                       lambda: torch.nn.functional.conv3d(x, w, padding=1)))
            except RuntimeError as e:  # bf16 Conv3d may be missing on CPU in older torch
                out[f'conv3d_{name}_peak_gflops'] = None
                out[f'conv3d_{name}_error'] = str(e)[:200]

        model = C3D(num_classes=101, width=width).eval()
        for dtype, name in ((torch.float32, 'fp32'), (torch.bfloat16, 'bf16')):
            if dtype == torch.bfloat16 and not bf16_full:
                for batch in (1, 8):
                    out[f'infer_bf16_bs{batch}_clips_per_s'] = None
                    out[f'infer_bf16_bs{batch}_skipped'] = 'no native bf16 on this CPU (as c3d bench)'
                continue
            m = model.to(dtype)
            for batch in (1, 8):
                x = torch.randn(batch, 3, 16, 112, 112).to(dtype)
                key = f'infer_{name}_bs{batch}_clips_per_s'
                try:
                    put(key, rate(batch, warm, infer_runs, lambda: m(x)))
                except RuntimeError as e:
                    out[key] = None
                    out[key.replace('clips_per_s', 'error')] = str(e)[:200]
        model.to(torch.float32)

    model = C3D(num_classes=101, width=width).train()
    opt = torch.optim.SGD(lr_groups(model, 1e-3), lr=1e-3, momentum=0.9, weight_decay=5e-4)
    x, y = torch.randn(4, 3, 16, 112, 112) * 50, torch.randint(101, (4,))

    def step():
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
    put('train_fp32_bs4_clips_per_s', rate(4, warm, train_runs, step))
    out['runs'] = spread
    out['quick'] = args.quick
    print(json.dumps(out, indent=2))


if __name__ == '__main__':
    main()
