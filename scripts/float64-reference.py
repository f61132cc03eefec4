#!/usr/bin/env python3
"""Float64 outputs of an Affine/ReLU .nnp (the MLPerf Tiny autoencoder `ad`), the golden that
float32 kernels are measured against: every product and sum in float64, rounded to float32 once
at the end. Reads the .nnp with nnabla's protobuf classes (nnabla in /tmp/venv-nnabla).

  scripts/float64-reference.py MODEL.nnp INPUTS.bin OUT.bin [--compare NAME=FILE.bin ...]
      [--simulate]

--compare prints the max abs error of other float32 outputs (nnabla's, ours) against it;
--simulate also evaluates the model in float32 with one running accumulator per output and with
block partial sums of 16/32/64 products (numpy float32 rounds every operation, as the C does
without FMA contraction), to show what the summation order costs.
"""
import argparse
import sys
import zipfile

import numpy as np
from google.protobuf import text_format
from nnabla.utils import nnabla_pb2


def load(path):
    proto = nnabla_pb2.NNablaProtoBuf()
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith(".nntxt") or name.endswith(".prototxt"):
                text_format.Merge(z.read(name).decode(), proto)
            elif name.endswith(".protobuf"):
                proto.MergeFromString(z.read(name))
    params = {p.variable_name: np.array(p.data, dtype=np.float32).reshape(tuple(p.shape.dim)) for p in proto.parameter}
    return proto.network[0], params


def affine_f32(x, w, b, block):
    """float32, one accumulator per output (block None) or partial sums of `block` products."""
    rows = []
    for xr in x:
        acc = np.zeros(w.shape[1], dtype=np.float32)
        step = block or w.shape[0]
        for i0 in range(0, w.shape[0], step):
            part = np.zeros(w.shape[1], dtype=np.float32)
            for i in range(i0, min(i0 + step, w.shape[0])):
                part = part + xr[i] * w[i]
            acc = acc + part
        rows.append(acc if b is None else acc + b)
    return np.array(rows, dtype=np.float32)


def run(network, params, x, affine):
    produced = {n for f in network.function for n in f.output}
    source = next(v.name for v in network.variable if v.type == "Buffer" and v.name not in produced)
    values = {source: x}
    for f in network.function:
        args = [values[n] if n in values else params[n] for n in f.input]
        if f.type == "Affine":
            base = f.affine_param.base_axis if f.HasField("affine_param") else 1
            xs = args[0].reshape(args[0].shape[:base] + (-1,))
            w = args[1].reshape(args[1].shape[0], -1)
            y = affine(xs, w, args[2].reshape(-1) if len(args) > 2 else None)
            values[f.output[0]] = y.reshape(xs.shape[:base] + args[1].shape[1:])
        elif f.type == "ReLU":
            values[f.output[0]] = np.maximum(args[0], 0)
        else:
            sys.exit(f"unsupported function {f.type}")
    return values[network.function[-1].output[0]]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("inputs")
    ap.add_argument("out")
    ap.add_argument("--compare", action="append", default=[])
    ap.add_argument("--simulate", action="store_true")
    a = ap.parse_args()
    network, params = load(a.model)
    width = params[next(f for f in network.function if f.type == "Affine").input[1]].shape[0]
    x = np.fromfile(a.inputs, dtype="<f4").reshape(-1, width)
    p64 = {k: v.astype(np.float64) for k, v in params.items()}
    ref = run(network, p64, x.astype(np.float64), lambda x, w, b: x @ w + (0 if b is None else b))
    ref.astype("<f4").tofile(a.out)
    span = float(ref.max() - ref.min())
    print(f"{a.out}: {ref.shape}, output range {span:.4f} (1e-4 of it: {span * 1e-4:.3e})")
    for spec in a.compare:
        name, path = spec.split("=", 1)
        got = np.fromfile(path, dtype="<f4").reshape(ref.shape).astype(np.float64)
        err = np.abs(got - ref).max()
        print(f"  {name:>24}: max abs {err:.3e}  ({err / span:.2e} of the range)")
    if a.simulate:
        for block in [None, 256, 128, 64, 48, 32, 24, 16, 8]:
            y = run(network, params, x, lambda x, w, b, block=block: affine_f32(x, w, b, block)).astype(np.float64)
            err = np.abs(y - ref).max()
            rms = np.sqrt(np.mean((y - ref) ** 2))
            label = "one accumulator" if block is None else f"blocks of {block}"
            print(f"  {'float32 ' + label:>24}: max abs {err:.3e}  ({err / span:.2e} of the range), rms {rms:.2e}")


if __name__ == "__main__":
    main()
