#!/usr/bin/env python3
"""Golden fixtures for nnabla functions (issue 12), made with the real nnabla.

For every case this script builds a one-function (or small) network with nnabla's own Python API,
saves it with nnabla.utils.save.save (so each .nnp is byte-for-byte what nnabla writes, including
proto3's omission of fields at their zero value), loads the saved file back with
nnabla.utils.load.load, runs it, and stores nnabla's outputs as the golden.

Environment (nnabla needs Python <= 3.10):

    /root/.pyenv/versions/3.10.13/bin/python -m venv /tmp/venv-nnabla
    /tmp/venv-nnabla/bin/pip install nnabla nnabla-converter 'numpy<2'
    /tmp/venv-nnabla/bin/python scripts/make-function-fixtures.py

Tested with nnabla 1.39.0, numpy 1.26.4. Deterministic: every case's random numbers come from a
RandomState seeded with the CRC-32 of the case name, so adding a case changes no other case.

Writes Tests/Fixtures/functions/ (and its samples/ folder):
  <stem>.nnp     network "net", executor "runtime", batch size 1 written into the variable shapes
                 (variable_batch_size=False); parameters random
  <stem>.bin     the executor's data inputs, then its outputs, raw little-endian float32, in
                 manifest order
  manifest.json  {"generator", "nnabla", "cases": [...], "samples": [...]}; each entry:
                 name, function, attrs (the keyword arguments given to nnabla's Python function),
                 inputs [{name, shape}], outputs [{name, shape}], parameters [{name, shape}]
                 (in the .nnp only), generators [{name, shape}] (unrolled samples only: executor
                 generator variables, constant 0, not in the .bin), stem (files are <stem>.nnp
                 and <stem>.bin, relative to Tests/Fixtures/functions), tolerance_class, note
                 (optional). Tests read it with Tests/_NNTestSupport/FunctionFixtures.swift.
The .nnp zips get their member dates pinned to 1980-01-01 (member bytes untouched) so that a
rerun reproduces every file byte for byte.
tolerance_class:
  exact  IEEE basic operations and copies: a port must match bit for bit
  sum    sums of products (reductions, pooling, convolution, matmul): rounding depends on order
  libm   exp / log / tanh / pow based: within a few ulp of nnabla's libm
  network  a sample network (several of the above chained)

The recurrent samples also come in NNC's unrolled form (repeat_info, RecurrentInput,
RecurrentOutput, Delay; residual learning with RepeatStart/RepeatEnd), written here as an .nntxt
in NNC's layout (-1 batch axis, generator_variable initial states) and zipped with parameter.h5;
their goldens come from expanding them with nnabla's own NnpExpander and running the expanded
network (and must equal nnabla.utils.load's own expansion of the unexpanded file).

Dropout is the one golden that is not nnabla's output: see dropout_inference.
"""
import io
import json
import os
import shutil
import zipfile
import zlib
from collections import OrderedDict

import numpy as np
import nnabla as nn
import nnabla.functions as F
import nnabla.parametric_functions as PF
from nnabla.utils.save import save
from nnabla.utils.load import load
from nnabla.logger import logger

logger.setLevel(100)  # nnabla logs every load at level 99

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "functions")

CASES = []
SAMPLES = []
SURPRISES = []


def rng_for(name):
    return np.random.RandomState(zlib.crc32(name.encode()))


def rnd(rng, *shape, scale=1.0):
    return np.asarray(rng.randn(*shape) * scale, dtype=np.float32)


def run_saved(path, data):
    """Loads an .nnp as nnabla_cli forward does and runs executor "runtime" on `data`."""
    nn.clear_parameters()
    info = load([path], prepare_data_iterator=False, batch_size=1)
    e = info.executors["runtime"]
    for v, a in zip(e.dataset_assign.keys(), data):
        v.variable_instance.d = a.reshape(v.variable_instance.shape)
    e.forward_target.forward(clear_buffer=True)
    return [np.array(v.variable_instance.d, dtype=np.float32) for v in e.output_assign.keys()]


def pin_zip_times(path):
    """Rewrites the .nnp zip with every member's date set to 1980-01-01 (same bytes, same order,
    same compression), so a rerun gives byte-identical files and no git churn."""
    with zipfile.ZipFile(path) as z:
        members = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w") as z:
        for info, data in members:
            pinned = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            pinned.compress_type = info.compress_type
            pinned.external_attr = info.external_attr
            z.writestr(pinned, data)


def write_bin(path, arrays):
    with open(path, "wb") as f:
        for a in arrays:
            f.write(np.ascontiguousarray(a, dtype="<f4").tobytes())


def case(name, function, attrs, inputs, build, params=(), tol="exact", note=None, golden=None,
         into=None, folder=""):
    """inputs: [(name, ndarray)] data variables; params: [(name, ndarray)] nnabla parameters;
    build(xs: list of Variables, p: dict name -> parameter Variable) -> Variable or list."""
    into = CASES if into is None else into
    nn.clear_parameters()
    p = OrderedDict()
    for pname, arr in params:
        p[pname] = nn.parameter.get_parameter_or_create(pname, arr.shape, initializer=arr.astype(np.float32))
    xs = []
    for _, arr in inputs:
        v = nn.Variable(arr.shape)
        v.d = arr
        xs.append(v)
    with nn.auto_forward(False):
        ys = build(xs, p)
    if folder:
        randomize_batch_norm_stats(name)
    if not isinstance(ys, (list, tuple)):
        ys = [ys]
    out_names = ["y"] if len(ys) == 1 else ["y%d" % i for i in range(len(ys))]
    nn.forward_all(list(ys), clear_no_need_grad=False)
    direct = [np.array(y.d, dtype=np.float32) for y in ys]
    in_names = [n for n, _ in inputs]
    contents = {
        "networks": [{"name": "net", "batch_size": 1,
                      "outputs": OrderedDict(zip(out_names, ys)),
                      "names": OrderedDict(zip(in_names, xs))}],
        "executors": [{"name": "runtime", "network": "net", "data": in_names, "output": out_names}],
    }
    saved_params = [(k, list(v.shape)) for k, v in nn.get_parameters(grad_only=False).items()]
    stem = os.path.join(folder, name) if folder else name
    path = os.path.join(OUT, stem + ".nnp")
    save(path, contents, variable_batch_size=False)
    pin_zip_times(path)
    reloaded = run_saved(path, [a for _, a in inputs])
    for d, r, n in zip(direct, reloaded, out_names):
        if d.shape != r.shape or not np.array_equal(d, r, equal_nan=True):
            if golden is None or "dropout" in name:
                SURPRISES.append("%s: %s differs between the Python graph and the saved file (max %g)"
                                 % (name, n, np.max(np.abs(d - r)) if d.shape == r.shape else -1))
    outs = golden(direct, reloaded) if golden is not None else reloaded
    write_bin(os.path.join(OUT, stem + ".bin"), [a for _, a in inputs] + outs)
    entry = OrderedDict([
        ("name", name), ("function", function), ("attrs", attrs),
        ("inputs", [{"name": n, "shape": list(a.shape)} for n, a in inputs]),
        ("outputs", [{"name": n, "shape": list(o.shape)} for n, o in zip(out_names, outs)]),
        ("parameters", [{"name": n, "shape": s} for n, s in saved_params]),
        ("stem", stem), ("tolerance_class", tol)])
    if note:
        entry["note"] = note
    into.append(entry)


def unary(name, function, fn, attrs=None, shape=(1, 3, 4, 5), x=None, tol="exact", note=None):
    rng = rng_for(name)
    if x is None:
        x = rnd(rng, *shape, scale=2.0)
    case(name, function, attrs or {}, [("x", x)], lambda xs, p: fn(xs[0]), tol=tol, note=note)


def binary(name, function, fn, a_shape, b_shape, tol="exact", positive_a=False, a=None, b=None):
    rng = rng_for(name)
    if a is None:
        a = rnd(rng, *a_shape)
        if positive_a:
            a = np.abs(a) + 0.1
    if b is None:
        b = rnd(rng, *b_shape)
    case(name, function, {}, [("x0", a), ("x1", b)], lambda xs, p: fn(xs[0], xs[1]), tol=tol)


# ---------------------------------------------------------------------------------------------
# Pooling. ignore_border false: out = (in + pad - 1) / stride + 1 (pad counted once, the last
# window may hang over the end); true: (in + 2 pad - kernel) / stride + 1. The file omits
# ignore_border when false and including_pad when false (proto3), so a reader must default both to
# false, not to the Python API's true.


def pooling_cases():
    # Unpooling: nearest-neighbour upsampling, each input copied kernel times per axis.
    for nm, shape, k in [("unpooling_2x2", (1, 3, 3, 4), (2, 2)), ("unpooling_3x1", (1, 2, 3, 3), (3, 1)),
                         ("unpooling_1d_in_3d", (1, 2, 3, 4), (2,))]:
        unary(nm, "Unpooling", lambda x, k=k: F.unpooling(x, k), {"kernel": list(k)}, shape=shape)

    def pool(nm, fn_name, function, shape, **kw):
        rng = rng_for(nm)
        x = rnd(rng, *shape)
        fn = getattr(F, fn_name)
        attrs = {k: (list(v) if isinstance(v, tuple) else v) for k, v in kw.items()}
        case(nm, function, attrs, [("x", x)], lambda xs, p: fn(xs[0], **kw),
             tol="exact" if function == "MaxPooling" else "sum")

    pool("sum_pooling_k2s2", "sum_pooling", "SumPooling", (1, 3, 6, 6), kernel=(2, 2), stride=(2, 2))
    pool("sum_pooling_k3s2_pad1_ib_false", "sum_pooling", "SumPooling", (1, 2, 7, 6), kernel=(3, 3),
         stride=(2, 2), pad=(1, 1), ignore_border=False)
    pool("sum_pooling_k3s2_ib_true", "sum_pooling", "SumPooling", (1, 2, 7, 6), kernel=(3, 3),
         stride=(2, 2), ignore_border=True)
    for inc in (True, False):
        for ib in (True, False):
            pool("average_pooling_k3s2_pad1_ib_%s_incpad_%s" % (str(ib).lower(), str(inc).lower()),
                 "average_pooling", "AveragePooling", (1, 3, 7, 6), kernel=(3, 3), stride=(2, 2),
                 pad=(1, 1), ignore_border=ib, including_pad=inc)
    pool("average_pooling_k2_default_stride", "average_pooling", "AveragePooling", (1, 3, 6, 6), kernel=(2, 2))
    pool("max_pooling_k3s2_ib_false", "max_pooling", "MaxPooling", (1, 3, 7, 6), kernel=(3, 3),
         stride=(2, 2), ignore_border=False)
    pool("max_pooling_k2s2_pad1_ib_false", "max_pooling", "MaxPooling", (1, 2, 5, 5), kernel=(2, 2),
         stride=(2, 2), pad=(1, 1), ignore_border=False)
    pool("max_pooling_k2s2_ib_true", "max_pooling", "MaxPooling", (1, 3, 6, 6), kernel=(2, 2),
         stride=(2, 2), ignore_border=True)
    pool("max_pooling_k3s1_ib_false_pad0", "max_pooling", "MaxPooling", (1, 2, 5, 4), kernel=(3, 3),
         stride=(1, 1), ignore_border=False)
    unary("global_average_pooling", "GlobalAveragePooling", F.global_average_pooling, shape=(1, 3, 6, 6), tol="sum")
    unary("global_average_pooling_5x3", "GlobalAveragePooling", F.global_average_pooling, shape=(2, 4, 5, 3), tol="sum")


