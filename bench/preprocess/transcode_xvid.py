#!/usr/bin/python3
"""Re-encodes every video under SRC into MPEG-4 part 2 (XVID) .avi under DST, as UCF101 is stored,
so the benchmark can also run on a UCF101-like codec. Usage: transcode_xvid.py SRC DST"""
import os
import sys

import cv2

src, dst = sys.argv[1], sys.argv[2]
for action in sorted(os.listdir(src)):
    os.makedirs(os.path.join(dst, action), exist_ok=True)
    for video in sorted(os.listdir(os.path.join(src, action))):
        capture = cv2.VideoCapture(os.path.join(src, action, video))
        fps = capture.get(cv2.CAP_PROP_FPS)
        size = (int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)))
        writer = cv2.VideoWriter(os.path.join(dst, action, video), cv2.VideoWriter_fourcc(*'XVID'), fps, size)
        while True:
            ok, frame = capture.read()
            if not ok:
                break
            writer.write(frame)
        writer.release()
        capture.release()
