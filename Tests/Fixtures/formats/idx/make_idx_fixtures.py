#!/usr/bin/env python3
"""Tiny MNIST-format IDX files for the IDX/gzip reader tests (standard library only).

    python3 Tests/Fixtures/formats/idx/make_idx_fixtures.py

tiny-images-idx3-ubyte(.gz): magic 0x00000803, 3 images of 2x4 pixels, pixel (i, r, c) = 40*i + 4*r + c + 1 (as bytes)
tiny-labels-idx1-ubyte(.gz): magic 0x00000801, labels 7, 2, 1
The .gz files are written by Python's gzip module with mtime 0, so they are reproducible.
"""
import gzip
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
images = struct.pack(">IIII", 0x803, 3, 2, 4) + bytes(40 * i + 4 * r + c + 1 for i in range(3) for r in range(2) for c in range(4))
labels = struct.pack(">II", 0x801, 3) + bytes([7, 2, 1])
for name, data in [("tiny-images-idx3-ubyte", images), ("tiny-labels-idx1-ubyte", labels)]:
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)
    with open(os.path.join(HERE, name + ".gz"), "wb") as f:
        f.write(gzip.compress(data, compresslevel=9, mtime=0))