# ---------------------------------------------------------------------------------------------
# Activations. Checked against numpy on these goldens: GELU is the tanh approximation
# 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), not erf (4.7e-4 apart); HardSigmoid is
# clip(0.2 x + 0.5, 0, 1); SoftPlus(beta) = log(1 + exp(beta x)) / beta; CELU(axis) and
# CReLU(axis) concatenate f(x) and f(-x) along axis (the output doubles there); SoftSign
# x / (1 + |x|); Softmax/LogSoftmax without axis use the last axis in Python, but a file with
# axis 0 omits it, and 0 is what the reader must take.


def activation_cases():
    # Inputs include exact zeros (and ±1, ±3, ±6 where the function has a kink there).
    def with_kinks(name, shape=(1, 3, 4, 5)):
        rng = rng_for(name)
        x = rnd(rng, *shape, scale=3.0).reshape(-1)
        kinks = [0.0, -0.0, 1.0, -1.0, 2.5, -2.5, 3.0, -3.0, 6.0, -6.0, 20.0, -20.0]
        n = min(len(kinks), x.size)
        x[:n] = kinks[:n]
        return x.reshape(shape)

    unary("selu", "SELU", lambda x: F.selu(x), x=with_kinks("selu"), tol="libm")
    unary("selu_scale_alpha", "SELU", lambda x: F.selu(x, scale=1.5, alpha=2.0), {"scale": 1.5, "alpha": 2.0},
          x=with_kinks("selu_scale_alpha"), tol="libm")
    unary("crelu_axis1", "CReLU", lambda x: F.crelu(x), {"axis": 1}, x=with_kinks("crelu_axis1"))
    unary("crelu_axis3", "CReLU", lambda x: F.crelu(x, axis=3), {"axis": 3}, x=with_kinks("crelu_axis3"))
    unary("crelu_axis0_2d", "CReLU", lambda x: F.crelu(x, axis=0), {"axis": 0}, shape=(2, 5))
    unary("celu", "CELU", lambda x: F.celu(x), {"alpha": 1.0, "axis": 1}, x=with_kinks("celu"), tol="libm")
    unary("celu_alpha2_axis2", "CELU", lambda x: F.celu(x, alpha=2.0, axis=2), {"alpha": 2.0, "axis": 2},
          x=with_kinks("celu_alpha2_axis2"), tol="libm")

    # PReLU: slope of shape () / (1,) is shared; shape (C,) is per channel along base_axis.
    # PF.prelu(shared=True) makes a 0-d slope (shape ()): the file has a shape with no dims.
    for nm, shape, slope_shape, base_axis in [("prelu_shared", (1, 3, 4, 4), (1,), 1),
                                              ("prelu_shared_0d", (1, 3, 4, 4), (), 1),
                                              ("prelu_per_channel", (1, 3, 4, 4), (3,), 1),
                                              ("prelu_base_axis2", (1, 2, 4, 3), (4,), 2),
                                              ("prelu_2d_per_channel", (1, 6), (6,), 1),
                                              ("prelu_base_axis0", (4, 5), (4,), 0)]:
        rng = rng_for(nm)
        x = with_kinks(nm, shape)
        slope = rnd(rng, *slope_shape, scale=0.5)
        case(nm, "PReLU", {"base_axis": base_axis}, [("x", x)],
             lambda xs, p, b=base_axis: F.prelu(xs[0], p["prelu/slope"], base_axis=b),
             params=[("prelu/slope", slope)])

    unary("elu", "ELU", lambda x: F.elu(x), {"alpha": 1.0}, x=with_kinks("elu"), tol="libm")
    unary("elu_alpha0", "ELU", lambda x: F.elu(x, alpha=0.0), {"alpha": 0.0}, x=with_kinks("elu_alpha0"), tol="libm",
          note="alpha 0.0 is omitted from the file (proto3); nnabla then reads alpha = 0")
    unary("leaky_relu", "LeakyReLU", lambda x: F.leaky_relu(x), {"alpha": 0.1}, x=with_kinks("leaky_relu"))
    unary("leaky_relu_alpha0", "LeakyReLU", lambda x: F.leaky_relu(x, alpha=0.0), {"alpha": 0.0},
          x=with_kinks("leaky_relu_alpha0"), note="alpha 0.0 omitted from the file")
    unary("leaky_relu_alpha_neg", "LeakyReLU", lambda x: F.leaky_relu(x, alpha=-0.3), {"alpha": -0.3},
          x=with_kinks("leaky_relu_alpha_neg"))
    unary("swish", "Swish", F.swish, x=with_kinks("swish"), tol="libm")
    unary("sigmoid", "Sigmoid", F.sigmoid, x=with_kinks("sigmoid"), tol="libm")
    unary("tanh", "Tanh", F.tanh, x=with_kinks("tanh"), tol="libm")
    unary("relu6", "ReLU6", F.relu6, x=with_kinks("relu6"))
    unary("hard_sigmoid", "HardSigmoid", F.hard_sigmoid, x=with_kinks("hard_sigmoid"))
    unary("hard_tanh", "HardTanh", F.hard_tanh, x=with_kinks("hard_tanh"))
    unary("softplus", "SoftPlus", lambda x: F.softplus(x), {"beta": 1.0}, x=with_kinks("softplus"), tol="libm")
    unary("softplus_beta2", "SoftPlus", lambda x: F.softplus(x, beta=2.0), {"beta": 2.0},
          x=with_kinks("softplus_beta2"), tol="libm")
    unary("softplus_beta_half", "SoftPlus", lambda x: F.softplus(x, beta=0.5), {"beta": 0.5},
          x=with_kinks("softplus_beta_half"), tol="libm")
    unary("softsign", "SoftSign", F.softsign, x=with_kinks("softsign"))
    unary("gelu", "GELU", F.gelu, x=with_kinks("gelu"), tol="libm")
    unary("mish", "Mish", F.mish, x=with_kinks("mish"), tol="libm")
    for fn, function in [(F.softmax, "Softmax"), (F.log_softmax, "LogSoftmax")]:
        base = function.lower()
        unary(base + "_default_axis", function, lambda x, fn=fn: fn(x), {}, shape=(1, 3, 4), tol="libm",
              note="axis not given: nnabla's Python default is the last axis (len(shape) - 1)")
        unary(base + "_axis1", function, lambda x, fn=fn: fn(x, axis=1), {"axis": 1}, shape=(1, 5, 3), tol="libm")
        unary(base + "_axis0", function, lambda x, fn=fn: fn(x, axis=0), {"axis": 0}, shape=(4, 3), tol="libm",
              note="axis 0 is omitted from the file (proto3); reading it back must give 0, not the last axis")
        unary(base + "_axis_neg1", function, lambda x, fn=fn: fn(x, axis=-1), {"axis": -1}, shape=(1, 3, 4),
              tol="libm")
        unary(base + "_2d", function, lambda x, fn=fn: fn(x, axis=1), {"axis": 1}, shape=(1, 10), tol="libm")
        unary(base + "_large", function, lambda x, fn=fn: fn(x, axis=1), {"axis": 1},
              x=(rnd(rng_for(base + "_large"), 1, 6) * 30 + 80).astype(np.float32), tol="libm")


# ---------------------------------------------------------------------------------------------
# Reductions and normalisation. nnabla's Python API spells it keepdims, the file keep_dims
# (omitted when false); axis None is written as every axis; negative axes are written as given
# (-1 stays -1 in the file).


def reduction_cases():
    # MeanSubtraction at inference: y = x - mean, the running mean stored as a parameter.
    for nm, shape, base_axis in [("mean_subtraction", (1, 3, 4, 4), 1), ("mean_subtraction_base_axis2", (1, 2, 3, 4), 2),
                                 ("mean_subtraction_2d", (1, 6), 1)]:
        rng = rng_for(nm)
        x = rnd(rng, *shape)
        mean = rnd(rng, *shape[base_axis:])
        t = np.array([7.0], dtype=np.float32)
        case(nm, "MeanSubtraction", {"base_axis": base_axis, "update_running_mean": False}, [("x", x)],
             lambda xs, p, b=base_axis: F.mean_subtraction(xs[0], p["mean_subtraction/mean"], p["mean_subtraction/t"],
                                                           base_axis=b, update_running_mean=False),
             params=[("mean_subtraction/mean", mean), ("mean_subtraction/t", t)])

    shape = (1, 3, 4, 5)
    for fn, function in [(F.sum, "Sum"), (F.mean, "Mean"), (F.max, "Max"), (F.min, "Min"), (F.prod, "Prod")]:
        base = function.lower()
        tol = "exact" if function in ("Max", "Min") else "sum"
        for axes_name, axis in [("all", None), ("axis1", 1), ("axes_1_2", [1, 2]), ("axis_neg1", -1),
                                ("axes_neg2_neg1", [-2, -1]), ("axis0", 0), ("axes_0_3", [0, 3])]:
            for keep in (False, True):
                nm = "%s_%s_keepdims_%s" % (base, axes_name, str(keep).lower())
                rng = rng_for(nm)
                x = rnd(rng, *shape) if function != "Prod" else rng.uniform(0.5, 1.5, shape).astype(np.float32)
                attrs = {"axis": axis, "keepdims": keep}
                kw = {"keepdims": keep}
                if axis is not None:
                    kw["axis"] = axis
                case(nm, function, attrs, [("x", x)], lambda xs, p, fn=fn, kw=kw: fn(xs[0], **kw), tol=tol,
                     note=("axis None: nnabla writes every axis" if axis is None else None))


# ---------------------------------------------------------------------------------------------
# Arithmetic. Round is half away from zero (std::round: 2.5 -> 3, -0.5 -> -1). Sign(0) = alpha
# (-0.0 too). Pow2 with a negative base and a non-integer exponent gives nan. BatchMatmul
# broadcasts batch axes of size 1 (see batch_matmul_bcast_batch).


