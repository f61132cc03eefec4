#!/usr/bin/env python3
"""Runs an .nnp through the real nnabla, as `nnabla_cli forward` runs it, and saves the outputs.

Proves that an .nnp written by nncompile loads in nnabla and computes what our interpreter
computes: the Swift tests compare their interpreter against the outputs this script stored, so CI
needs no Python.

    /tmp/venv-nnabla/bin/python scripts/nnabla-roundtrip.py MODEL.nnp INPUTS.bin OUTPUTS.bin [--executor NAME]

  MODEL.nnp    loaded with nnabla.utils.load.load (networks, parameters, executors; datasets are
               not opened), batch size 1
  INPUTS.bin   raw little-endian float32, N samples back to back, each the concatenation of the
               executor's data variables in executor order
  OUTPUTS.bin  written: for each sample, the executor's output variables (float32, in order)

Also: `--dataset-inputs DATASET.csv COUNT INPUTS.bin` writes the first COUNT images of an NNC
dataset CSV (column 1, gray PNGs) as float32 pixel / 255, as nnabla's CsvDataSource scales them.

Also: `--check-png FILE...` inflates each PNG's IDAT with Python's zlib (checking the chunk CRCs
and the Adler-32) and prints width, height and colour type, to cross-check nncompile's PNG writer.

Environment (nnabla needs Python <= 3.10):
    /root/.pyenv/versions/3.10.13/bin/python -m venv /tmp/venv-nnabla
    /tmp/venv-nnabla/bin/pip install nnabla nnabla-converter numpy h5py
Tested with nnabla 1.39.0, numpy 1.26.4.
"""
import argparse
import struct
import sys
import zlib

import numpy as np


def run(model, inputs_path, outputs_path, executor_name):
    import nnabla as nn
    from nnabla.utils.load import load

    nn.clear_parameters()
    info = load([model], prepare_data_iterator=False, batch_size=1)
    names = list(info.executors.keys())
    name = executor_name or names[0]
    if name not in info.executors:
        sys.exit(f"{model}: no executor '{name}' (has {names})")
    e = info.executors[name]
    data_vars = list(e.dataset_assign.keys())
    out_vars = list(e.output_assign.keys())
    sizes = [int(np.prod(v.variable_instance.shape)) for v in data_vars]
    flat = np.fromfile(inputs_path, dtype="<f4")
    per_sample = sum(sizes)
    if flat.size == 0 or flat.size % per_sample:
        sys.exit(f"{inputs_path}: {flat.size} floats is not a whole number of {per_sample}-float samples")
    outputs = []
    for s in range(flat.size // per_sample):
        at = s * per_sample
        for v, n in zip(data_vars, sizes):
            v.variable_instance.d = flat[at:at + n].reshape(v.variable_instance.shape)
            at += n
        e.forward_target.forward(clear_buffer=True)
        for o in out_vars:
            outputs.append(np.array(o.variable_instance.d, dtype="<f4").ravel())  # a copy: .d is a view nnabla reuses
    np.concatenate(outputs).astype("<f4").tofile(outputs_path)
    shapes = [tuple(o.variable_instance.shape) for o in out_vars]
    print(f"{model}: executor '{name}', {flat.size // per_sample} samples, outputs {shapes} -> {outputs_path}")


def dataset_inputs(csv_path, count, out_path):
    import csv
    import os
    from PIL import Image

    with open(csv_path, newline="") as f:
        rows = list(csv.reader(f))[1:int(count) + 1]
    base = os.path.dirname(csv_path)
    scale = np.float32(1.0 / 255.0)
    images = [np.asarray(Image.open(os.path.join(base, r[0])).convert("L"), dtype=np.float32) * scale for r in rows]
    np.concatenate([x.ravel() for x in images]).astype("<f4").tofile(out_path)
    print(f"{csv_path}: {len(images)} images -> {out_path}")


def check_png(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path}: no PNG signature"
    at, idat, header = 8, b"", None
    while True:
        length, kind = struct.unpack(">I4s", data[at:at + 8])
        body = data[at + 8:at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length:at + 12 + length])
        assert crc == zlib.crc32(kind + body) & 0xFFFFFFFF, f"{path}: bad CRC in {kind}"
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        at += 12 + length
    raw = zlib.decompress(idat)  # checks the Adler-32
    width, height, depth, color = header[:4]
    channels = {0: 1, 2: 3, 4: 2, 6: 4}[color]
    assert len(raw) == height * (1 + width * channels * depth // 8), f"{path}: wrong IDAT size"
    print(f"{path}: {width}x{height} colour type {color}, {len(raw)} bytes inflated, CRCs and Adler-32 good")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--executor")
    parser.add_argument("--check-png", action="store_true")
    parser.add_argument("--dataset-inputs", action="store_true")
    args = parser.parse_args()
    if args.check_png:
        for p in args.paths:
            check_png(p)
        return
    if args.dataset_inputs:
        if len(args.paths) != 3:
            parser.error("expected DATASET.csv COUNT INPUTS.bin")
        dataset_inputs(*args.paths)
        return
    if len(args.paths) != 3:
        parser.error("expected MODEL.nnp INPUTS.bin OUTPUTS.bin")
    run(*args.paths, args.executor)


if __name__ == "__main__":
    main()
