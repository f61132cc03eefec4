#!/usr/bin/env python3
"""Builds the reference fixtures for the element-wise and data-movement float kernels with the real
nnabla.

nnabla needs Python <= 3.10. Set up once, then run from the repository root (tested with nnabla
1.39.0, numpy 1.26):

    python3.10 -m venv /tmp/venv-nnabla && /tmp/venv-nnabla/bin/pip install nnabla 'numpy<2'
    /tmp/venv-nnabla/bin/python Tests/Fixtures/ops/make_pointwise_op_fixtures.py

Writes Tests/Fixtures/ops/pointwise/manifest.json and one <case>.bin per case. Each .bin holds the
case's input tensors in manifest order followed by nnabla's output, as raw little-endian float32.
manifest.json records, per case: the op (nnabla's function name in snake case), its attributes
(nnabla argument names), every input's name and shape, and the output shape. The generator is
deterministic (fixed seeds).

Two notes on the attributes:
  - slice: `start` / `stop` / `step` are the arguments given to nnabla (possibly negative, possibly
    covering only the trailing axes); `resolved` holds one non-negative `start`, a `stop` and a
    non-zero `step` per axis of x, the form NNIR's SliceAttributes holds (Python's
    slice(start, stop, step).indices(n); for a negative step, `stop` is -1 when the slice runs
    down to index 0).
  - add2 / sub2 / mul2 / div2: nnabla's Add2 & co. only broadcast inputs of equal rank. Cases whose
    input has fewer axes (numpy's rule: missing leading axes count as 1) record that shorter shape
    in the manifest and the rank-aligned shape nnabla was given in `nnabla_shape`; the data is the
    same.

PointwiseKernelTests (Tests/NNInterpreterTests) replays every case through FloatKernels and
PointwiseCKernelTests (Tests/NNCRuntimeTests) through the C runtime.
"""
import json
import os

import numpy as np
import nnabla as nn
import nnabla.functions as F

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "pointwise")

cases = []


def _run(name, op, attrs, inputs, fn, nnabla_shapes=None):
    """inputs: list of (name, ndarray). fn(*variables) -> nnabla variable. nnabla_shapes: optional
    per-input shape nnabla is given instead (same data, leading 1s added)."""
    arrays = [(n, np.ascontiguousarray(a, dtype=np.float32)) for n, a in inputs]
    fed = []
    for k, (_, a) in enumerate(arrays):
        shape = nnabla_shapes[k] if nnabla_shapes and nnabla_shapes[k] is not None else a.shape
        fed.append(nn.Variable.from_numpy_array(a.reshape(shape)))
    with nn.auto_forward(False):
        y = fn(*fed)
        y.forward()
    out = np.array(y.d, dtype=np.float32)
    blob = b"".join(a.astype("<f4").tobytes() for _, a in arrays) + out.astype("<f4").tobytes()
    with open(os.path.join(OUT, name + ".bin"), "wb") as f:
        f.write(blob)
    entries = []
    for k, (n, a) in enumerate(arrays):
        e = {"name": n, "shape": list(a.shape)}
        if nnabla_shapes and nnabla_shapes[k] is not None and tuple(nnabla_shapes[k]) != a.shape:
            e["nnabla_shape"] = list(nnabla_shapes[k])
        entries.append(e)
    cases.append({
        "name": name,
        "op": op,
        "attrs": attrs,
        "inputs": entries,
        "output": {"shape": list(out.shape)},
        "file": name + ".bin",
    })
    return out


def rnd(rng, *shape, scale=1.0):
    return (rng.randn(*shape) * scale).astype(np.float32)


# ---- Activations --------------------------------------------------------------------------------

# Negative, zero (both signs), positive, the ReLU6 knee, and magnitudes where exp over/underflows.
EDGES = [-100.0, -88.0, -30.0, -20.0, -10.0, -6.5, -1.0, -0.5, -1e-3, -1e-7, -0.0, 0.0, 1e-7, 1e-3,
         0.5, 1.0, 5.999, 6.0, 6.001, 7.0, 10.0, 20.0, 30.0, 88.0, 100.0]
SPECIALS = [float("nan"), float("inf"), float("-inf"), -0.0, 0.0, 3.0e38, -3.0e38, 1e-40, -1e-40]


def activation_input(seed):
    rng = np.random.RandomState(seed)
    x = np.concatenate([np.array(EDGES, dtype=np.float32), rnd(rng, 23, scale=3.0)])  # 48 values
    return x.reshape(2, 3, 8)