def arithmetic_cases():
    # nnabla broadcasts only between equal ranks (setup fails on (1,2,3,4) + (4,)): sizes 1 stretch.
    for fn, function in [(F.add2, "Add2"), (F.sub2, "Sub2"), (F.mul2, "Mul2"), (F.div2, "Div2"),
                         (F.pow2, "Pow2"), (F.minimum2, "Minimum2"), (F.maximum2, "Maximum2")]:
        base = function.lower()
        tol = "libm" if function == "Pow2" else "exact"
        for suffix, a_shape, b_shape in [("same", (1, 3, 4), (1, 3, 4)), ("bcast_channel", (1, 3, 4, 4), (1, 3, 1, 1)),
                                         ("bcast_both", (1, 3, 1), (1, 1, 4)), ("bcast_last", (1, 2, 3, 4), (1, 1, 1, 4)),
                                         ("bcast_scalar_tensor", (1, 5), (1, 1))]:
            binary("%s_%s" % (base, suffix), function, fn, a_shape, b_shape, tol=tol, positive_a=function == "Pow2")
    # Pow2 with a negative base and integral exponents (nnabla's std::pow gives real results).
    a = rnd(rng_for("pow2_negative_base"), 1, 8)
    b = np.array([[0, 1, 2, 3, -1, -2, 0.5, 2]], dtype=np.float32)
    binary("pow2_negative_base", "Pow2", F.pow2, None, None, tol="libm", a=a, b=b)
    # Div2 by zero: ±inf / nan as IEEE.
    binary("div2_by_zero", "Div2", F.div2, None, None, a=np.array([[1, -1, 0, 2]], np.float32),
           b=np.array([[0, 0, 0, -0.0]], np.float32))

    for fn, function, vals in [(F.add_scalar, "AddScalar", [1.5, 0.0]), (F.mul_scalar, "MulScalar", [-2.5, 0.0]),
                               (F.pow_scalar, "PowScalar", [2.0, 0.5, 3.0, -1.0]),
                               (F.r_sub_scalar, "RSubScalar", [1.0, 0.0]), (F.r_div_scalar, "RDivScalar", [2.0, 1.0]),
                               (F.r_pow_scalar, "RPowScalar", [2.0, 0.5]),
                               (F.minimum_scalar, "MinimumScalar", [0.25, 0.0]),
                               (F.maximum_scalar, "MaximumScalar", [-0.25, 0.0])]:
        base = function.lower()
        for v in vals:
            nm = "%s_%s" % (base, str(v).replace("-", "neg").replace(".", "p"))
            rng = rng_for(nm)
            x = rnd(rng, 1, 3, 4)
            if function == "PowScalar" and v != int(v):
                x = np.abs(x) + 0.05
            if function == "RDivScalar":
                x = np.where(np.abs(x) < 0.1, 0.5, x).astype(np.float32)
            tol = "libm" if function in ("PowScalar", "RPowScalar") else "exact"
            case(nm, function, {"val": v}, [("x", x)], lambda xs, p, fn=fn, v=v: fn(xs[0], val=v), tol=tol,
                 note=("val 0.0 is omitted from the file (proto3)" if v == 0.0 else None))

    zeros = np.array([[0.0, -0.0, 1.5, -1.5, 2.0, -0.25, 0.0, 3.0]], np.float32)
    unary("sign", "Sign", lambda x: F.sign(x), {"alpha": 1.0}, x=zeros, note="sign(0) = alpha")
    unary("sign_alpha0", "Sign", lambda x: F.sign(x, alpha=0.0), {"alpha": 0.0}, x=zeros, note="alpha omitted (proto3)")
    unary("sign_alpha_neg", "Sign", lambda x: F.sign(x, alpha=-1.0), {"alpha": -1.0}, x=zeros)
    unary("abs", "Abs", F.abs, shape=(1, 3, 4))
    unary("exp", "Exp", F.exp, shape=(1, 3, 4), tol="libm")
    unary("log", "Log", F.log, x=(np.abs(rnd(rng_for("log"), 1, 3, 4)) * 3 + 1e-3).astype(np.float32), tol="libm")
    unary("identity", "Identity", F.identity, shape=(1, 3, 4))
    halves = np.array([[0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49, -0.51, 3.7, -3.2, 0.0, 100.5]], np.float32)
    unary("round", "Round", F.round, x=halves, note="nnabla rounds half away from zero (std::round)")

    # BatchMatmul: (..., M, K) x (..., K, N).
    for nm, a_shape, b_shape, ta, tb in [("batch_matmul", (2, 3, 4), (2, 4, 5), False, False),
                                         ("batch_matmul_transpose_a", (2, 4, 3), (2, 4, 5), True, False),
                                         ("batch_matmul_transpose_b", (2, 3, 4), (2, 5, 4), False, True),
                                         ("batch_matmul_transpose_ab", (2, 4, 3), (2, 5, 4), True, True),
                                         ("batch_matmul_4d", (1, 2, 3, 4), (1, 2, 4, 2), False, False),
                                         ("batch_matmul_bcast_batch", (1, 2, 3, 4), (3, 1, 4, 2), False, False)]:
        rng = rng_for(nm)
        a, b = rnd(rng, *a_shape), rnd(rng, *b_shape)
        try:
            case(nm, "BatchMatmul", {"transpose_a": ta, "transpose_b": tb}, [("a", a), ("b", b)],
                 lambda xs, p, ta=ta, tb=tb: F.batch_matmul(xs[0], xs[1], transpose_a=ta, transpose_b=tb), tol="sum")
        except Exception as e:  # noqa: BLE001
            SURPRISES.append("%s: nnabla refuses it: %s" % (nm, str(e).splitlines()[0][:200]))
    for nm, a_shape, b_shape, tb in [("batch_matmul_const_b", (1, 3, 4), (1, 4, 5), False),
                                     ("batch_matmul_const_b_transposed", (1, 3, 4), (1, 5, 4), True)]:
        rng = rng_for(nm)
        a, b = rnd(rng, *a_shape), rnd(rng, *b_shape)
        case(nm, "BatchMatmul", {"transpose_a": False, "transpose_b": tb}, [("a", a)],
             lambda xs, p, tb=tb: F.batch_matmul(xs[0], p["matmul/b"], transpose_b=tb),
             params=[("matmul/b", b)], tol="sum")


# ---------------------------------------------------------------------------------------------
# Data movement. Slice, Pad and Shift parameters shorter than the rank apply to the LAST axes.
# Shift: y[i] = x[i - shift], out-of-range indices clamped (nearest) or mirrored with the edge
# repeated (reflect: period 2n, i -> 2n - 1 - i). Pad reflect is numpy's "reflect" (edge not
# repeated). Interpolate, per axis with s = align_corners && out > 1 ? (in-1)/(out-1) : in/out:
#   linear:  src = half_pixel ? max((d + 0.5) s - 0.5, 0) : d s; lerp x[floor], x[min(floor+1, in-1)]
#   nearest: half_pixel_for_nn ? floor((d + 0.5) s) : floor(the linear src)  (floor, never round,
#            even with align_corners); the Python scale argument becomes output_size in the file.


def movement_cases():
    rng = rng_for("concatenate")
    for nm, shapes, axis in [("concatenate_axis1", [(1, 2, 3), (1, 4, 3)], 1),
                             ("concatenate_axis_neg1", [(1, 2, 3), (1, 2, 1), (1, 2, 2)], -1),
                             ("concatenate_axis0", [(1, 3), (2, 3)], 0)]:
        rng = rng_for(nm)
        ins = [("x%d" % i, rnd(rng, *s)) for i, s in enumerate(shapes)]
        case(nm, "Concatenate", {"axis": axis}, ins, lambda xs, p, a=axis: F.concatenate(*xs, axis=a),
             note=("axis 0 is omitted from the file" if axis == 0 else None))
    for nm, shape, axis in [("split_axis1", (1, 3, 4), 1), ("split_axis_neg1", (1, 2, 3), -1), ("split_axis0", (3, 2), 0)]:
        rng = rng_for(nm)
        case(nm, "Split", {"axis": axis}, [("x", rnd(rng, *shape))], lambda xs, p, a=axis: list(F.split(xs[0], axis=a)))
    for nm, shapes, axis in [("stack_axis0", [(2, 3), (2, 3)], 0), ("stack_axis1", [(1, 3), (1, 3), (1, 3)], 1),
                             ("stack_axis_neg1", [(1, 2, 3), (1, 2, 3)], -1)]:
        rng = rng_for(nm)
        ins = [("x%d" % i, rnd(rng, *s)) for i, s in enumerate(shapes)]
        case(nm, "Stack", {"axis": axis}, ins, lambda xs, p, a=axis: F.stack(*xs, axis=a))
    for nm, shape, start, stop, step in [("slice_basic", (1, 3, 6, 6), (0, 1, 1, 0), (1, 3, 5, 6), (1, 1, 2, 1)),
                                         ("slice_step3", (1, 8), (0, 1), (1, 8), (1, 3)),
                                         ("slice_negative_step", (1, 6), (0, 5), (1, 0), (1, -2)),
                                         ("slice_fewer_entries_than_axes", (1, 4, 5), (0, 1), (1, 3), (1, 1))]:
        rng = rng_for(nm)
        case(nm, "Slice", {"start": list(start), "stop": list(stop), "step": list(step)}, [("x", rnd(rng, *shape))],
             lambda xs, p, a=start, b=stop, c=step: F.slice(xs[0], a, b, c),
             note=("start/stop/step shorter than the rank apply to the LAST axes (NNC writes them without the "
                   "batch axis)" if len(start) < len(shape) else None))
    for nm, shape, pw, mode, cv in [("pad_constant", (1, 2, 3, 4), (1, 2, 0, 3), "constant", 0.0),
                                    ("pad_constant_value", (1, 2, 3, 3), (1, 1, 2, 0), "constant", 1.5),
                                    ("pad_reflect", (1, 2, 4, 5), (2, 1, 1, 3), "reflect", 0.0),
                                    ("pad_reflect_1d", (1, 2, 5), (2, 3), "reflect", 0.0),
                                    ("pad_constant_all_axes", (1, 2, 3), (0, 1, 1, 0, 2, 1), "constant", -1.0)]:
        rng = rng_for(nm)
        case(nm, "Pad", {"pad_width": list(pw), "mode": mode, "constant_value": cv}, [("x", rnd(rng, *shape))],
             lambda xs, p, pw=pw, mode=mode, cv=cv: F.pad(xs[0], pw, mode=mode, constant_value=cv),
             note="pad_width pairs apply to the LAST len(pad_width)/2 axes")
    for nm, shape, axes in [("transpose_0213", (1, 2, 3, 4), (0, 2, 1, 3)), ("transpose_nchw_nhwc", (1, 3, 2, 4), (0, 2, 3, 1)),
                            ("transpose_2d", (3, 5), (1, 0))]:
        rng = rng_for(nm)
        case(nm, "Transpose", {"axes": list(axes)}, [("x", rnd(rng, *shape))], lambda xs, p, a=axes: F.transpose(xs[0], a))
    for nm, axes in [("flip_axis_neg1", [-1]), ("flip_axes_2_3", [2, 3]), ("flip_axis1", [1]), ("flip_default", None)]:
        rng = rng_for(nm)
        case(nm, "Flip", {"axes": axes}, [("x", rnd(rng, 1, 2, 3, 4))],
             lambda xs, p, a=axes: F.flip(xs[0], a) if a is not None else F.flip(xs[0]),
             note=("axes None: nnabla's Python default is the last axis" if axes is None else None))
    for nm, shifts, mode in [("shift_nearest", (1, -2), "nearest"), ("shift_reflect", (2, -1), "reflect"),
                             ("shift_nearest_3axes", (0, 1, -1), "nearest"), ("shift_reflect_big", (0, 4, -5), "reflect")]:
        rng = rng_for(nm)
        case(nm, "Shift", {"shifts": list(shifts), "border_mode": mode}, [("x", rnd(rng, 1, 2, 4, 5))],
             lambda xs, p, s=shifts, m=mode: F.shift(xs[0], s, m),
             note="shifts apply to the last len(shifts) axes; y[i] = x[i - shift] with the border rule")
    for nm, shape, new in [("reshape_flatten", (1, 2, 3, 4), (1, 24)), ("reshape_minus1", (1, 2, 3, 4), (1, -1, 4)),
                           ("reshape_4d", (1, 12), (1, 3, 2, 2))]:
        rng = rng_for(nm)
        case(nm, "Reshape", {"shape": list(new)}, [("x", rnd(rng, *shape))], lambda xs, p, s=new: F.reshape(xs[0], s))
    rng = rng_for("matrix_diag")
    case("matrix_diag", "MatrixDiag", {}, [("x", rnd(rng, 1, 2, 4))], lambda xs, p: F.matrix_diag(xs[0]))
    case("matrix_diag_1d", "MatrixDiag", {}, [("x", rnd(rng, 3))], lambda xs, p: F.matrix_diag(xs[0]))
    case("matrix_diag_part", "MatrixDiagPart", {}, [("x", rnd(rng, 1, 3, 3))], lambda xs, p: F.matrix_diag_part(xs[0]))
    case("matrix_diag_part_4d", "MatrixDiagPart", {}, [("x", rnd(rng, 1, 2, 4, 4))], lambda xs, p: F.matrix_diag_part(xs[0]))
    for nm, shape, new in [("broadcast_channel", (1, 3, 1, 1), (1, 3, 2, 4)), ("broadcast_row", (1, 1, 4), (2, 3, 4)),
                           ("broadcast_batch", (1, 3), (4, 3))]:
        rng = rng_for(nm)
        case(nm, "Broadcast", {"shape": list(new)}, [("x", rnd(rng, *shape))], lambda xs, p, s=new: F.broadcast(xs[0], s))
    for nm, ishape, n, d in [("embed", (1, 5), 10, 4), ("embed_2d_index", (1, 2, 3), 7, 3), ("embed_matrix_rows", (1, 4), 6, (2, 3))]:
        rng = rng_for(nm)
        idx = rng.randint(0, n, size=ishape).astype(np.float32)
        dims = d if isinstance(d, tuple) else (d,)
        w = rnd(rng, n, *dims)
        case(nm, "Embed", {}, [("x", idx)], lambda xs, p: F.embed(xs[0], p["embed/W"]), params=[("embed/W", w)],
             note="indices are stored as float32 in the .bin (nnabla casts to int)")
    for nm, kw in [("interpolate_nearest_scale2", dict(scale=(2, 2), mode="nearest")),
                   ("interpolate_nearest_output_size", dict(output_size=(5, 7), mode="nearest")),
                   ("interpolate_nearest_half_pixel", dict(output_size=(5, 7), mode="nearest", half_pixel=True)),
                   ("interpolate_linear_scale2", dict(scale=(2, 2), mode="linear")),
                   ("interpolate_linear_align_corners", dict(scale=(2, 2), mode="linear", align_corners=True)),
                   ("interpolate_linear_output_size", dict(output_size=(5, 7), mode="linear")),
                   ("interpolate_linear_output_size_ac", dict(output_size=(5, 7), mode="linear", align_corners=True)),
                   ("interpolate_linear_half_pixel", dict(output_size=(5, 7), mode="linear", half_pixel=True)),
                   ("interpolate_nearest_align_corners", dict(output_size=(5, 7), mode="nearest", align_corners=True)),
                   ("interpolate_nearest_align_corners_8x8", dict(output_size=(8, 8), mode="nearest", align_corners=True)),
                   ("interpolate_nearest_8x8", dict(output_size=(8, 8), mode="nearest")),
                   ("interpolate_nearest_half_pixel_for_nn", dict(output_size=(8, 8), mode="nearest", half_pixel=True,
                                                                  half_pixel_for_nn=True)),
                   ("interpolate_linear_downscale", dict(output_size=(2, 3), mode="linear")),
                   ("interpolate_linear_1d", dict(output_size=(9,), mode="linear"))]:
        rng = rng_for(nm)
        shape = (1, 2, 5) if nm.endswith("_1d") else (1, 2, 3, 4)
        attrs = {k: (list(v) if isinstance(v, tuple) else v) for k, v in kw.items()}
        case(nm, "Interpolate", attrs, [("x", rnd(rng, *shape))], lambda xs, p, kw=kw: F.interpolate(xs[0], **kw),
             tol="sum", note="scale is turned into output_size by nnabla's Python wrapper: the file has output_size only"
             if "scale" in kw else None)
    for nm, ishape, k in [("one_hot", (1, 1), (5,)), ("one_hot_batch", (4, 1), (6,)), ("one_hot_2d", (3, 2), (3, 4))]:
        rng = rng_for(nm)
        idx = np.stack([rng.randint(0, kk, size=ishape[0]) for kk in k], axis=1).astype(np.float32)
        case(nm, "OneHot", {"shape": list(k)}, [("x", idx)], lambda xs, p, k=k: F.one_hot(xs[0], k))
    rng = rng_for("clip_by_value")
    x = rnd(rng, 1, 3, 4, scale=2.0)
    case("clip_by_value_scalars", "clip_by_value", {"min": -0.5, "max": 0.75}, [("x", x)],
         lambda xs, p: F.clip_by_value(xs[0], -0.5, 0.75),
         note="F.clip_by_value with floats: the file holds MaximumScalar(min) then MinimumScalar(max)")
    lo = np.full((1, 3, 1), -0.5, np.float32)
    lo[0, 1, 0] = -1.0
    hi = np.full((1, 3, 1), 0.75, np.float32)
    case("clip_by_value_variables", "clip_by_value", {"min": "parameter clip/min", "max": "parameter clip/max"},
         [("x", x)], lambda xs, p: F.clip_by_value(xs[0], p["clip/min"], p["clip/max"]),
         params=[("clip/min", lo), ("clip/max", hi)],
         note="F.clip_by_value with Variables: the file holds Maximum2(x, min) then Minimum2(., max), "
              "min/max (1, 3, 1) broadcast")


