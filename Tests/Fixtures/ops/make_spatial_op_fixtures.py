#!/usr/bin/env python3
"""Builds the reference fixtures for the spatial float kernels with the real nnabla.

Run with a Python that has nnabla installed (tested with nnabla 1.39.0, numpy 1.26):

    python Tests/Fixtures/ops/make_spatial_op_fixtures.py

Writes Tests/Fixtures/ops/spatial/manifest.json and one <case>.bin per case. Each .bin holds the
case's input tensors in manifest order followed by nnabla's output, as raw little-endian float32.
manifest.json records, per case: the op, its attributes (nnabla argument names), every input's
name and shape, and the output shape. The generator is deterministic (fixed seeds).

SpatialKernelTests (Tests/NNInterpreterTests) replays every case through FloatKernels.
"""
import json
import os

import numpy as np
import nnabla as nn
import nnabla.functions as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "spatial")

cases = []


def _run(name, op, attrs, inputs, fn):
    """inputs: list of (name, ndarray or None). fn(*variables) -> nnabla variable."""
    present = [(n, a.astype(np.float32)) for n, a in inputs if a is not None]
    variables = {n: nn.Variable.from_numpy_array(a) for n, a in present}
    args = [variables.get(n) for n, _ in inputs]
    with nn.auto_forward(False):
        y = fn(*args)
        y.forward()
    out = np.asarray(y.d, dtype=np.float32)
    blob = b"".join(a.astype("<f4").tobytes() for _, a in present) + out.astype("<f4").tobytes()
    with open(os.path.join(OUT, name + ".bin"), "wb") as f:
        f.write(blob)
    cases.append({
        "name": name,
        "op": op,
        "attrs": attrs,
        "inputs": [{"name": n, "shape": list(a.shape)} for n, a in present],
        "output": {"shape": list(out.shape)},
        "file": name + ".bin",
    })


def rnd(rng, *shape, scale=1.0):
    return (rng.randn(*shape) * scale).astype(np.float32)


def affine(name, seed, x_shape, w_shape, base_axis, bias=True):
    rng = np.random.RandomState(seed)
    x = rnd(rng, *x_shape)
    w = rnd(rng, *w_shape, scale=0.5)
    b = rnd(rng, *w_shape[1:]) if bias else None
    _run(name, "affine", {"base_axis": base_axis}, [("x", x), ("w", w), ("b", b)],
         lambda x, w, b: F.affine(x, w, b, base_axis=base_axis))


def conv(name, seed, x_shape, w_shape, pad, stride, dilation, group=1, base_axis=1, bias=True):
    rng = np.random.RandomState(seed)
    x = rnd(rng, *x_shape)
    w = rnd(rng, *w_shape, scale=0.5)
    b = rnd(rng, w_shape[0]) if bias else None
    attrs = {"base_axis": base_axis, "pad": list(pad), "stride": list(stride),
             "dilation": list(dilation), "group": group}
    _run(name, "convolution", attrs, [("x", x), ("w", w), ("b", b)],
         lambda x, w, b: F.convolution(x, w, b, base_axis=base_axis, pad=pad, stride=stride,
                                       dilation=dilation, group=group))


def depthwise(name, seed, x_shape, kernel, multiplier, pad, stride, dilation, bias=True):
    rng = np.random.RandomState(seed)
    x = rnd(rng, *x_shape)
    w = rnd(rng, x_shape[1] * multiplier, *kernel, scale=0.5)
    b = rnd(rng, x_shape[1] * multiplier) if bias else None
    attrs = {"base_axis": 1, "pad": list(pad), "stride": list(stride), "dilation": list(dilation),
             "multiplier": multiplier}
    _run(name, "depthwise_convolution", attrs, [("x", x), ("w", w), ("b", b)],
         lambda x, w, b: F.depthwise_convolution(x, w, b, pad=pad, stride=stride, dilation=dilation,
                                                 multiplier=multiplier))


def deconv(name, seed, x_shape, w_shape, pad, stride, dilation, group=1, output_padding=None, bias=True):
    rng = np.random.RandomState(seed)
    x = rnd(rng, *x_shape)
    w = rnd(rng, *w_shape, scale=0.5)
    b = rnd(rng, w_shape[1] * group) if bias else None
    op = list(output_padding) if output_padding else [0] * len(pad)
    attrs = {"base_axis": 1, "pad": list(pad), "stride": list(stride), "dilation": list(dilation),
             "group": group, "output_padding": op}
    _run(name, "deconvolution", attrs, [("x", x), ("w", w), ("b", b)],
         lambda x, w, b: F.deconvolution(x, w, b, pad=pad, stride=stride, dilation=dilation,
                                         group=group, output_padding=op))


