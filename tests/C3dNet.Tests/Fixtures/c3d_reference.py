"""The reference C3D (DESIGN section 3) with a width multiplier, for making test fixtures.

Layer names and order follow the reference PyTorch repository, so state_dicts and SGD states
are laid out exactly as its train.py writes them. width=1.0 is the paper's network.
"""
import torch
import torch.nn as nn


def scaled(channels, width):
    return max(1, int(round(channels * width)))


class C3D(nn.Module):
    def __init__(self, num_classes, width=1.0, clip_len=16, crop=112):
        super().__init__()
        c = [scaled(n, width) for n in (64, 128, 256, 512, 512)]
        fc = scaled(4096, width)
        self.conv1 = nn.Conv3d(3, c[0], kernel_size=3, padding=1)
        self.pool1 = nn.MaxPool3d(kernel_size=(1, 2, 2), stride=(1, 2, 2))
        self.conv2 = nn.Conv3d(c[0], c[1], kernel_size=3, padding=1)
        self.pool2 = nn.MaxPool3d(kernel_size=2, stride=2)
        self.conv3a = nn.Conv3d(c[1], c[2], kernel_size=3, padding=1)
        self.conv3b = nn.Conv3d(c[2], c[2], kernel_size=3, padding=1)
        self.pool3 = nn.MaxPool3d(kernel_size=2, stride=2)
        self.conv4a = nn.Conv3d(c[2], c[3], kernel_size=3, padding=1)
        self.conv4b = nn.Conv3d(c[3], c[3], kernel_size=3, padding=1)
        self.pool4 = nn.MaxPool3d(kernel_size=2, stride=2)
        self.conv5a = nn.Conv3d(c[3], c[4], kernel_size=3, padding=1)
        self.conv5b = nn.Conv3d(c[4], c[4], kernel_size=3, padding=1)
        self.pool5 = nn.MaxPool3d(kernel_size=2, stride=2, padding=(0, 1, 1))
        with torch.no_grad():
            flat = self.conv_features(torch.zeros(1, 3, clip_len, crop, crop)).shape[1]
        self.fc6 = nn.Linear(flat, fc)
        self.fc7 = nn.Linear(fc, fc)
        self.fc8 = nn.Linear(fc, num_classes)
        self.dropout = nn.Dropout(p=0.5)
        self.relu = nn.ReLU()
        for m in self.modules():
            if isinstance(m, nn.Conv3d):
                nn.init.kaiming_normal_(m.weight)

    def conv_features(self, x):
        x = self.pool1(torch.relu(self.conv1(x)))
        x = self.pool2(torch.relu(self.conv2(x)))
        x = self.pool3(torch.relu(self.conv3b(torch.relu(self.conv3a(x)))))
        x = self.pool4(torch.relu(self.conv4b(torch.relu(self.conv4a(x)))))
        x = self.pool5(torch.relu(self.conv5b(torch.relu(self.conv5a(x)))))
        return x.reshape(x.shape[0], -1)

    def forward(self, x):
        x = self.dropout(self.relu(self.fc6(self.conv_features(x))))
        x = self.dropout(self.relu(self.fc7(x)))
        return self.fc8(x)


def lr_groups(model, lr):
    """The reference's parameter groups: conv1-fc7 at lr, fc8 at 10x lr."""
    base = [model.conv1, model.conv2, model.conv3a, model.conv3b, model.conv4a, model.conv4b,
            model.conv5a, model.conv5b, model.fc6, model.fc7]
    return [{'params': [p for m in base for p in m.parameters()], 'lr': lr},
            {'params': list(model.fc8.parameters()), 'lr': lr * 10}]


SPORTS1M_KEYS = {  # our name -> key in c3d-pretrained.pth
    'conv1': 'features.0', 'conv2': 'features.3', 'conv3a': 'features.6', 'conv3b': 'features.8',
    'conv4a': 'features.11', 'conv4b': 'features.13', 'conv5a': 'features.16', 'conv5b': 'features.18',
    'fc6': 'classifier.0', 'fc7': 'classifier.3',
}