# ---------------------------------------------------------------------------------------------
# Binary networks, dropout, convolutions. BinarySigmoid(0) = 0 and BinaryTanh(0) = -1 (x > 0
# tests). The Binary*Affine/Convolution functions recompute Wb = sign(W) (0 -> quantize_zero_to)
# and, for BinaryWeight*, alpha = mean |W| per output on every forward; the saved Wb/alpha are
# the values after that forward. Dropout: see dropout_inference.


def binary_cases():
    x = np.array([[0.0, -0.0, 1.0, -1.0, 0.3, -0.3, 2.0, -2.0]], np.float32)
    unary("binary_sigmoid", "BinarySigmoid", F.binary_sigmoid, x=x, note="x > 0 ? 1 : 0 (zero maps to 0)")
    unary("binary_tanh", "BinaryTanh", F.binary_tanh, x=x, note="x > 0 ? 1 : -1 (zero maps to -1)")

    def weights(rng, *shape):
        w = rnd(rng, *shape, scale=0.5).reshape(-1)
        w[::7] = 0.0  # quantize_zero_to decides these
        return w.reshape(shape)

    for nm, qz, bias in [("binary_connect_affine", 1.0, True), ("binary_connect_affine_qz_neg1_nobias", -1.0, False)]:
        rng = rng_for(nm)
        x = rnd(rng, 1, 3, 2, 2)
        w = weights(rng, 12, 5)
        params = [("bicon_affine/W", w), ("bicon_affine/Wb", np.zeros_like(w))]
        if bias:
            params.append(("bicon_affine/b", rnd(rng, 5)))
        case(nm, "BinaryConnectAffine", {"base_axis": 1, "quantize_zero_to": qz}, [("x", x)],
             lambda xs, p, qz=qz: F.binary_connect_affine(xs[0], p["bicon_affine/W"], p["bicon_affine/Wb"],
                                                         p.get("bicon_affine/b"), quantize_zero_to=qz),
             params=params, tol="sum", note="Wb is recomputed as sign(W) (0 -> quantize_zero_to) on every forward")
    for nm, qz, bias, kw in [("binary_connect_convolution", 1.0, True, dict(pad=(1, 1), stride=(1, 1))),
                             ("binary_connect_convolution_stride2_qz0", 0.0, False, dict(pad=(0, 1), stride=(2, 2)))]:
        rng = rng_for(nm)
        x = rnd(rng, 1, 3, 6, 6)
        w = weights(rng, 4, 3, 3, 3)
        params = [("bicon_conv/W", w), ("bicon_conv/Wb", np.zeros_like(w))]
        if bias:
            params.append(("bicon_conv/b", rnd(rng, 4)))
        attrs = {"base_axis": 1, "pad": list(kw["pad"]), "stride": list(kw["stride"]), "dilation": [1, 1], "group": 1,
                 "quantize_zero_to": qz}
        case(nm, "BinaryConnectConvolution", attrs, [("x", x)],
             lambda xs, p, qz=qz, kw=kw: F.binary_connect_convolution(
                 xs[0], p["bicon_conv/W"], p["bicon_conv/Wb"], p.get("bicon_conv/b"), quantize_zero_to=qz, **kw),
             params=params, tol="sum")
    for nm, qz, bias in [("binary_weight_affine", 1.0, True), ("binary_weight_affine_nobias", 1.0, False)]:
        rng = rng_for(nm)
        x = rnd(rng, 1, 12)
        w = weights(rng, 12, 5)
        params = [("bwn_affine/W", w), ("bwn_affine/Wb", np.zeros_like(w)), ("bwn_affine/alpha", np.zeros((5,), np.float32))]
        if bias:
            params.append(("bwn_affine/b", rnd(rng, 5)))
        case(nm, "BinaryWeightAffine", {"base_axis": 1, "quantize_zero_to": qz}, [("x", x)],
             lambda xs, p, qz=qz: F.binary_weight_affine(xs[0], p["bwn_affine/W"], p["bwn_affine/Wb"], p["bwn_affine/alpha"],
                                                        p.get("bwn_affine/b"), quantize_zero_to=qz),
             params=params, tol="sum", note="alpha[o] = mean |W[:, o]|, recomputed on every forward")
    for nm, bias, kw in [("binary_weight_convolution", True, dict(pad=(1, 1), stride=(1, 1))),
                         ("binary_weight_convolution_stride2", False, dict(pad=(1, 0), stride=(2, 2)))]:
        rng = rng_for(nm)
        x = rnd(rng, 1, 3, 6, 6)
        w = weights(rng, 4, 3, 3, 3)
        params = [("bwn_conv/W", w), ("bwn_conv/Wb", np.zeros_like(w)), ("bwn_conv/alpha", np.zeros((4,), np.float32))]
        if bias:
            params.append(("bwn_conv/b", rnd(rng, 4)))
        attrs = {"base_axis": 1, "pad": list(kw["pad"]), "stride": list(kw["stride"]), "dilation": [1, 1], "group": 1,
                 "quantize_zero_to": 1.0}
        case(nm, "BinaryWeightConvolution", attrs, [("x", x)],
             lambda xs, p, kw=kw: F.binary_weight_convolution(
                 xs[0], p["bwn_conv/W"], p["bwn_conv/Wb"], p["bwn_conv/alpha"], p.get("bwn_conv/b"), **kw),
             params=params, tol="sum")

    # Dropout: nnabla runs the saved Dropout as in training (random mask, scaled by 1/(1-p)); at
    # inference NNC and nnabla-c-runtime treat it as identity, so the golden is the input.
    rng = rng_for("dropout")
    x = rnd(rng, 1, 3, 4)
    case("dropout_inference", "Dropout", {"p": 0.5, "seed": 7}, [("x", x)], lambda xs, p: F.dropout(xs[0], p=0.5, seed=7),
         golden=lambda direct, reloaded: [x.copy()],
         note="golden is the inference meaning (identity); nnabla 1.39 run on this file applies the seeded "
              "mask and the 1/(1-p) scale even through nnabla.utils.load")

    def conv_case(nm, function, fn, x_shape, w_shape, b_len, attrs, kw, wname):
        rng = rng_for(nm)
        x = rnd(rng, *x_shape)
        params = [(wname + "/W", rnd(rng, *w_shape, scale=0.5))]
        if b_len:
            params.append((wname + "/b", rnd(rng, b_len)))
        case(nm, function, attrs, [("x", x)],
             lambda xs, p: fn(xs[0], p[wname + "/W"], p.get(wname + "/b"), **kw), params=params, tol="sum")

    for nm, x_shape, w_shape, group, kw in [
            ("deconvolution_basic", (1, 3, 4, 4), (3, 2, 3, 3), 1, dict()),
            ("deconvolution_stride2_pad1", (1, 3, 4, 4), (3, 2, 3, 3), 1, dict(pad=(1, 1), stride=(2, 2))),
            ("deconvolution_output_padding", (1, 2, 3, 4), (2, 3, 3, 3), 1, dict(pad=(1, 1), stride=(2, 2), output_padding=(1, 1))),
            ("deconvolution_group2", (1, 4, 3, 3), (4, 2, 2, 2), 2, dict(stride=(2, 2), group=2)),
            ("deconvolution_dilation2_nobias", (1, 2, 3, 3), (2, 2, 3, 3), 1, dict(dilation=(2, 2)))]:
        attrs = {"base_axis": 1, "pad": list(kw.get("pad", (0, 0))), "stride": list(kw.get("stride", (1, 1))),
                 "dilation": list(kw.get("dilation", (1, 1))), "group": group,
                 "output_padding": list(kw.get("output_padding", (0, 0)))}
        conv_case(nm, "Deconvolution", F.deconvolution, x_shape, w_shape,
                  0 if nm.endswith("nobias") else w_shape[1] * group, attrs, kw, "deconv")
    for nm, x_shape, k, mult, kw in [("depthwise_convolution_mult2", (1, 3, 6, 6), (3, 3), 2, dict(pad=(1, 1))),
                                     ("depthwise_convolution_mult1_stride2", (1, 4, 6, 6), (3, 3), 1, dict(stride=(2, 2))),
                                     ("depthwise_convolution_mult2_dil2", (1, 2, 7, 7), (3, 3), 2, dict(pad=(2, 2), dilation=(2, 2)))]:
        attrs = {"base_axis": 1, "pad": list(kw.get("pad", (0, 0))), "stride": list(kw.get("stride", (1, 1))),
                 "dilation": list(kw.get("dilation", (1, 1))), "multiplier": mult}
        kw = dict(kw, multiplier=mult)
        conv_case(nm, "DepthwiseConvolution", F.depthwise_convolution, x_shape, (x_shape[1] * mult,) + k,
                  x_shape[1] * mult, attrs, kw, "depthwise_conv")
    for nm, x_shape, w_shape, kw in [("convolution_group_eq_channels", (1, 4, 5, 5), (4, 1, 3, 3), dict(pad=(1, 1), group=4)),
                                     ("convolution_group_eq_channels_mult2", (1, 3, 5, 5), (6, 1, 3, 3), dict(group=3, stride=(2, 2))),
                                     ("convolution_group2", (1, 4, 5, 5), (6, 2, 3, 3), dict(group=2, pad=(1, 0))),
                                     ("convolution_basic_nobias", (1, 3, 6, 6), (4, 3, 3, 3), dict(pad=(1, 1), stride=(2, 2)))]:
        attrs = {"base_axis": 1, "pad": list(kw.get("pad", (0, 0))), "stride": list(kw.get("stride", (1, 1))),
                 "dilation": [1, 1], "group": kw.get("group", 1)}
        conv_case(nm, "Convolution", F.convolution, x_shape, w_shape, 0 if nm.endswith("nobias") else w_shape[0],
                  attrs, kw, "conv")


