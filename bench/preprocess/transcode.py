#!/usr/bin/python3
"""Re-encodes every video under SRC into DST with Debian's cv2 (its own FFmpeg): XVID .avi (MPEG-4 part 2,
as UCF101 is stored) or avc1 .mp4 (H.264, as most recent datasets). Usage: transcode.py SRC DST xvid|h264"""
import os
import sys

import cv2

src, dst, codec = sys.argv[1], sys.argv[2], sys.argv[3]
fourcc, ext = {'xvid': ('XVID', '.avi'), 'h264': ('avc1', '.mp4')}[codec]
for action in sorted(os.listdir(src)):
    os.makedirs(os.path.join(dst, action), exist_ok=True)
    for video in sorted(os.listdir(os.path.join(src, action))):
        capture = cv2.VideoCapture(os.path.join(src, action, video))
        fps = capture.get(cv2.CAP_PROP_FPS)
        size = (int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)))
        name = os.path.splitext(video)[0] + ext
        writer = cv2.VideoWriter(os.path.join(dst, action, name), cv2.VideoWriter_fourcc(*fourcc), fps, size)
        if not writer.isOpened():
            sys.exit(f'this cv2 cannot write {fourcc}')
        while True:
            ok, frame = capture.read()
            if not ok:
                break
            writer.write(frame)
        writer.release()
        capture.release()