def pooling(name, seed, kind, x_shape, kernel, stride, pad, ignore_border, including_pad=True, x=None):
    rng = np.random.RandomState(seed)
    if x is None:
        x = rnd(rng, *x_shape)
    attrs = {"kernel": list(kernel), "stride": list(stride), "pad": list(pad),
             "ignore_border": ignore_border, "including_pad": including_pad}
    if kind == "max_pooling":
        fn = lambda x: F.max_pooling(x, kernel, stride, ignore_border, pad)
    elif kind == "average_pooling":
        fn = lambda x: F.average_pooling(x, kernel, stride, ignore_border, pad, including_pad=including_pad)
    else:
        fn = lambda x: F.sum_pooling(x, kernel, stride, ignore_border, pad)
    _run(name, kind, attrs, [("x", x)], fn)


def global_avg(name, seed, x_shape):
    rng = np.random.RandomState(seed)
    _run(name, "global_average_pooling", {}, [("x", rnd(rng, *x_shape))],
         lambda x: F.global_average_pooling(x))


def batchnorm(name, seed, x_shape, axis, eps):
    rng = np.random.RandomState(seed)
    x = rnd(rng, *x_shape, scale=2.0)
    stat_shape = [1] * len(x_shape)
    stat_shape[axis] = x_shape[axis]
    beta = rnd(rng, *stat_shape)
    gamma = rnd(rng, *stat_shape)
    mean = rnd(rng, *stat_shape)
    var = rng.uniform(0.05, 3.0, size=stat_shape).astype(np.float32)
    _run(name, "batch_normalization", {"axes": [axis], "eps": eps},
         [("x", x), ("beta", beta), ("gamma", gamma), ("mean", mean), ("variance", var)],
         lambda x, b, g, m, v: F.batch_normalization(x, b, g, m, v, axes=[axis], eps=eps, batch_stat=False))


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".bin") or f == "manifest.json":
            os.remove(os.path.join(OUT, f))

    affine("affine_basic", 1, (3, 7), (7, 5), 1)
    affine("affine_flatten_nobias", 2, (2, 3, 4), (12, 6), 1, bias=False)
    affine("affine_base_axis2", 3, (2, 3, 5), (5, 4), 2)
    affine("affine_multi_out", 4, (2, 6), (6, 3, 2), 1)
    affine("affine_wide", 5, (1, 37), (37, 13), 1)

    conv("conv2d_pad1", 10, (2, 3, 9, 8), (5, 3, 3, 3), (1, 1), (1, 1), (1, 1))
    conv("conv2d_stride2_asym", 11, (1, 3, 11, 10), (6, 3, 3, 5), (1, 2), (2, 2), (1, 1))
    conv("conv2d_dilation2_nobias", 12, (1, 2, 12, 11), (3, 2, 3, 3), (2, 2), (1, 1), (2, 2), bias=False)
    conv("conv2d_group3", 13, (1, 6, 7, 9), (9, 2, 3, 3), (0, 1), (2, 1), (1, 1), group=3)
    conv("conv2d_1x1", 14, (1, 5, 4, 4), (7, 5, 1, 1), (0, 0), (1, 1), (1, 1))
    conv("conv2d_stride3_dil2_pad", 15, (2, 3, 13, 12), (5, 3, 3, 2), (2, 1), (3, 2), (2, 3))
    conv("conv2d_base_axis2", 16, (2, 2, 3, 6, 5), (4, 3, 3, 3), (0, 0), (1, 1), (1, 1), base_axis=2)
    conv("conv1d", 17, (2, 3, 17), (4, 3, 5), (2,), (2,), (1,))
    conv("conv1d_dil_group", 18, (1, 4, 19), (6, 2, 3), (1,), (1,), (3,), group=2)
    conv("conv3d", 19, (1, 2, 5, 6, 7), (3, 2, 3, 3, 3), (1, 1, 1), (1, 2, 2), (1, 1, 1))

    depthwise("dw_3x3_pad1", 20, (1, 5, 9, 9), (3, 3), 1, (1, 1), (1, 1), (1, 1))
    depthwise("dw_mult2_stride2", 21, (2, 3, 8, 7), (3, 3), 2, (1, 1), (2, 2), (1, 1))
    depthwise("dw_dil2_nobias", 22, (1, 4, 10, 10), (3, 3), 1, (2, 2), (1, 1), (2, 2), bias=False)
    depthwise("dw_1d_mult2", 23, (1, 3, 15), (5,), 2, (2,), (2,), (1,))
    depthwise("dw_5x3_mult3", 24, (1, 2, 9, 8), (5, 3), 3, (2, 0), (1, 2), (1, 1))

    deconv("deconv_basic", 30, (1, 3, 5, 4), (3, 4, 3, 3), (0, 0), (1, 1), (1, 1))
    deconv("deconv_stride2_pad1_outpad1", 31, (2, 4, 4, 5), (4, 3, 3, 3), (1, 1), (2, 2), (1, 1),
           output_padding=(1, 1))
    deconv("deconv_group2_dil2", 32, (1, 4, 5, 5), (4, 3, 2, 3), (1, 1), (2, 2), (2, 2), group=2)
    deconv("deconv_1d_stride3", 33, (1, 3, 7), (3, 2, 4), (1,), (3,), (1,), bias=False)
    deconv("deconv_asym", 34, (1, 2, 3, 6), (2, 5, 4, 2), (1, 0), (2, 3), (1, 2), output_padding=(1, 2))

    pooling("max_k2s2", 40, "max_pooling", (2, 3, 8, 8), (2, 2), (2, 2), (0, 0), True)
    pooling("max_k3s2_pad1_nib", 41, "max_pooling", (1, 3, 7, 9), (3, 3), (2, 2), (1, 1), False)
    pooling("max_k3x2_s2x3_nib", 42, "max_pooling", (1, 2, 7, 7), (3, 2), (2, 3), (0, 0), False)
    pooling("max_k3s1_pad10", 43, "max_pooling", (1, 2, 9, 8), (3, 3), (1, 1), (1, 0), True)
    rng = np.random.RandomState(44)
    pooling("max_negative_pad", 44, "max_pooling", None, (3, 3), (2, 2), (1, 1), True,
            x=-(np.abs(rnd(rng, 1, 2, 7, 7)) + 1.0))
    pooling("max_5d_input", 45, "max_pooling", (2, 2, 3, 6, 6), (2, 2), (2, 2), (0, 0), True)
    pooling("max3d_pad", 46, "max_pooling", (1, 2, 5, 6, 7), (2, 3, 2), (2, 2, 2), (0, 1, 1), True)
    pooling("avg_k3s2_pad1_incpad", 50, "average_pooling", (1, 3, 7, 9), (3, 3), (2, 2), (1, 1), True, True)
    pooling("avg_k3s2_pad1_excpad", 51, "average_pooling", (1, 3, 7, 9), (3, 3), (2, 2), (1, 1), True, False)
    pooling("avg_nib_incpad", 52, "average_pooling", (1, 2, 7, 8), (3, 3), (2, 2), (1, 1), False, True)
    pooling("avg_nib_excpad", 53, "average_pooling", (1, 2, 7, 8), (3, 3), (2, 2), (1, 1), False, False)
    pooling("avg_nib_pad21_incpad", 54, "average_pooling", (1, 2, 9, 7), (3, 3), (2, 2), (2, 1), False, True)
    pooling("avg_nib_pad21_excpad", 55, "average_pooling", (1, 2, 9, 7), (3, 3), (2, 2), (2, 1), False, False)
    pooling("avg_k2s2", 56, "average_pooling", (2, 5, 6, 6), (2, 2), (2, 2), (0, 0), True, True)
    pooling("avg3d_nib_excpad", 57, "average_pooling", (1, 2, 5, 6, 7), (2, 3, 2), (2, 2, 2), (1, 1, 0), False, False)
    pooling("avg_nib_nopad_incpad", 58, "average_pooling", (1, 3, 7, 5), (2, 2), (2, 2), (0, 0), False, True)
    pooling("sum_k2s2", 60, "sum_pooling", (1, 3, 6, 8), (2, 2), (2, 2), (0, 0), True)
    pooling("sum_k3s2_pad1_nib", 61, "sum_pooling", (1, 2, 7, 9), (3, 3), (2, 2), (1, 1), False)

    global_avg("gap_2x5x7x6", 70, (2, 5, 7, 6))
    global_avg("gap_1x3x4x5", 71, (1, 3, 4, 5))

    batchnorm("bn_nchw", 80, (2, 5, 4, 3), 1, 1e-5)
    batchnorm("bn_nc", 81, (3, 6), 1, 1e-5)
    batchnorm("bn_eps1e-3", 82, (1, 7, 3, 3), 1, 1e-3)

    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump({"generator": "make_spatial_op_fixtures.py", "nnabla": nn.__version__,
                   "cases": cases}, f, indent=1)
    total = sum(os.path.getsize(os.path.join(OUT, c["file"])) for c in cases)
    print(f"{len(cases)} cases, {total} bytes of tensors")


if __name__ == "__main__":
    main()