# ---------------------------------------------------------------------------------------------
# Recurrent functions (F.rnn / F.lstm / F.gru): x (T, B, I), h (L, D, B, H), c (L, D, B, H),
# weight_l0 (D, G, H, I + H), weight (L - 1, D, G, H, D*H + H), bias (L, D, G, H);
# G = 4 (LSTM rows: i, f, g, o — g the tanh candidate in row 2), 3 (GRU: r, z, n); RNN has no G axis at all (not G = 1); GRU's bias
# is (L, D, 4, H), not (L, D, 3, H): the hidden side of the n gate has its own bias.
# Checked against numpy: gate = W[g] @ concat(x_t, h) + b[g]; LSTM c = f c + i g, h = o tanh(c);
# GRU n = tanh(W_n[:, :I] x + b[2] + r (W_n[:, I:] h + b[3])), h = (1 - z) n + z h; backward
# direction runs over reversed time, y = concat(forward, backward) per step. With num_layers 1
# the file has no weight input: the inputs are x, h, (c,) weight_l0, bias. Outputs y (T, B, D*H), h_n, (c_n).


def rnn_params(prefix, gates, L, D, I, H, rng):
    g = () if gates == 1 else (gates,)  # RNN's arrays have no gate axis
    params = [(prefix + "/weight_l0", rnd(rng, D, *g, H, I + H, scale=0.4))]
    if L > 1:
        params.append((prefix + "/weight", rnd(rng, L - 1, D, *g, H, D * H + H, scale=0.4)))
    if prefix == "gru":
        g = (4,)  # GRU's bias has 4 rows: r, z, n (input side) and n (hidden side, inside r * (...))
    params.append((prefix + "/bias", rnd(rng, L, D, *g, H, scale=0.2)))
    return params


def recurrent_cases():
    T, B, I, H = 5, 1, 3, 4
    for kind, gates, fn in [("rnn", 1, F.rnn), ("lstm", 4, F.lstm), ("gru", 3, F.gru)]:
        variants = [(1, False, {}), (2, False, {}), (1, True, {}), (2, True, {})]
        if kind == "rnn":
            variants.append((1, False, {"nonlinearity": "relu"}))
        for L, bidir, extra in variants:
            D = 2 if bidir else 1
            nm = "%s_l%d%s%s" % (kind, L, "_bidirectional" if bidir else "", "_relu" if extra else "")
            rng = rng_for(nm)
            x = rnd(rng, T, B, I)
            h = rnd(rng, L, D, B, H, scale=0.5)
            ins = [("x", x), ("h", h)]
            if kind == "lstm":
                ins.append(("c", rnd(rng, L, D, B, H, scale=0.5)))
            params = rnn_params(kind, gates, L, D, I, H, rng)
            attrs = dict({"num_layers": L, "bidirectional": bidir, "training": False}, **extra)

            def build(xs, p, kind=kind, fn=fn, L=L, bidir=bidir, extra=extra):
                w = p.get(kind + "/weight")
                args = xs + [p[kind + "/weight_l0"]]
                return list(fn(*args, weight=w, bias=p[kind + "/bias"], num_layers=L, bidirectional=bidir,
                               training=False, **extra))
            case(nm, {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}[kind], attrs, ins, build, params=params, tol="libm")


# ---------------------------------------------------------------------------------------------
# Sony's NNC sample projects, rebuilt with nnabla's API in the same shapes (smaller widths),
# random parameters (PF's initializers, seeded per sample). Images are 1x1x28x28 where the
# sample is an MNIST one; sequences are (batch 1, T 6, features 8) for NNC-style recurrent
# samples and (T 6, batch 1, features 8) for nnabla's F.rnn/F.lstm/F.gru.


def sample(name, inputs, build, note, params=()):
    import nnabla.random
    nnabla.random.prng = np.random.RandomState(zlib.crc32(("sample:" + name).encode()))
    case(name, "network", {}, inputs, build, params=params, tol="network", note=note, into=SAMPLES, folder="samples")


def randomize_batch_norm_stats(name):
    """PF.batch_normalization starts at beta 0, gamma 1, mean 0, var 1: give them trained-looking values."""
    rng = rng_for("bn:" + name)
    for k, v in nn.get_parameters(grad_only=False).items():
        if k.endswith("/beta") or k.endswith("/mean"):
            v.d = rnd(rng, *v.shape, scale=0.3)
        elif k.endswith("/gamma"):
            v.d = rng.uniform(0.5, 1.5, v.shape)
        elif k.endswith("/var"):
            v.d = rng.uniform(0.5, 2.0, v.shape)


def image(name, shape=(1, 1, 28, 28)):
    return rng_for(name).uniform(0, 1, shape).astype(np.float32)


def mlp(x, widths, act, prefix="affine"):
    h = x
    for i, w in enumerate(widths):
        h = PF.affine(h, w, name="%s%d" % (prefix, i))
        if i < len(widths) - 1:
            h = act(h)
    return h


