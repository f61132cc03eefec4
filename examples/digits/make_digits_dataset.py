#!/usr/bin/env python3
"""Writes the digits example dataset: scikit-learn's copy of the UCI handwritten digits, upscaled
to 28x28 and saved as a Neural Network Console dataset (CSV + PNG).

Exact command (from the repository root; the nnabla venv has numpy and scikit-learn):

    /tmp/venv-nnabla/bin/pip install scikit-learn   # if missing
    /tmp/venv-nnabla/bin/python examples/digits/make_digits_dataset.py

Tested with numpy 1.26.4, scikit-learn 1.7.2. Fully deterministic: re-running gives identical
files (PNGs are written here with zlib level 9 and no timestamps).

What it does:
  1. sklearn.datasets.load_digits(): 1797 8x8 images, values 0..16, no download.
  2. Each image becomes 28x28 as Tests/Fixtures/nnabla/make_digits_classifier.py does it:
     upscaled x3 (nearest) to 24x24, zero-padded by 2 on every side; the 8-bit pixel is
     round(v * 255 / 16), so NNC's image normalisation (x / 255) gives back v / 16 to within
     1/510.
  3. Splits, stratified and seeded like that fixture: test = the same 400 held-out samples
     (SEED 20240531, same order); the other 1397 split again into valid (200, seed SEED + 3)
     and train (1197).
  4. Writes images/NNNN.png (NNNN = index in load_digits, 8-bit gray) and, in NNC's format
     (header `x:image,y:label`, image paths relative to the CSV):
       train.csv, valid.csv, test.csv            all ten digits, y = the digit
       train_4_9.csv, valid_4_9.csv, test_4_9.csv only 4s and 9s, y = 0 for a 4, 1 for a 9
                                                 (the logistic-regression exercise)
"""
import os
import struct
import zlib

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = 20240531
N_TEST = 400
N_VALID = 200
HERE = os.path.dirname(os.path.abspath(__file__))


def to_28x28_bytes(image8):
    x = np.repeat(np.repeat(image8.astype(np.float64), 3, axis=0), 3, axis=1)
    x = np.pad(x, ((2, 2), (2, 2)), mode="constant")
    return np.round(x * 255.0 / 16.0).astype(np.uint8)


def png_gray(pixels):
    """An 8-bit grayscale PNG: filter None on every row, zlib level 9."""
    h, w = pixels.shape

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + pixels[r].tobytes() for r in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def write_csv(name, indices, labels):
    with open(os.path.join(HERE, name), "w", newline="") as f:
        f.write("x:image,y:label\n")
        for i in indices:
            f.write(f"images/{i:04d}.png,{labels[i]}\n")


def main():
    digits = load_digits()
    labels = digits.target.astype(int)
    indices = np.arange(len(labels))
    train_idx, test_idx = train_test_split(
        indices, test_size=N_TEST, stratify=labels, random_state=SEED, shuffle=True)
    train_idx, valid_idx = train_test_split(
        train_idx, test_size=N_VALID, stratify=labels[train_idx], random_state=SEED + 3, shuffle=True)
    assert len(set(train_idx) | set(valid_idx) | set(test_idx)) == len(labels)

    os.makedirs(os.path.join(HERE, "images"), exist_ok=True)
    for i, image in enumerate(digits.images):
        with open(os.path.join(HERE, "images", f"{i:04d}.png"), "wb") as f:
            f.write(png_gray(to_28x28_bytes(image)))

    four_nine = {i: int(labels[i] == 9) for i in indices if labels[i] in (4, 9)}
    for split, idx in [("train", train_idx), ("valid", valid_idx), ("test", test_idx)]:
        write_csv(f"{split}.csv", idx, labels)
        write_csv(f"{split}_4_9.csv", [i for i in idx if i in four_nine], four_nine)
        print(f"{split}: {len(idx)} samples, {sum(1 for i in idx if i in four_nine)} of them 4s and 9s")


if __name__ == "__main__":
    main()