def activation(op, seed, fn, attrs=None, suffix=""):
    name = op + suffix
    attrs = attrs or {}
    _run(name, op, attrs, [("x", activation_input(seed))], fn)
    _run(name + "_specials", op, attrs, [("x", np.array(SPECIALS, dtype=np.float32))], fn)


def activations():
    activation("relu", 1, lambda x: F.relu(x))
    activation("relu6", 2, lambda x: F.relu6(x))
    activation("leaky_relu", 3, lambda x: F.leaky_relu(x, alpha=0.1), {"alpha": 0.1})
    activation("leaky_relu", 4, lambda x: F.leaky_relu(x, alpha=0.3), {"alpha": 0.3}, "_a0.3")
    activation("elu", 5, lambda x: F.elu(x, alpha=1.0), {"alpha": 1.0})
    activation("elu", 6, lambda x: F.elu(x, alpha=0.5), {"alpha": 0.5}, "_a0.5")
    activation("sigmoid", 7, lambda x: F.sigmoid(x))
    activation("tanh", 8, lambda x: F.tanh(x))
    activation("swish", 9, lambda x: F.swish(x))
    # A denser sweep of the transcendental range for the libm-backed ones.
    sweep = np.linspace(-25.0, 25.0, 401, dtype=np.float32).reshape(1, 401)
    _run("sigmoid_sweep", "sigmoid", {}, [("x", sweep)], lambda x: F.sigmoid(x))
    _run("tanh_sweep", "tanh", {}, [("x", sweep)], lambda x: F.tanh(x))
    _run("swish_sweep", "swish", {}, [("x", sweep)], lambda x: F.swish(x))
    _run("elu_sweep", "elu", {"alpha": 1.0}, [("x", sweep)], lambda x: F.elu(x, alpha=1.0))


# ---- Softmax ------------------------------------------------------------------------------------

def softmax(name, seed, shape, axis, scale=2.0):
    rng = np.random.RandomState(seed)
    _run(name, "softmax", {"axis": axis}, [("x", rnd(rng, *shape, scale=scale))],
         lambda x: F.softmax(x, axis=axis))


def softmaxes():
    softmax("softmax_2x5_axis1", 20, (2, 5), 1)
    softmax("softmax_2x3x4_axis1", 21, (2, 3, 4), 1)
    softmax("softmax_2x3x4_axis2", 22, (2, 3, 4), 2)
    softmax("softmax_2x3x4_axis0", 23, (2, 3, 4), 0)
    softmax("softmax_2x3x4_axis-1", 24, (2, 3, 4), -1)
    softmax("softmax_1x10_large", 25, (1, 10), 1, scale=40.0)  # exp(x - max) must not overflow
    softmax("softmax_2x4x3x3_axis1", 26, (2, 4, 3, 3), 1)
    # Ties and a single-element axis.
    _run("softmax_ties", "softmax", {"axis": 1},
         [("x", np.array([[1, 1, 1, 1], [3, -2, 3, 0]], dtype=np.float32))],
         lambda x: F.softmax(x, axis=1))
    softmax("softmax_axis_size1", 27, (3, 1, 2), 1)


# ---- Binary arithmetic --------------------------------------------------------------------------

BINARY = {"add2": F.add2, "sub2": F.sub2, "mul2": F.mul2, "div2": F.div2}


def operand(rng, shape, divisor):
    if not divisor:
        return rnd(rng, *shape, scale=2.0)
    # Keep away from 0: sign * [0.25, 4).
    sign = np.where(rng.rand(*shape) < 0.5, -1.0, 1.0)
    return (sign * rng.uniform(0.25, 4.0, size=shape)).astype(np.float32)


def aligned(shape, rank):
    return (1,) * (rank - len(shape)) + tuple(shape)


def binaries():
    # (suffix, a shape, b shape): equal shapes, one-sided and two-sided broadcasting, numpy's
    # missing leading axes, scalar-shaped [1].
    shapes = [
        ("same", (2, 3, 4), (2, 3, 4)),
        ("bc_1x3x1", (2, 3, 4), (1, 3, 1)),
        ("bc_3x1", (2, 3, 4), (3, 1)),
        ("bc_1x3x1x1_lhs", (1, 3, 1, 1), (2, 3, 4, 5)),
        ("bc_scalar1", (2, 3, 4), (1,)),
        ("bc_scalar1_lhs", (1,), (2, 3, 4)),
        ("bc_both", (2, 1, 4), (1, 3, 1)),
        ("bc_row", (3, 5), (5,)),
    ]
    seed = 30
    for op, fn in BINARY.items():
        for suffix, sa, sb in shapes:
            rng = np.random.RandomState(seed)
            seed += 1
            a = operand(rng, sa, False)
            b = operand(rng, sb, op == "div2")
            rank = max(len(sa), len(sb))
            _run(f"{op}_{suffix}", op, {}, [("a", a), ("b", b)], fn,
                 nnabla_shapes=[aligned(sa, rank), aligned(sb, rank)])