def sample_cases():
    sample("logistic_regression", [("x", image("logistic_regression"))],
           lambda xs, p: F.sigmoid(PF.affine(xs[0], 1, name="affine")),
           "NNC 01_logistic_regression: Affine(784 -> 1), Sigmoid")

    def binary_cnn(xs, p):
        h = F.tanh(F.max_pooling(PF.binary_connect_convolution(xs[0], 4, (5, 5), name="bicon_conv1"), (2, 2)))
        h = F.tanh(F.max_pooling(PF.binary_connect_convolution(h, 8, (5, 5), name="bicon_conv2"), (2, 2)))
        h = F.tanh(PF.affine(h, 10, name="affine1"))
        return F.sigmoid(PF.affine(h, 1, name="affine2"))
    sample("binary_cnn", [("x", image("binary_cnn"))], binary_cnn,
           "NNC 02_binary_cnn with BinaryConnect convolutions: conv5x5(4)-maxpool-tanh-conv5x5(8)-maxpool-tanh-affine(10)-tanh-affine(1)-sigmoid")

    def auto_encoder(xs, p):
        h = F.tanh(PF.affine(xs[0], 32, name="encoder"))
        return F.reshape(F.sigmoid(PF.affine(h, 784, name="decoder")), (1, 1, 28, 28))
    sample("auto_encoder", [("x", image("auto_encoder"))], auto_encoder,
           "NNC 06_auto_encoder: affine(32)-tanh-affine(784)-sigmoid-reshape")

    sample("deep_mlp", [("x", image("deep_mlp"))],
           lambda xs, p: F.softmax(mlp(xs[0], [16, 16, 16, 16, 10], F.relu)),
           "NNC 10_deep_mlp: 4 x (affine(16)-relu), affine(10), softmax")

    def deconv_net(xs, p):
        h = F.relu(PF.convolution(xs[0], 4, (5, 5), name="conv1"))                # 24
        h = F.max_pooling(h, (2, 2))                                             # 12
        h = F.relu(PF.convolution(h, 8, (3, 3), name="conv2"))                  # 10
        h = F.relu(PF.deconvolution(h, 4, (3, 3), name="deconv1"))              # 12
        h = F.unpooling(h, (2, 2))                                               # 24
        return F.sigmoid(PF.deconvolution(h, 1, (5, 5), name="deconv2"))        # 28
    sample("deconvolution", [("x", image("deconvolution"))], deconv_net,
           "NNC 11_deconvolution: conv-maxpool-conv then deconv-unpooling-deconv back to 28x28")

    def residual(xs, p):
        h = F.relu(PF.batch_normalization(PF.convolution(xs[0], 8, (3, 3), pad=(1, 1), name="conv0"),
                                          batch_stat=False, name="bn0"))
        for i in range(2):
            r = F.relu(PF.batch_normalization(PF.convolution(h, 8, (3, 3), pad=(1, 1), name="res%d/conv1" % i),
                                              batch_stat=False, name="res%d/bn1" % i))
            r = PF.batch_normalization(PF.convolution(r, 8, (3, 3), pad=(1, 1), name="res%d/conv2" % i),
                                       batch_stat=False, name="res%d/bn2" % i)
            h = F.relu(F.add2(h, r))
        h = F.average_pooling(h, (4, 4))
        return F.softmax(PF.affine(h, 10, name="affine"))
    sample("residual_learning", [("x", image("residual_learning", (1, 1, 12, 12)))], residual,
           "NNC 12_residual_learning (12x12 input): conv-bn-relu, 2 residual blocks (conv-bn-relu-conv-bn, add, relu), "
           "avgpool, affine, softmax; BatchNormalization at inference (random beta, gamma, mean, var)")

    def lenet(xs, p, conv=PF.convolution, act=F.relu, fc=PF.affine, prefix=""):
        h = act(F.max_pooling(conv(xs[0], 6, (5, 5), name=prefix + "conv1"), (2, 2)))
        h = act(F.max_pooling(conv(h, 16, (5, 5), name=prefix + "conv2"), (2, 2)))
        h = act(fc(h, 32, name=prefix + "fc3"))
        return fc(h, 10, name=prefix + "fc4")
    sample("lenet", [("x", image("lenet"))], lambda xs, p: F.softmax(lenet(xs, p)),
           "NNC LeNet: conv5x5(6)-maxpool-relu-conv5x5(16)-maxpool-relu-affine(32)-relu-affine(10)-softmax")

    # binary-connect / binary-net / binary-weight MNIST (nnabla-examples mnist-collection/classification_bnn.py)
    def bn(h, name):
        return PF.batch_normalization(h, batch_stat=False, name=name)

    def binary_lenet(kind):
        conv = {"bc": PF.binary_connect_convolution, "bn": PF.binary_connect_convolution,
                "bw": PF.binary_weight_convolution}[kind]
        fc = {"bc": PF.binary_connect_affine, "bn": PF.binary_connect_affine, "bw": PF.binary_weight_affine}[kind]
        act = F.binary_tanh if kind == "bn" else F.elu

        def build(xs, p):
            h = act(bn(F.max_pooling(conv(xs[0], 8, (5, 5), name="conv1"), (2, 2)), "bn1"))
            h = act(bn(F.max_pooling(conv(h, 8, (5, 5), name="conv2"), (2, 2)), "bn2"))
            h = act(bn(fc(h, 16, name="fc3"), "bn3"))
            return bn(fc(h, 10, name="fc4"), "bn4")
        return build

    def binary_mlp(kind):
        fc = {"bc": PF.binary_connect_affine, "bn": PF.binary_connect_affine, "bw": PF.binary_weight_affine}[kind]
        act = F.binary_tanh if kind == "bn" else F.elu

        def build(xs, p):
            h = xs[0]
            for i in range(3):
                h = act(bn(fc(h, 16, name="fc%d" % i), "bn%d" % i))
            return bn(fc(h, 10, name="fc3"), "bn3")
        return build
    for kind, label in [("bc", "binary_connect"), ("bn", "binary_net"), ("bw", "binary_weight")]:
        sample("%s_mnist_lenet" % label, [("x", image("%s_mnist_lenet" % label))], binary_lenet(kind),
               "%s MNIST LeNet (nnabla-examples classification_bnn.py, 8/8/16 wide): binary conv-maxpool-BN-%s x2, "
               "binary affine-BN-%s, binary affine-BN" % (label, "binary_tanh" if kind == "bn" else "elu",
                                                         "binary_tanh" if kind == "bn" else "elu"))
        sample("%s_mnist_mlp" % label, [("x", image("%s_mnist_mlp" % label))], binary_mlp(kind),
               "%s MNIST MLP: 3 x (binary affine(16)-BN-%s), binary affine(10)-BN" %
               (label, "binary_tanh" if kind == "bn" else "elu"))

    def vae(xs, p):
        h = F.relu(PF.affine(xs[0], 32, name="enc1"))
        h = F.relu(PF.affine(h, 32, name="enc2"))
        mu = PF.affine(h, 4, name="enc_mu")
        _ = PF.affine(h, 4, name="enc_logvar")  # the sampling branch; inference decodes the mean
        h = F.relu(PF.affine(mu, 32, name="dec1"))
        h = F.relu(PF.affine(h, 32, name="dec2"))
        return [mu, F.sigmoid(PF.affine(h, 784, name="dec_out"))]
    sample("mnist_vae", [("x", image("mnist_vae"))], vae,
           "MNIST VAE at inference: encoder mean path (outputs y0 = mu) and decoder of mu (y1 = 784 pixels)")

    def dcgan_generator(xs, p):
        h = F.elu(bn(PF.deconvolution(xs[0], 32, (4, 4), name="deconv1"), "bn1"))                                # 4
        h = F.elu(bn(PF.deconvolution(h, 16, (4, 4), pad=(1, 1), stride=(2, 2), name="deconv2"), "bn2"))        # 8
        h = F.elu(bn(PF.deconvolution(h, 8, (4, 4), pad=(1, 1), stride=(2, 2), name="deconv3"), "bn3"))         # 16
        h = F.elu(bn(PF.deconvolution(h, 4, (4, 4), pad=(1, 1), stride=(2, 2), name="deconv4"), "bn4"))         # 32
        h = F.tanh(PF.convolution(h, 1, (3, 3), pad=(1, 1), name="conv5"))
        return F.slice(h, (0, 0, 2, 2), (1, 1, 30, 30))
    sample("dcgan_generator", [("z", rnd(rng_for("dcgan_generator"), 1, 16, 1, 1))], dcgan_generator,
           "DCGAN generator (nnabla-examples mnist-collection/dcgan.py, widths /16): z(16x1x1) -> 4 deconvs with "
           "BN+ELU -> conv3x3 -> tanh -> centre 28x28 slice")

    sample("vat_classifier", [("x", image("vat_classifier"))],
           lambda xs, p: mlp(xs[0], [32, 32, 10], F.relu),
           "VAT classifier at inference (nnabla-examples vat.py MLP, 32 wide): affine-relu-affine-relu-affine")

    # Recurrent samples with nnabla's F.rnn / F.lstm / F.gru: x is (T, batch, features).
    T, I, H = 6, 8, 8

    def recurrent(kind, L=1, bidir=False):
        gates = {"rnn": 1, "lstm": 4, "gru": 3}[kind]
        D = 2 if bidir else 1
        params = rnn_params(kind, gates, L, D, I, H, rng_for("sample:" + kind + str(L) + str(bidir)))

        def run(x, p, h0_name):
            h0 = nn.parameter.get_parameter_or_create(h0_name, (L, D, 1, H), initializer=np.zeros((L, D, 1, H), np.float32))
            args = [x, h0]
            if kind == "lstm":
                args.append(nn.parameter.get_parameter_or_create(h0_name + "_c", (L, D, 1, H),
                                                                 initializer=np.zeros((L, D, 1, H), np.float32)))
            fn = {"rnn": F.rnn, "lstm": F.lstm, "gru": F.gru}[kind]
            return fn(*args, p[kind + "/weight_l0"], weight=p.get(kind + "/weight"), bias=p[kind + "/bias"],
                      num_layers=L, bidirectional=bidir, training=False)
        return params, run

    def seq(name):
        return rnd(rng_for(name), T, 1, I)

    def classify_last(kind, L=1, bidir=False):
        params, run = recurrent(kind, L, bidir)

        def build(xs, p):
            y = run(xs[0], p, "h0")[0]                          # (T, 1, D*H)
            last = F.reshape(F.slice(y, (T - 1, 0, 0), (T, 1, y.shape[2])), (1, y.shape[2]))
            return F.sigmoid(PF.affine(last, 1, name="affine"))
        return params, build

    for name, kind, L, bidir, what in [("elman_net", "rnn", 1, False, "Elman net (F.rnn tanh)"),
                                       ("bidirectional_elman_net", "rnn", 1, True, "bidirectional Elman net (F.rnn)"),
                                       ("lstm", "lstm", 1, False, "LSTM (F.lstm)"),
                                       ("gru", "gru", 1, False, "GRU (F.gru)"),
                                       ("stacked_gru", "gru", 2, False, "stacked GRU (F.gru num_layers 2)")]:
        params, build = classify_last(kind, L, bidir)
        sample(name, [("x", seq(name))], build, what + " over x (T 6, batch 1, 8), zero initial state as parameters "
               "h0 (and h0_c), last step -> affine(1) -> sigmoid", params=params)

    enc_params, enc = recurrent("lstm")
    dec_params, dec = recurrent("lstm")
    enc_params = [("enc/" + n, a) for n, a in enc_params]
    dec_params = [("dec/" + n, a) for n, a in dec_params]

    def lstm_autoencoder(xs, p):
        pe = {n[4:]: v for n, v in p.items() if n.startswith("enc/")}
        pd = {n[4:]: v for n, v in p.items() if n.startswith("dec/")}
        _, h_n, _ = enc(xs[0], pe, "enc/h0")
        code = F.broadcast(F.reshape(h_n, (1, 1, H)), (T, 1, H))
        y = dec(code, pd, "dec/h0")[0]
        return F.reshape(PF.affine(F.reshape(y, (T, H)), I, name="out"), (T, 1, I))
    sample("lstm_autoencoder", [("x", seq("lstm_autoencoder"))], lstm_autoencoder,
           "LSTM auto-encoder: encoder F.lstm's final h broadcast over T, decoder F.lstm, affine back to 8 features",
           params=enc_params + dec_params)


# ---------------------------------------------------------------------------------------------
# NNC's unrolled recurrent form. Neural Network Console writes a recurrent layer as one step of
# the cell, marked with repeat_id, inside a network with repeat_info {id, times}:
#   RecurrentInput  (recurrent_param {repeat_id, axis}): the sequence -> this step's slice (the
#                   axis removed); the expander turns it into Split(axis)
#   Delay           (recurrent_param {repeat_id}): inputs (value at this step, initial value);
#                   output = initial value at step 0, else the first input of step i - 1
#   RecurrentOutput (recurrent_param {repeat_id, axis, length}; the function itself carries no
#                   repeat_id): the steps' values stacked on axis; the expander makes it Stack
# Variables and functions inside the loop list repeat_id; parameters without repeat_id are shared
# by every step. Expanded names are <name>_<repeat_id>_<step>. NNC's Delay initial value is a
# Buffer filled by the executor's generator_variable {type: "Constant" multiplier: 0}. Shapes keep
# NNC's -1 batch axis. The golden comes from nnabla's own NnpExpander, then nnabla.utils.load.


