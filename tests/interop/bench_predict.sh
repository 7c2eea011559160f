#!/usr/bin/env bash
# End-to-end `c3d predict` benchmark (decode, sampling, inference): the full C3D (101 classes) on a
# 25 fps 320x240 video, stride 16, fp32 and bf16. Prints clips/s and the real-time factor (from the
# CLI's own timing line) and the peak resident memory (/usr/bin/time).
#   [PRECISIONS="fp32 bf16"] tests/interop/bench_predict.sh [SECONDS=60] [BATCH=4] [WORKDIR=/tmp/c3d-bench]
# On CPUs without native bf16 (AVX512-BF16/AMX) bf16 is emulated and takes minutes per clip.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
seconds="${1:-60}" batch="${2:-4}" work="${3:-/tmp/c3d-bench}"
mkdir -p "$work"
ckpt="$work/full.pth.tar" video="$work/video_${seconds}s.avi"
[ -f "$ckpt" ] || /usr/bin/python3 "$root/tests/interop/make_full_reference_checkpoint.py" "$ckpt" >/dev/null
[ -f "$video" ] || /usr/bin/python3 - "$video" "$seconds" <<'PY'
import sys, numpy as np, cv2
path, seconds = sys.argv[1], int(sys.argv[2])
w = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'MJPG'), 25, (320, 240))
yy, xx = np.mgrid[0:240, 0:320]
for t in range(25 * seconds):
    img = np.zeros((240, 320, 3), np.uint8)
    img[..., 0] = (128 + 90 * np.sin((xx + 3 * t) / 17.0)).astype(np.uint8)
    img[..., 1] = (128 + 90 * np.cos((yy + 2 * t) / 13.0)).astype(np.uint8)
    img[..., 2] = ((xx + yy + t) % 256).astype(np.uint8)
    cv2.circle(img, (int(160 + 120 * np.sin(t / 20)), 120), 30, (255, 255, 255), -1)
    w.write(img)
w.release()
PY
labels="$root/../shared/data/labels/ucf101_labels.txt"
[ -f "$labels" ] || labels=/work/shared/data/labels/ucf101_labels.txt
"$root/c3d" info "$ckpt" >/dev/null # builds once, outside the timing
for precision in ${PRECISIONS:-fp32 bf16}; do
  /usr/bin/time -v "$root/c3d" predict "$video" --checkpoint "$ckpt" --labels "$labels" --stride 16 \
    --batch-size "$batch" --precision "$precision" --device cpu --json >"$work/$precision.json" 2>"$work/$precision.log"
  speed=$(grep -o '[0-9.]* clips/s, [0-9.]*x real time' "$work/$precision.log" | tr -d '\n')
  rss=$(awk '/Maximum resident set size/ {printf "%.0f MiB", $6 / 1024}' "$work/$precision.log")
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$work/$precision.log")
  echo "$precision batch $batch, ${seconds}s video: $speed; process wall $wall (with start-up and loading), peak RSS $rss"
done