def scalars():
    rng = np.random.RandomState(60)
    x = rnd(rng, 2, 3, 4, scale=50.0)
    for i, val in enumerate([1.0 / 255.0, -0.5, 0.1, 3.7]):
        label = ["1_255", "m0.5", "0.1", "3.7"][i]
        _run(f"add_scalar_{label}", "add_scalar", {"val": val}, [("x", x)],
             lambda v, val=val: F.add_scalar(v, val))
        _run(f"mul_scalar_{label}", "mul_scalar", {"val": val}, [("x", x)],
             lambda v, val=val: F.mul_scalar(v, val))
    # Pixel-like inputs, the usual use of 1/255.
    px = np.arange(0, 256, dtype=np.float32).reshape(4, 64)
    _run("mul_scalar_pixels_1_255", "mul_scalar", {"val": 1.0 / 255.0}, [("x", px)],
         lambda v: F.mul_scalar(v, 1.0 / 255.0))


# ---- Concatenate, Transpose ---------------------------------------------------------------------

def concatenates():
    specs = [
        ("concat2_axis0", 0, [(2, 3, 4), (1, 3, 4)]),
        ("concat2_axis1", 1, [(2, 3, 4), (2, 2, 4)]),
        ("concat2_axis2", 2, [(2, 3, 4), (2, 3, 1)]),
        ("concat3_axis0", 0, [(1, 2, 3), (2, 2, 3), (3, 2, 3)]),
        ("concat3_axis1", 1, [(2, 1, 3), (2, 4, 3), (2, 2, 3)]),
        ("concat3_axis2", 2, [(2, 3, 2), (2, 3, 3), (2, 3, 1)]),
        ("concat3_axis-1", -1, [(2, 2), (2, 5), (2, 1)]),
        ("concat2_nchw_axis1", 1, [(1, 2, 3, 3), (1, 3, 3, 3)]),
    ]
    for k, (name, axis, shapes) in enumerate(specs):
        rng = np.random.RandomState(70 + k)
        xs = [(f"x{i}", rnd(rng, *s)) for i, s in enumerate(shapes)]
        _run(name, "concatenate", {"axis": axis}, xs, lambda *v, axis=axis: F.concatenate(*v, axis=axis))


def transposes():
    specs = [
        ((3, 5), (1, 0)),
        ((2, 3, 4), (0, 2, 1)),
        ((2, 3, 4), (2, 0, 1)),
        ((2, 3, 4), (1, 2, 0)),
        ((2, 3, 4), (2, 1, 0)),
        ((2, 3, 4), (0, 1, 2)),
        ((2, 3, 4, 5), (0, 2, 3, 1)),
        ((2, 3, 4, 5), (0, 3, 1, 2)),
        ((2, 3, 4, 5), (3, 2, 1, 0)),
        ((2, 3, 4, 5), (1, 0, 3, 2)),
        ((2, 1, 3, 2, 2), (4, 0, 2, 1, 3)),
    ]
    for k, (shape, axes) in enumerate(specs):
        rng = np.random.RandomState(80 + k)
        name = "transpose_" + "x".join(map(str, shape)) + "_" + "".join(map(str, axes))
        _run(name, "transpose", {"axes": list(axes)}, [("x", rnd(rng, *shape))],
             lambda v, axes=axes: F.transpose(v, axes))


# ---- Slice --------------------------------------------------------------------------------------

def resolve_slice(shape, start, stop, step):
    """SliceAttributes' form: one (start, stop, step) per axis, leading axes kept whole."""
    lead = len(shape) - len(start)
    rs, re, rp = [0] * lead, list(shape[:lead]), [1] * lead
    for i, n in enumerate(shape[lead:]):
        a, b, s = slice(start[i], stop[i], step[i]).indices(n)
        rs.append(a)
        re.append(b)
        rp.append(s)
    return {"start": rs, "stop": re, "step": rp}