class UnrolledNet:
    def __init__(self, name, repeats):
        self.name = name
        self.repeats = repeats            # [(id, times)]
        self.variables = []               # text blocks
        self.functions = []
        self.params = OrderedDict()       # name -> ndarray
        self.rng = rng_for("unrolled:" + name)

    def var(self, name, shape, rid=()):
        rids = "".join('    repeat_id: "%s"\n' % r for r in rid)
        dims = " ".join("dim: %d" % d for d in shape)
        self.variables.append('  variable {\n    name: "%s"\n    type: "Buffer"\n%s    shape { %s }\n  }\n'
                              % (name, rids, dims))
        return name

    def param(self, name, shape, scale=0.4, rid=(), times=0):
        """A shared parameter; with rid, one per step: the name holds {rid}, stored as [0], [1], …"""
        if rid:
            for i in range(times):
                self.params[name.replace("{%s}" % rid[0], "[%d]" % i)] = rnd(self.rng, *shape, scale=scale)
        else:
            self.params[name] = rnd(self.rng, *shape, scale=scale)
        dims = " ".join("dim: %d" % d for d in shape)
        rids = "".join('    repeat_id: "%s"\n' % r for r in rid)
        self.variables.append('  variable {\n    name: "%s"\n    type: "Parameter"\n%s    shape { %s }\n  }\n'
                              % (name, rids, dims))
        return name

    def fn(self, name, type_, inputs, outputs, rid=(), param=""):
        rids = "".join('    repeat_id: "%s"\n' % r for r in rid)
        ins = "".join('    input: "%s"\n' % i for i in inputs)
        outs = "".join('    output: "%s"\n' % o for o in outputs)
        self.functions.append('  function {\n    name: "%s"\n    type: "%s"\n%s%s%s%s  }\n'
                              % (name, type_, rids, ins, outs, ("    " + param + "\n") if param else ""))

    def affine(self, name, x, in_shape, out_shape, rid):
        # NNC's Affine weight: (input size flattened, *output shape), e.g. (56, 1, 28) in its Elman net
        w = self.param(name + "/affine/W", (int(np.prod(in_shape)),) + tuple(out_shape))
        b = self.param(name + "/affine/b", tuple(out_shape), scale=0.1)
        self.var(name, (-1,) + tuple(out_shape), rid)
        self.fn(name, "Affine", [x, w, b], [name], rid, "affine_param { base_axis: 1 }")
        return name

    def unary(self, type_, name, x, shape, rid, param=""):
        self.var(name, shape, rid)
        self.fn(name, type_, [x], [name], rid, param)
        return name

    def binary(self, type_, name, a, b, shape, rid):
        self.var(name, shape, rid)
        self.fn(name, type_, [a, b], [name], rid)
        return name

    def nntxt(self, data, generators, outputs):
        reps = "".join('  repeat_info {\n    id: "%s"\n    times: %d\n  }\n' % r for r in self.repeats)
        net = 'network {\n  name: "net"\n  batch_size: 1\n%s%s%s}\n' % (reps, "".join(self.variables), "".join(self.functions))
        ex = 'executor {\n  name: "runtime"\n  network_name: "net"\n'
        ex += "".join('  data_variable {\n    variable_name: "%s"\n    data_name: "%s"\n  }\n' % (d, d) for d in data)
        ex += "".join('  generator_variable {\n    variable_name: "%s"\n    type: "Constant"\n    multiplier: 0\n  }\n' % g
                      for g in generators)
        ex += "".join('  output_variable {\n    variable_name: "%s"\n    data_name: "%s"\n  }\n' % (o, o) for o in outputs)
        ex += "".join('  parameter_variable {\n    variable_name: "%s"\n  }\n' % p for p in self.params)
        return net + ex + "}\n"


def write_nnp(path, nntxt, params):
    """An .nnp as NNC writes one: nnp_version.txt, network.nntxt, parameter.h5 (nnabla's own writer)."""
    nn.clear_parameters()
    for k, a in params.items():
        nn.parameter.get_parameter_or_create(k, a.shape, initializer=a)
    h5 = path + ".tmp.h5"
    nn.parameter.save_parameters(h5)
    with zipfile.ZipFile(path, "w") as z:
        for member, data in [("nnp_version.txt", b"0.1\n"), ("network.nntxt", nntxt.encode()),
                             ("parameter.h5", open(h5, "rb").read())]:
            z.writestr(zipfile.ZipInfo(member, date_time=(1980, 1, 1, 0, 0, 0)), data)
    os.remove(h5)


def run_expanded(path, data):
    """Expands repeat/recurrent with nnabla's NnpExpander, saves that, and runs it with nnabla."""
    from google.protobuf import text_format
    from nnabla.utils import nnabla_pb2
    from nnabla.utils.converter.nnabla.expander import NnpExpander
    with zipfile.ZipFile(path) as z:
        proto = text_format.Merge(z.read("network.nntxt").decode(), nnabla_pb2.NNablaProtoBuf())
        h5 = z.read("parameter.h5")
    import contextlib
    with contextlib.redirect_stdout(io.StringIO()):  # the expander prints " Expanding net."
        expanded = NnpExpander(proto).execute()
    tmp = path + ".expanded.nnp"
    with zipfile.ZipFile(tmp, "w") as z:
        z.writestr("nnp_version.txt", "0.1\n")
        z.writestr("network.nntxt", text_format.MessageToString(expanded))
        z.writestr("parameter.h5", h5)
    nn.clear_parameters()
    info = load([tmp], prepare_data_iterator=False, batch_size=1)
    os.remove(tmp)
    e = info.executors["runtime"]
    for v, a in zip(e.dataset_assign.keys(), data):
        v.variable_instance.d = a.reshape(v.variable_instance.shape)
    for v in e.generator_assign.keys():
        v.variable_instance.d = 0
    e.forward_target.forward(clear_buffer=True)
    return [np.array(v.variable_instance.d, dtype=np.float32) for v in e.output_assign.keys()], expanded


def shape_of(net, name):
    block = next(v for v in net.variables if '"%s"' % name in v.split("\n")[1])
    return [int(d) for d in block.split("shape {")[1].split("}")[0].replace("dim:", "").split()]


def unrolled_sample(name, net, data, generators, outputs, note):
    stem = "samples/" + name
    path = os.path.join(OUT, stem + ".nnp")
    params = net.params
    write_nnp(path, net.nntxt([n for n, _ in data], generators, outputs), params)
    outs, expanded = run_expanded(path, [a for _, a in data])
    # nnabla.utils.load also unrolls repeat_info itself (ProtoGraph.expand_loop_control): it must agree.
    nn.clear_parameters()
    info = load([path], prepare_data_iterator=False, batch_size=1)
    e = info.executors["runtime"]
    for v, (_, a) in zip(e.dataset_assign.keys(), data):
        v.variable_instance.d = a.reshape(v.variable_instance.shape)
    for v in e.generator_assign.keys():
        v.variable_instance.d = 0
    e.forward_target.forward(clear_buffer=True)
    for o, v in zip(outs, e.output_assign.keys()):
        if not np.array_equal(o, np.array(v.variable_instance.d, dtype=np.float32)):
            SURPRISES.append("%s: NnpExpander and nnabla.utils.load's own expansion disagree" % name)
    write_bin(os.path.join(OUT, stem + ".bin"), [a for _, a in data] + outs)
    types = sorted({f.type for f in expanded.network[0].function})
    SAMPLES.append(OrderedDict([
        ("name", name), ("function", "network"), ("attrs", {}),
        ("inputs", [{"name": n, "shape": list(a.shape)} for n, a in data]),
        ("outputs", [{"name": n, "shape": list(o.shape)} for n, o in zip(outputs, outs)]),
        ("parameters", [{"name": k, "shape": list(a.shape)} for k, a in params.items()]),
        ("generators", [{"name": g, "shape": [1] + shape_of(net, g)[1:]} for g in generators]),
        ("stem", stem), ("tolerance_class", "network"),
        ("note", note + "; NNC unrolled form (repeat_info with RecurrentInput/Delay/RecurrentOutput or "
                 "RepeatStart/RepeatEnd); Delay initial values are generator variables (constant 0, not in the "
                 ".bin) unless noted; golden from "
                 "nnabla's NnpExpander + nnabla.utils.load; expanded function types: " + ", ".join(types))]))


def elman_cell(net, x_t, h_prev, name, I, H, rid):
    """NNC's Elman step: Concatenate(x_t, h_prev) on axis 1 (per-step shapes (-1, 1, n)), Affine, Tanh."""
    cat = net.binary("Concatenate", name + "_Concatenate", x_t, h_prev, (-1, 2, H), rid)
    net.functions[-1] = net.functions[-1][:-4] + "    concatenate_param { axis: 1 }\n  }\n"
    a = net.affine(name + "_Affine", cat, (2, H), (1, H), rid)
    return net.unary("Tanh", name + "_Tanh", a, (-1, 1, H), rid)


def recurrent_io(net, seq, name, rid, step_shape, axis):
    x_t = net.var(name, (-1,) + tuple(step_shape), [rid])
    net.fn(name, "RecurrentInput", [seq], [x_t], [rid], 'recurrent_param { repeat_id: "%s" axis: %d }' % (rid, axis))
    return x_t


def delay(net, name, value, initial, shape, rid):
    rid = rid[0] if isinstance(rid, list) else rid
    net.var(name, (-1,) + tuple(shape), [rid])
    net.fn(name, "Delay", [value, initial], [name], [rid], 'recurrent_param { repeat_id: "%s" }' % rid)
    return name


def recurrent_output(net, name, value, out_shape, rid, axis, length):
    net.var(name, (-1,) + tuple(out_shape))
    net.fn(name, "RecurrentOutput", [value], [name], (), 'recurrent_param { repeat_id: "%s" axis: %d length: %d }'
           % (rid, axis, length))
    return name


def last_step(net, name, seq, shape3, T):
    """Slice the last step of (-1, 1, T, H), NNC style (start/stop/step without the batch axis)."""
    H = shape3[2]
    net.var(name, (-1, 1, 1, H))
    net.fn(name, "Slice", [seq], [name], (), "slice_param { start: 0 start: %d start: 0 stop: 1 stop: %d stop: %d "
           "step: 1 step: 1 step: 1 }" % (T - 1, T, H))
    return name


def lstm_cell(net, x_t, name, I, H, rid, h_init, c_init):
    hp = delay(net, name + "_Delay_h", name + "_h", h_init, (1, H), rid)
    cp = delay(net, name + "_Delay_c", name + "_c", c_init, (1, H), rid)
    cat = net.binary("Concatenate", name + "_Concatenate", x_t, hp, (-1, 1, I + H), rid)
    net.functions[-1] = net.functions[-1][:-4] + "    concatenate_param { axis: 2 }\n  }\n"
    gates = {}
    for g, act in [("i", "Sigmoid"), ("f", "Sigmoid"), ("o", "Sigmoid"), ("g", "Tanh")]:
        a = net.affine("%s_Affine_%s" % (name, g), cat, (1, I + H), (1, H), rid)
        gates[g] = net.unary(act, "%s_%s_%s" % (name, act, g), a, (-1, 1, H), rid)
    fc = net.binary("Mul2", name + "_Mul2_fc", gates["f"], cp, (-1, 1, H), rid)
    ig = net.binary("Mul2", name + "_Mul2_ig", gates["i"], gates["g"], (-1, 1, H), rid)
    c = net.binary("Add2", name + "_c", fc, ig, (-1, 1, H), rid)
    tc = net.unary("Tanh", name + "_Tanh_c", c, (-1, 1, H), rid)
    return net.binary("Mul2", name + "_h", gates["o"], tc, (-1, 1, H), rid), c


def gru_cell(net, x_t, name, I, H, rid, h_init):
    hp = delay(net, name + "_Delay_h", name + "_h", h_init, (1, H), rid)
    cat = net.binary("Concatenate", name + "_Concatenate", x_t, hp, (-1, 1, I + H), rid)
    net.functions[-1] = net.functions[-1][:-4] + "    concatenate_param { axis: 2 }\n  }\n"
    r = net.unary("Sigmoid", name + "_r", net.affine(name + "_Affine_r", cat, (1, I + H), (1, H), rid), (-1, 1, H), rid)
    z = net.unary("Sigmoid", name + "_z", net.affine(name + "_Affine_z", cat, (1, I + H), (1, H), rid), (-1, 1, H), rid)
    rh = net.binary("Mul2", name + "_rh", r, hp, (-1, 1, H), rid)
    cat2 = net.binary("Concatenate", name + "_Concatenate_2", x_t, rh, (-1, 1, I + H), rid)
    net.functions[-1] = net.functions[-1][:-4] + "    concatenate_param { axis: 2 }\n  }\n"
    n = net.unary("Tanh", name + "_n", net.affine(name + "_Affine_n", cat2, (1, I + H), (1, H), rid), (-1, 1, H), rid)
    one_minus_z = net.unary("RSubScalar", name + "_1mz", z, (-1, 1, H), rid, "r_sub_scalar_param { val: 1 }")
    a = net.binary("Mul2", name + "_a", one_minus_z, n, (-1, 1, H), rid)
    b = net.binary("Mul2", name + "_b", z, hp, (-1, 1, H), rid)
    return net.binary("Add2", name + "_h", a, b, (-1, 1, H), rid)


