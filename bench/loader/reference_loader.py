"""The reference's clip loading (jfzhang95/pytorch-video-recognition dataloaders/dataset.py, VideoDataset.__getitem__
for the train split) re-written from its logic, to time it on the same frame folders as `TrainBench loader`.

    /usr/bin/python3 bench/loader/reference_loader.py DATA [--workers 2] [--batch 20] [--batches 30] [--json]

Per clip, as the reference does: list the video folder, sort the names as text, read EVERY frame with cv2.imread into a
float64 -> float32 buffer (frames x 128 x 171 x 3), pick a random start and a random 112x112 crop, subtract the mean
[90, 98, 102], transpose to (3, 16, 112, 112); batches through torch.utils.data.DataLoader(shuffle=True, num_workers=N).
"""
import argparse, json, os, time
import cv2
import numpy as np
import torch
from torch.utils.data import Dataset, DataLoader


class ReferenceVideoDataset(Dataset):
    def __init__(self, folder, clip_len=16, crop_size=112, resize_height=128, resize_width=171):
        self.clip_len, self.crop_size = clip_len, crop_size
        self.resize_height, self.resize_width = resize_height, resize_width
        self.fnames, labels = [], []
        for label in sorted(os.listdir(folder)):
            for fname in os.listdir(os.path.join(folder, label)):
                self.fnames.append(os.path.join(folder, label, fname))
                labels.append(label)
        self.label2index = {label: index for index, label in enumerate(sorted(set(labels)))}
        self.label_array = np.array([self.label2index[label] for label in labels], dtype=int)

    def __len__(self):
        return len(self.fnames)

    def __getitem__(self, index):
        buffer = self.load_frames(self.fnames[index])
        buffer = self.crop(buffer, self.clip_len, self.crop_size)
        buffer = self.normalize(buffer)
        buffer = buffer.transpose((3, 0, 1, 2))
        return torch.from_numpy(buffer), torch.from_numpy(np.array(self.label_array[index]))

    def load_frames(self, file_dir):
        frames = sorted([os.path.join(file_dir, img) for img in os.listdir(file_dir)])
        buffer = np.empty((len(frames), self.resize_height, self.resize_width, 3), np.dtype('float32'))
        for i, frame_name in enumerate(frames):
            buffer[i] = np.array(cv2.imread(frame_name)).astype(np.float64)
        return buffer

    def normalize(self, buffer):
        for i, frame in enumerate(buffer):
            frame -= np.array([[[90.0, 98.0, 102.0]]])
            buffer[i] = frame
        return buffer

    def crop(self, buffer, clip_len, crop_size):
        time_index = np.random.randint(buffer.shape[0] - clip_len)
        height_index = np.random.randint(buffer.shape[1] - crop_size)
        width_index = np.random.randint(buffer.shape[2] - crop_size)
        return buffer[time_index:time_index + clip_len, height_index:height_index + crop_size, width_index:width_index + crop_size, :]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('data')
    ap.add_argument('--workers', type=int, default=2)
    ap.add_argument('--batch', type=int, default=20)
    ap.add_argument('--batches', type=int, default=30)
    ap.add_argument('--json', action='store_true', help='print {"loader_clips_per_s": ...} for bench/compare')
    a = ap.parse_args()
    torch.set_num_threads(1)
    ds = ReferenceVideoDataset(os.path.join(a.data, 'train'))
    loader = DataLoader(ds, batch_size=a.batch, shuffle=True, num_workers=a.workers)
    clips, start = 0, None
    while clips < a.batches * a.batch:
        for inputs, labels in loader:
            if start is None:  # the first batch includes starting the worker processes
                start, clips = time.time(), 0
                continue
            clips += inputs.shape[0]
            if clips >= a.batches * a.batch:
                break
    s = time.time() - start
    if a.json:
        print(json.dumps({'loader_clips_per_s': round(clips / s, 3), 'loader_workers': a.workers, 'loader_batch': a.batch}))
    else:
        print(f'reference VideoDataset + DataLoader: {clips} clips, {a.workers} workers, batch {a.batch}: {clips / s:.1f} clips/s')


if __name__ == '__main__':
    main()
