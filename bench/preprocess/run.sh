#!/usr/bin/env bash
# Preprocessing speed on the same videos, back to back: the reference (Python + Debian's cv2, one process),
# `c3d preprocess --decoder ffmpeg` (the system's FFmpeg), `c3d preprocess --decoder opencv` (OpenCvSharp's
# bundled FFmpeg), and the decode floor (Debian's `ffmpeg -threads 1 -i V -f null -` per video, less its start-up).
# Usage: bench/preprocess/run.sh [WORKDIR] [ROUNDS]
# Env: CLASSES (8) PER_CLASS (15) MIN_FRAMES (125) MAX_FRAMES (225) WIDTH (320) HEIGHT (240) JOBS (c3d's default)
#      CODECS ("xvid h264 mjpg") TOOLS ("ref ffmpeg opencv floor").
# The set is rendered by `c3d generate-data` at UCF101's frame size and re-encoded by Debian's cv2 (transcode.py)
# as MPEG-4 part 2 (XVID .avi, UCF101's codec), H.264 (.mp4) and Motion-JPEG (.avi), 5-9 s at 25 fps (varied
# lengths). Each round runs every tool on fresh output folders (deleting thousands of files just before a run
# slows ext4's file creation), rotating which goes first. Prints wall and cpu (user+sys, /usr/bin/time) per
# tool; on a loaded machine trust cpu, and rerun on a quiet one for wall.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
work="${1:-/tmp/c3d-bench-preprocess}"
rounds="${2:-3}"
jobs="${JOBS:-}"
tools="${TOOLS:-ref ffmpeg opencv floor}"
py=/usr/bin/python3
lo="${MIN_FRAMES:-125}" hi="${MAX_FRAMES:-225}"

if [ ! -d "$work/videos-source" ]; then
  "$root/c3d" generate-data --out "$work/videos-source" --classes "${CLASSES:-8}" --videos-per-class "${PER_CLASS:-15}" \
    --frames "$hi" --width "${WIDTH:-320}" --height "${HEIGHT:-240}" --seed 1 >/dev/null
fi
for codec in ${CODECS:-xvid h264 mjpg}; do
  [ -d "$work/videos-$codec" ] || "$py" "$here/transcode.py" "$work/videos-source" "$work/videos-$codec" "$codec" "$lo" "$hi"
done
"$root/c3d" --help >/dev/null # build once, outside the timings
rm -rf "$work/runs"; mkdir -p "$work/runs"

# Runs a command; prints "wall cpu" in seconds.
timed() { /usr/bin/time -f '%e %U %S' -o "$work/time.txt" "$@" >/dev/null 2>&1; awk '{ printf "%.2f %.2f", $1, $2 + $3 }' "$work/time.txt"; }
floor_all() { find "$1" -type f | sort | while read -r v; do ffmpeg -nostdin -loglevel error -threads 1 -i "$v" -f null -; done; }
run_tool() { # tool videos out
  case "$1" in
    ref) timed "$py" "$here/reference_preprocess.py" "$2" "$3" ;;
    ffmpeg|opencv) timed "$root/c3d" preprocess --videos "$2" --out "$3" ${jobs:+--jobs "$jobs"} --decoder "$1" ;;
    floor) timed bash -c "$(declare -f floor_all); floor_all '$2'" ;;
  esac
}
# ffmpeg's own start-up (cpu per process), measured on a one-frame video and taken off the floor.
ffmpeg -nostdin -loglevel error -y -f lavfi -i testsrc=size=320x240:rate=25:duration=0.04 -c:v mpeg4 "$work/one.avi"
startup=$(for i in 1 2 3 4 5 6 7 8 9 10; do run_tool floor "$work/one.avi" /dev/null; echo; done | awk '{ s += $2 } END { printf "%.4f", s / NR }')

echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load average before: $(cut -d' ' -f1-3 /proc/loadavg); c3d --jobs ${jobs:-default}; ffmpeg start-up ${startup} s cpu"
for codec in ${CODECS:-xvid h264 mjpg}; do
  videos="$work/videos-$codec"
  n=$(find "$videos" -type f | wc -l)
  frames=$(find "$videos" -type f | head -1000 | while read -r v; do ffprobe -v error -count_packets -select_streams v -show_entries stream=nb_read_packets -of csv=p=0 "$v"; done | awk '{ s += $1 } END { print s }')
  for round in $(seq "$rounds"); do
    order=($tools); shift_by=$(( (round - 1) % ${#order[@]} ))
    order=("${order[@]:$shift_by}" "${order[@]:0:$shift_by}")
    declare -A wall cpu written
    for tool in "${order[@]}"; do
      out="$work/runs/$codec-$round-$tool"
      read -r w c <<<"$(run_tool "$tool" "$videos" "$out")"
      wall[$tool]=$w cpu[$tool]=$c
      written[$tool]=$( [ -d "$out" ] && find "$out" -name '*.jpg' | wc -l || echo -)
    done
    line="$codec round $round: $n videos, $frames frames |"
    for tool in $tools; do
      c=${cpu[$tool]}; w=${wall[$tool]}
      [ "$tool" = floor ] && c=$(awk -v c="$c" -v s="$startup" -v n="$n" 'BEGIN { printf "%.2f", c - s * n }')
      line+=" $tool ${w} s wall, ${c} s cpu ($(awk -v c="$c" -v n="$n" 'BEGIN { printf "%.1f", 1000 * c / n }') ms cpu/video), ${written[$tool]} frames |"
    done
    if [[ " $tools " == *" ref "* ]]; then
      for tool in ffmpeg opencv; do
        [[ " $tools " == *" $tool "* ]] || continue
        line+=" $tool vs ref: $(awk -v r="${wall[ref]}" -v o="${wall[$tool]}" 'BEGIN { printf "%.2f", r / o }')x wall, $(awk -v r="${cpu[ref]}" -v o="${cpu[$tool]}" 'BEGIN { printf "%.2f", r / o }')x cpu |"
      done
    fi
    echo "$line load $(cut -d' ' -f1 /proc/loadavg)"
    unset wall cpu written
    rm -rf "$work/runs/$codec-$round-"*
  done
done
rm -rf "$work/runs"
