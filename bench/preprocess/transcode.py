#!/usr/bin/python3
"""Re-encodes every video under SRC into DST with Debian's cv2 (its own FFmpeg): XVID .avi (MPEG-4 part 2,
as UCF101 is stored), avc1 .mp4 (H.264, as most recent datasets) or MJPG .avi. With MIN_FRAMES and MAX_FRAMES
the k-th video (sorted order) keeps 125 + (37 k mod 101)-style varied lengths in [MIN_FRAMES, MAX_FRAMES]
(at 25 fps, 125-225 frames are 5-9 s, UCF101's typical range); without them every frame is kept.
Usage: transcode.py SRC DST xvid|h264|mjpg [MIN_FRAMES MAX_FRAMES]"""
import os
import sys

import cv2

src, dst, codec = sys.argv[1], sys.argv[2], sys.argv[3]
low, high = (int(sys.argv[4]), int(sys.argv[5])) if len(sys.argv) > 5 else (None, None)
fourcc, ext = {'xvid': ('XVID', '.avi'), 'h264': ('avc1', '.mp4'), 'mjpg': ('MJPG', '.avi')}[codec]
k = 0
for action in sorted(os.listdir(src)):
    os.makedirs(os.path.join(dst, action), exist_ok=True)
    for video in sorted(os.listdir(os.path.join(src, action))):
        limit = None if low is None else low + (37 * k) % (high - low + 1)
        k += 1
        capture = cv2.VideoCapture(os.path.join(src, action, video))
        fps = capture.get(cv2.CAP_PROP_FPS)
        size = (int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)))
        name = os.path.splitext(video)[0] + ext
        writer = cv2.VideoWriter(os.path.join(dst, action, name), cv2.VideoWriter_fourcc(*fourcc), fps, size)
        if not writer.isOpened():
            sys.exit(f'this cv2 cannot write {fourcc}')
        n = 0
        while limit is None or n < limit:
            ok, frame = capture.read()
            if not ok:
                break
            writer.write(frame)
            n += 1
        writer.release()
        capture.release()