def slices():
    specs = [
        ("slice_step1_middle", (10,), (2,), (7,), (1,)),
        ("slice_step2", (11,), (1,), (10,), (2,)),
        ("slice_step3_stop_past_end", (10,), (2,), (100,), (3,)),
        ("slice_negative_start_stop", (10,), (-7,), (-2,), (2,)),
        ("slice_reverse_all", (10,), (-1,), (-11,), (-1,)),
        ("slice_step-2_middle", (10,), (8,), (1,), (-2,)),
        ("slice_step-3_to_0", (10,), (9,), (-11,), (-3,)),
        ("slice_2d_middle", (5, 6), (1, 2), (4, 5), (1, 1)),
        ("slice_3d_mixed_steps", (4, 5, 6), (0, 4, 1), (4, 0, 6), (2, -1, 2)),
        ("slice_last_axis_only", (3, 4, 7), (1,), (6,), (2,)),
        ("slice_nchw_crop", (2, 3, 6, 6), (0, 1, 1, 1), (2, 3, 5, 5), (1, 1, 1, 1)),
        ("slice_4d_reverse_hw", (1, 2, 4, 5), (0, 0, -1, -1), (1, 2, -5, -6), (1, 1, -1, -2)),
    ]
    for k, (name, shape, start, stop, step) in enumerate(specs):
        rng = np.random.RandomState(100 + k)
        x = rnd(rng, *shape)
        attrs = {"start": list(start), "stop": list(stop), "step": list(step),
                 "resolved": resolve_slice(shape, start, stop, step)}
        out = _run(name, "slice", attrs, [("x", x)],
                   lambda v, a=start, b=stop, s=step: F.slice(v, start=a, stop=b, step=s))
        lead = len(shape) - len(start)
        expected = x[(slice(None),) * lead + tuple(slice(a, b, s) for a, b, s in zip(start, stop, step))]
        assert np.array_equal(out, expected), f"{name}: nnabla's slice differs from numpy's"


# ---- Pad ----------------------------------------------------------------------------------------

def pads():
    specs = [
        # name, x shape, pad_width, mode, constant_value
        ("pad_constant_1axis", (2, 3, 5), (2, 1), "constant", -1.5),
        ("pad_constant_2axes", (1, 2, 3, 4), (1, 2, 3, 0), "constant", 0.7),
        ("pad_constant_3axes", (2, 2, 3, 4), (1, 0, 0, 2, 2, 1), "constant", 2.25),
        ("pad_constant_zero", (2, 4), (0, 3), "constant", 0.0),
        ("pad_reflect_1axis", (2, 3, 5), (2, 3), "reflect", 0.0),
        ("pad_reflect_2axes", (1, 2, 4, 5), (1, 2, 3, 1), "reflect", 0.0),
        ("pad_reflect_wide_1axis", (2, 4), (5, 6), "reflect", 0.0),
        ("pad_reflect_wide_2axes", (1, 2, 3), (4, 3, 7, 5), "reflect", 0.0),
        ("pad_reflect_len1", (2, 1), (2, 3), "reflect", 0.0),
        ("pad_reflect_3axes", (2, 3, 4, 4), (1, 1, 2, 0, 0, 3), "reflect", 0.0),
        ("pad_repeat_1axis", (2, 3, 5), (3, 2), "repeat", 0.0),
        ("pad_repeat_2axes", (1, 2, 4, 5), (2, 1, 1, 3), "repeat", 0.0),
        ("pad_repeat_wide", (2, 3), (4, 5, 6, 2), "repeat", 0.0),
    ]
    for k, (name, shape, width, mode, cv) in enumerate(specs):
        rng = np.random.RandomState(120 + k)
        _run(name, "pad", {"pad_width": list(width), "mode": mode, "constant_value": cv},
             [("x", rnd(rng, *shape))],
             lambda v, w=width, m=mode, c=cv: F.pad(v, w, mode=m, constant_value=c))


def main():
    os.makedirs(OUT, exist_ok=True)
    for f in os.listdir(OUT):
        if f.endswith(".bin") or f == "manifest.json":
            os.remove(os.path.join(OUT, f))

    activations()
    softmaxes()
    binaries()
    scalars()
    concatenates()
    transposes()
    slices()
    pads()

    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump({"generator": "make_pointwise_op_fixtures.py", "nnabla": nn.__version__,
                   "cases": cases}, f, indent=1)
    total = sum(os.path.getsize(os.path.join(OUT, c["file"])) for c in cases)
    print(f"{len(cases)} cases, {total} bytes of tensors")


if __name__ == "__main__":
    main()