def head(net, last, H):
    a = net.affine("Affine", last, (1, 1, H), (1,), ())
    return net.unary("Sigmoid", "Sigmoid", a, (-1, 1), ())


def unrolled_samples():
    T, I, H = 6, 8, 8
    R = "RecurrentInput"

    def seq(name):
        return rnd(rng_for(name), 1, 1, T, I)

    # Elman net, exactly NNC's sample in shape (Input (-1, 1, T, I), RecurrentInput axis 2).
    net = UnrolledNet("elman_net_unrolled", [(R, T)])
    net.var("Input", (-1, 1, T, I))
    net.var("Delay_Initial", (-1, 1, H))
    x_t = recurrent_io(net, "Input", R, R, (1, I), 2)
    h = elman_cell(net, x_t, delay(net, "Delay", "rnn_Tanh", "Delay_Initial", (1, H), R), "rnn", I, H, [R])
    out = recurrent_output(net, "RecurrentOutput", h, (1, T, H), R, 2, T)
    y = head(net, last_step(net, "Slice", out, (1, T, H), T), H)
    unrolled_sample("elman_net_unrolled", net, [("Input", seq("elman_net_unrolled"))], ["Delay_Initial"], [y],
                    "NNC Elman net: RecurrentInput(axis 2), Delay, Concatenate, Affine, Tanh, RecurrentOutput, "
                    "Slice of the last step, Affine, Sigmoid")

    # Bidirectional Elman: a second repeat over the time-flipped input.
    R2 = "RecurrentInput_2"
    net = UnrolledNet("bidirectional_elman_net_unrolled", [(R, T), (R2, T)])
    net.var("Input", (-1, 1, T, I))
    net.var("Delay_Initial", (-1, 1, H))
    net.var("Delay_Initial_2", (-1, 1, H))
    x_t = recurrent_io(net, "Input", R, R, (1, I), 2)
    hf = elman_cell(net, x_t, delay(net, "Delay", "fw_Tanh", "Delay_Initial", (1, H), R), "fw", I, H, [R])
    flipped = net.unary("Flip", "Flip", "Input", (-1, 1, T, I), (), "flip_param { axes: 2 }")
    x_b = recurrent_io(net, flipped, R2, R2, (1, I), 2)
    hb = elman_cell(net, x_b, delay(net, "Delay_2", "bw_Tanh", "Delay_Initial_2", (1, H), R2), "bw", I, H, [R2])
    of = last_step(net, "Slice", recurrent_output(net, "RecurrentOutput", hf, (1, T, H), R, 2, T), (1, T, H), T)
    ob = last_step(net, "Slice_2", recurrent_output(net, "RecurrentOutput_2", hb, (1, T, H), R2, 2, T), (1, T, H), T)
    cat = net.binary("Concatenate", "Concatenate", of, ob, (-1, 1, 1, 2 * H), ())
    net.functions[-1] = net.functions[-1][:-4] + "    concatenate_param { axis: 3 }\n  }\n"
    y = head(net, cat, 2 * H)
    unrolled_sample("bidirectional_elman_net_unrolled", net, [("Input", seq("bidirectional_elman_net_unrolled"))],
                    ["Delay_Initial", "Delay_Initial_2"], [y],
                    "bidirectional Elman net: two repeats (RecurrentInput, RecurrentInput_2), the second over "
                    "Flip(Input, axis 2); last steps concatenated, Affine, Sigmoid")

    # LSTM: two Delays (h and c); per-step shapes (-1, 1, n).
    net = UnrolledNet("lstm_unrolled", [(R, T)])
    net.var("Input", (-1, 1, T, I))
    net.var("Delay_Initial_h", (-1, 1, H))
    net.var("Delay_Initial_c", (-1, 1, H))
    x_t = recurrent_io(net, "Input", R, R, (1, I), 2)
    h, _ = lstm_cell(net, x_t, "lstm", I, H, [R], "Delay_Initial_h", "Delay_Initial_c")
    out = recurrent_output(net, "RecurrentOutput", h, (1, T, H), R, 2, T)
    y = head(net, last_step(net, "Slice", out, (1, T, H), T), H)
    unrolled_sample("lstm_unrolled", net, [("Input", seq("lstm_unrolled"))], ["Delay_Initial_h", "Delay_Initial_c"],
                    [out, y], "LSTM cell from Affine x4 (i, f, o, g), Sigmoid/Tanh, Mul2, Add2; outputs the h "
                    "sequence and sigmoid(affine(last h))")

    # GRU and stacked GRU.
    for name, layers in [("gru_unrolled", 1), ("stacked_gru_unrolled", 2)]:
        net = UnrolledNet(name, [(R, T)])
        net.var("Input", (-1, 1, T, I))
        gens = []
        h = recurrent_io(net, "Input", R, R, (1, I), 2)
        width = I
        for l in range(layers):
            gens.append(net.var("Delay_Initial_%d" % l, (-1, 1, H)))
            h = gru_cell(net, h, "gru%d" % l, width, H, [R], gens[-1])
            width = H
        out = recurrent_output(net, "RecurrentOutput", h, (1, T, H), R, 2, T)
        y = head(net, last_step(net, "Slice", out, (1, T, H), T), H)
        unrolled_sample(name, net, [("Input", seq(name))], gens, [out, y],
                        "GRU cell%s from Affine (r, z, n on concat(x, h) and concat(x, r*h)), Sigmoid, Tanh, "
                        "RSubScalar, Mul2, Add2" % (" x2 stacked in one repeat" if layers == 2 else ""))

    # Residual learning, NNC's form: RepeatStart / RepeatEnd around a residual block, one set of
    # weights per repetition (parameter names with {RepeatStart}, stored as [0], [1]).
    RS, C = "RepeatStart", 4
    net = UnrolledNet("residual_learning_repeat", [(RS, 2)])
    net.var("Input", (-1, 1, 12, 12))

    def conv(name, x, cin, rid=()):
        tag = "{%s}" % RS if rid else ""
        w = net.param("%s%s/conv/W" % (name, tag), (C, cin, 3, 3), rid=rid, times=2)
        b = net.param("%s%s/conv/b" % (name, tag), (C,), scale=0.1, rid=rid, times=2)
        net.var(name, (-1, C, 12, 12), rid)
        net.fn(name, "Convolution", [x, w, b], [name], rid, "convolution_param { pad { dim: 1 dim: 1 } "
               "stride { dim: 1 dim: 1 } dilation { dim: 1 dim: 1 } group: 1 base_axis: 1 }")
        return name
    h = net.unary("ReLU", "ReLU", conv("Convolution", "Input", 1), (-1, C, 12, 12), ())
    net.var(RS, (-1, C, 12, 12), [RS])
    net.fn(RS, "RepeatStart", [h, "ReLU_3"], [RS], [RS], 'repeat_param { repeat_id: "%s" }' % RS)
    r = net.unary("ReLU", "ReLU_2", conv("Convolution_2", RS, C, [RS]), (-1, C, 12, 12), [RS])
    r = conv("Convolution_3", r, C, [RS])
    s = net.binary("Add2", "Add2", RS, r, (-1, C, 12, 12), [RS])
    r = net.unary("ReLU", "ReLU_3", s, (-1, C, 12, 12), [RS])
    net.var("RepeatEnd", (-1, C, 12, 12))
    net.fn("RepeatEnd", "RepeatEnd", [r], ["RepeatEnd"], (), 'repeat_param { repeat_id: "%s" times: 2 }' % RS)
    pooled = net.unary("AveragePooling", "AveragePooling", "RepeatEnd", (-1, C, 3, 3), (),
                       "average_pooling_param { kernel { dim: 4 dim: 4 } stride { dim: 4 dim: 4 } ignore_border: true "
                       "pad { dim: 0 dim: 0 } including_pad: true }")
    y = net.unary("Softmax", "Softmax", net.affine("Affine", pooled, (C, 3, 3), (10,), ()), (-1, 10), (),
                  "softmax_param { axis: 1 }")
    unrolled_sample("residual_learning_repeat", net, [("Input", image("residual_learning_repeat", (1, 1, 12, 12)))],
                    [], [y], "NNC residual learning: Convolution, ReLU, then RepeatStart/RepeatEnd (times 2) around "
                    "conv-relu-conv-Add2(skip)-relu with per-repetition weights, AveragePooling, Affine, Softmax")

    # LSTM auto-encoder: the decoder's Delay starts from the encoder's last h and c (not a generator).
    net = UnrolledNet("lstm_autoencoder_unrolled", [(R, T), (R2, T)])
    net.var("Input", (-1, 1, T, I))
    net.var("Delay_Initial_h", (-1, 1, H))
    net.var("Delay_Initial_c", (-1, 1, H))
    x_t = recurrent_io(net, "Input", R, R, (1, I), 2)
    h, c = lstm_cell(net, x_t, "enc", I, H, [R], "Delay_Initial_h", "Delay_Initial_c")
    hs = recurrent_output(net, "RecurrentOutput_h", h, (1, T, H), R, 2, T)
    cs = recurrent_output(net, "RecurrentOutput_c", c, (1, T, H), R, 2, T)
    h_last = net.unary("Reshape", "h_last", last_step(net, "Slice_h", hs, (1, T, H), T), (-1, 1, H), (),
                       "reshape_param { shape { dim: -1 dim: 1 dim: %d } }" % H)
    c_last = net.unary("Reshape", "c_last", last_step(net, "Slice_c", cs, (1, T, H), T), (-1, 1, H), (),
                       "reshape_param { shape { dim: -1 dim: 1 dim: %d } }" % H)
    flipped = net.unary("Flip", "Flip", "Input", (-1, 1, T, I), (), "flip_param { axes: 2 }")
    x_d = recurrent_io(net, flipped, R2, R2, (1, I), 2)
    hd, _ = lstm_cell(net, x_d, "dec", I, H, [R2], h_last, c_last)
    yd = net.affine("dec_out", hd, (1, H), (1, I), [R2])
    out = recurrent_output(net, "RecurrentOutput_dec", yd, (1, T, I), R2, 2, T)
    unrolled_sample("lstm_autoencoder_unrolled", net, [("Input", seq("lstm_autoencoder_unrolled"))],
                    ["Delay_Initial_h", "Delay_Initial_c"], [out],
                    "LSTM auto-encoder: encoder LSTM over Input; decoder LSTM over the time-flipped Input whose "
                    "Delays start from the encoder's last h and c (Slice + Reshape with -1 batch), Affine per step")


# ---------------------------------------------------------------------------------------------


def main():
    os.makedirs(OUT, exist_ok=True)
    shutil.rmtree(OUT)
    os.makedirs(os.path.join(OUT, "samples"))
    pooling_cases()
    activation_cases()
    reduction_cases()
    arithmetic_cases()
    movement_cases()
    binary_cases()
    recurrent_cases()
    sample_cases()
    unrolled_samples()
    manifest = OrderedDict([("generator", "scripts/make-function-fixtures.py"), ("nnabla", nn.__version__),
                            ("cases", CASES), ("samples", SAMPLES)])
    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")
    print("%d cases, %d samples" % (len(CASES), len(SAMPLES)))
    for s in SURPRISES:
        print("note:", s)


if __name__ == "__main__":
    main()
