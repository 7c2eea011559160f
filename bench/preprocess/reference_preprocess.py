#!/usr/bin/python3
"""The reference's preprocessing (pytorch-video-recognition, dataloaders/dataset.py: preprocess and
process_video), rewritten for timing: one process, OpenCV (cv2) decoding every frame with read(),
the same frame-step rule on the container's frame count, resize to 171x128 and cv2.imwrite JPEGs.

The reference splits with scikit-learn's train_test_split (20% test, then 20% of the rest val,
random_state=42); scikit-learn is not installed here, so a seeded shuffle with the same counts
stands in (it does not change the work done). Frame names keep the reference's '0000{i}.jpg'.

Usage: /usr/bin/python3 reference_preprocess.py VIDEOS_DIR OUT_DIR
Prints one JSON line: videos, frames written, seconds, videos per second.
"""
import json
import math
import os
import random
import sys
import time

import cv2

RESIZE_HEIGHT, RESIZE_WIDTH = 128, 171


def split(videos, seed=42):
    videos = sorted(videos)
    random.Random(seed).shuffle(videos)
    n_test = math.ceil(0.2 * len(videos))
    test, rest = videos[:n_test], videos[n_test:]
    n_val = math.ceil(0.2 * len(rest))
    return rest[n_val:], rest[:n_val], test


def process_video(root_dir, video, action_name, save_dir):
    video_filename = video.split('.')[0]
    os.makedirs(os.path.join(save_dir, video_filename), exist_ok=True)
    capture = cv2.VideoCapture(os.path.join(root_dir, action_name, video))
    frame_count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
    frame_width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
    frame_height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))

    # Make sure the extracted video has at least 16 frames.
    extract_frequency = 4
    while extract_frequency > 1 and frame_count // extract_frequency <= 16:
        extract_frequency -= 1

    count, i, retaining = 0, 0, True
    while count < frame_count and retaining:
        retaining, frame = capture.read()
        if frame is None:
            continue
        if count % extract_frequency == 0:
            if frame_height != RESIZE_HEIGHT or frame_width != RESIZE_WIDTH:
                frame = cv2.resize(frame, (RESIZE_WIDTH, RESIZE_HEIGHT))
            cv2.imwrite(filename=os.path.join(save_dir, video_filename, '0000{}.jpg'.format(i)), img=frame)
            i += 1
        count += 1
    capture.release()
    return i


def main(root_dir, output_dir):
    start = time.perf_counter()
    videos = frames = 0
    for name in ('train', 'val', 'test'):
        os.makedirs(os.path.join(output_dir, name), exist_ok=True)
    for action in sorted(os.listdir(root_dir)):
        parts = split(os.listdir(os.path.join(root_dir, action)))
        for name, files in zip(('train', 'val', 'test'), parts):
            save_dir = os.path.join(output_dir, name, action)
            os.makedirs(save_dir, exist_ok=True)
            for video in files:
                frames += process_video(root_dir, video, action, save_dir)
                videos += 1
    seconds = time.perf_counter() - start
    print(json.dumps({'videos': videos, 'frames': frames, 'seconds': round(seconds, 3),
                      'videos_per_second': round(videos / seconds, 3)}))


if __name__ == '__main__':
    main(sys.argv[1], sys.argv[2])
