"""Writes kinetics400_labels.txt: the 400 Kinetics-400 classes in the order of torchvision's video weights' fc
(torchvision.models._meta._KINETICS400_CATEGORIES), one "1 name" line per class as the other label files; names
contain spaces (a line is the number, one space, then the rest of the line). Run with Debian's python3-torchvision:
    /usr/bin/python3 data/labels/make_kinetics400_labels.py
"""
import os

from torchvision.models._meta import _KINETICS400_CATEGORIES

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'kinetics400_labels.txt')
with open(path, 'w', newline='\n') as f:
    for i, name in enumerate(_KINETICS400_CATEGORIES, start=1):
        f.write(f'{i} {name}\n')
print(f'{path}: {len(_KINETICS400_CATEGORIES)} classes')
