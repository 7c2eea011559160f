"""Prints ours vs reference and the ratio for every shared key, and the targets of the speed issue."""
import glob, json, os, sys

out = sys.argv[1]
ours = json.load(open(os.path.join(out, 'ours.json')))
ref = {}
for f in sorted(glob.glob(os.path.join(out, '*.json'))):
    if not f.endswith('ours.json'):
        ref.update({k: v for k, v in json.load(open(f)).items() if isinstance(v, (int, float)) and not isinstance(v, bool)})

print(f"{'measure':42} {'ours':>10} {'reference':>10} {'ratio':>7}")
for key, value in ours.items():
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        continue
    r = ref.get(key)
    ratio = f"{value / r:7.2f}" if r else '      -'
    print(f"{key:42} {value:10.3f} {r if r is not None else float('nan'):10.3f} {ratio}")

def ratio(ours_key, ref_key):
    a, b = ours.get(ours_key), ref.get(ref_key)
    return a / b if a and b else None

targets = [
    ('inference fp32 batch 1 vs reference', ratio('infer_fp32_bs1_clips_per_s', 'infer_fp32_bs1_clips_per_s'), 3.0),
    ('inference bf16 batch 1 vs reference fp32 batch 1', ratio('infer_bf16_bs1_clips_per_s', 'infer_fp32_bs1_clips_per_s'), 8.0),
    ('train step batch 4 vs reference', ratio('train_fp32_bs4_clips_per_s', 'train_fp32_bs4_clips_per_s'), 1.0),
    ('preprocessing videos/s vs reference', ratio('preprocess_videos_per_s', 'preprocess_videos_per_s'), 2.5),
    ('preprocessing XVID, --decoder ffmpeg vs reference', ratio('preprocess_videos_per_s_ffmpeg', 'preprocess_videos_per_s_xvid'), 2.5),
    ('preprocessing XVID, --decoder opencv vs reference', ratio('preprocess_videos_per_s_opencv', 'preprocess_videos_per_s_xvid'), 2.5),
    ('loader clips/s vs reference', ratio('loader_clips_per_s', 'loader_clips_per_s'), 5.0),
    *[(f'{arch} {what} vs torchvision', ratio(f'{arch}_{key}', f'{arch}_{key}'), 1.0)
      for arch in ('r3d_18', 'mc3_18', 'r2plus1d_18')
      for what, key in (('inference fp32 batch 1', 'infer_fp32_bs1_clips_per_s'), ('inference fp32 batch 8', 'infer_fp32_bs8_clips_per_s'),
                        ('train step batch 4', 'train_fp32_bs4_clips_per_s'))],
    ('fp32 inference (best batch) share of Conv3d peak',
     max(ours.get('infer_fp32_bs1_share_of_conv3d_peak', 0), ours.get('infer_fp32_bs8_share_of_conv3d_peak', 0)) or None, 0.5),
]
print('\ntargets')
for name, value, target in targets:
    state = '-' if value is None else ('met' if value >= target else 'NOT met')
    if value is None and 'bf16' in name and ours.get('infer_bf16_bs1_skipped'):
        state = 'not measured: no native bf16 on this CPU (see bench/README.md)'

    shown = '-' if value is None else f'{value:.2f}'
    print(f"  {name:52} {shown:>7}  target >= {target:<4} {state}")
