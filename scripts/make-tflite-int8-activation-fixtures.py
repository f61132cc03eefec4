#!/usr/bin/env python3
"""Fully int8 .tflite models of one activation each (SOFTMAX, LOGISTIC, TANH, HARD_SWISH,
LEAKY_RELU) with TensorFlow Lite's reference kernels' output codes:
Tests/Fixtures/tflite-int8-act/<case>/{model.tflite, inputs_int8.bin, outputs_int8.bin}
(int8 codes in the model's own layout, NHWC for rank 4, one sample after another).

Element-wise cases take one sample holding all 256 input codes; softmax cases take rows of
random codes plus rows with ties and the extremes. `softmax_beta` is `softmax_1d` with its
SoftmaxOptions.beta patched to 0.7 (the converter never writes beta != 1 itself). The softmax
rows include every random row (of 30000) where TFLite's integer softmax differs from the float
softmax rounded once.

With TFLite Micro's reference kernels built as /tmp/tflm-int8-reference (scripts/
tflm-int8-reference.cc), the softmax goldens are checked against TFLM's own softmax (TFLite's
SOFTMAX has no separate reference kernel), and tflm-tables/{cases.txt, tables.bin} is written:
TFLM's LOGISTIC, TANH, HARD_SWISH and LEAKY_RELU on all 256 codes for random parameters, with
softmax_cases.txt / softmax.bin: TFLM's SOFTMAX for random scales, betas and depths (8 rows
each: the input codes, then TFLM's output codes).

    mkdir -p /tmp/tflm/ruy/profiler
    git -C <tflite-micro> archive HEAD tensorflow/lite | tar x -C /tmp/tflm
    git -C <gemmlowp> archive --prefix=third_party/gemmlowp/ HEAD fixedpoint internal | tar x -C /tmp/tflm
    echo 'namespace ruy { namespace profiler { struct ScopeLabel { explicit ScopeLabel(const char*) {} }; } }' \
        > /tmp/tflm/ruy/profiler/instrumentation.h
    g++ -std=c++17 -O1 -I/tmp/tflm -I/tmp/tflm/third_party/gemmlowp scripts/tflm-int8-reference.cc \
        /tmp/tflm/tensorflow/lite/kernels/internal/{quantization_util,runtime_shape,common}.cc -o /tmp/tflm-int8-reference

    /tmp/venv-tflite/bin/python scripts/make-tflite-int8-activation-fixtures.py
"""
import os
import subprocess
import numpy as np
import tensorflow as tf
from tensorflow.lite.python import schema_py_generated as schema
from tensorflow.lite.tools import flatbuffer_utils

HARNESS = "/tmp/tflm-int8-reference"
OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "tflite-int8-act")
rng = np.random.default_rng(13)


def convert(f, shape, lo, hi):
    def rep():
        for _ in range(64):
            yield [rng.uniform(lo, hi, shape).astype(np.float32)]

    conv = tf.lite.TFLiteConverter.from_concrete_functions([f.get_concrete_function()], f)
    conv.optimizations = [tf.lite.Optimize.DEFAULT]
    conv.representative_dataset = rep
    conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    conv.inference_input_type = tf.int8
    conv.inference_output_type = tf.int8
    return conv.convert()


def unary(fn, shape, lo, hi):
    @tf.function(input_signature=[tf.TensorSpec(shape, tf.float32)])
    def f(x):
        return fn(x)

    return convert(f, shape, lo, hi)


def softmax_rows(n, width):
    rows = rng.integers(-128, 128, (n, width))
    rows[0, :] = 5  # all equal
    rows[1, :] = -128
    rows[1, 3] = 127  # one far above the rest
    rows[2, :] = 127
    rows[3, :] = np.arange(width) * (255 // max(width - 1, 1)) - 128  # spread over the range
    rows[4, :] = rng.integers(100, 128, width)  # close together
    return rows.astype(np.int8)


def patch_beta(model, beta):
    m = flatbuffer_utils.convert_bytearray_to_object(model)
    n = 0
    for op in m.subgraphs[0].operators:
        if isinstance(op.builtinOptions, schema.SoftmaxOptionsT):
            op.builtinOptions.beta = beta
            n += 1
    assert n == 1
    return bytes(flatbuffer_utils.convert_object_to_bytearray(m))


def ops(model):
    it = tf.lite.Interpreter(model_content=model)
    return sorted({d["op_name"] for d in it._get_ops_details()})


def run(model, samples):
    it = tf.lite.Interpreter(
        model_content=model, experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_REF)
    it.allocate_tensors()
    i, o = it.get_input_details()[0], it.get_output_details()[0]
    assert i["dtype"] == np.int8 and o["dtype"] == np.int8
    outs = []
    for s in samples:
        it.set_tensor(i["index"], s.reshape(i["shape"]))
        it.invoke()
        outs.append(it.get_tensor(o["index"]).copy())
    return np.concatenate([x.reshape(-1) for x in outs]).astype(np.int8), i["quantization"], o["quantization"]


def float_softmax_codes(rows, scale, zero_point, beta):
    """The float softmax of the dequantized rows, rounded once (half away from zero)."""
    x = np.float64(beta) * np.float64(scale) * (rows.astype(np.float64) - zero_point)
    e = np.exp(x - x.max(axis=1, keepdims=True))
    s = 256 * e / e.sum(axis=1, keepdims=True)
    return np.clip(np.sign(s) * np.floor(np.abs(s) + 0.5) - 128, -128, 127).astype(np.int8)


def softmax_case(model, width, rows_per_sample, beta=1.0):
    """Rows with ties and extremes, then random rows, keeping those where TFLite's integer softmax
    differs from the float softmax rounded once (so the goldens tell the two apart)."""
    special = softmax_rows(5 * rows_per_sample, width)
    pool = rng.integers(-128, 128, (30000 // rows_per_sample * rows_per_sample, width)).astype(np.int8)
    shape = tf.lite.Interpreter(model_content=model).get_input_details()[0]["shape"]
    out, (si, zi), _ = run(model, list(pool.reshape(-1, *shape)))
    out = out.reshape(-1, width)
    differ = np.nonzero((out != float_softmax_codes(pool, si, zi, beta)).any(axis=1))[0]
    keep = np.concatenate([special, pool[differ], pool[:8 * rows_per_sample]])
    keep = keep[: len(keep) // rows_per_sample * rows_per_sample]
    print("  %d of %d random rows differ from the float softmax" % (len(differ), len(pool)))
    return keep, len(differ)


def main():
    all_codes = [np.arange(-128, 128, dtype=np.int8).reshape(1, 256)]
    cases = {
        "logistic": (unary(tf.sigmoid, [1, 256], -8, 8), all_codes),
        "tanh": (unary(tf.tanh, [1, 256], -4, 4), all_codes),
        "hard_swish": (unary(lambda x: x * tf.nn.relu6(x + 3.0) * (1.0 / 6.0), [1, 256], -8, 8), all_codes),
        "leaky_relu_01": (unary(lambda x: tf.nn.leaky_relu(x, alpha=0.1), [1, 256], -5, 5), all_codes),
        "leaky_relu_03": (unary(lambda x: tf.nn.leaky_relu(x, alpha=0.3), [1, 256], -3, 7), all_codes),
    }
    sm = unary(tf.nn.softmax, [1, 10], -6, 6)
    rows, _ = softmax_case(sm, 10, 1)
    cases["softmax_1d"] = (sm, [r.reshape(1, 10) for r in rows])
    smb = patch_beta(sm, 0.7)
    rows, _ = softmax_case(smb, 10, 1, beta=0.7)
    cases["softmax_beta"] = (smb, [r.reshape(1, 10) for r in rows])
    smn = unary(tf.nn.softmax, [1, 2, 3, 12], -6, 6)
    rows, _ = softmax_case(smn, 12, 6)
    cases["softmax_nhwc"] = (smn, [g.reshape(1, 2, 3, 12) for g in rows.reshape(-1, 6, 12)])
    for name, (model, samples) in cases.items():
        d = os.path.join(OUT, name)
        os.makedirs(d, exist_ok=True)
        out, qi, qo = run(model, samples)
        if name.startswith("softmax"):
            check_tflm(name, samples, out, qi[0], 0.7 if name == "softmax_beta" else 1.0)
        with open(os.path.join(d, "model.tflite"), "wb") as f:
            f.write(model)
        np.concatenate([s.reshape(-1) for s in samples]).astype(np.int8).tofile(os.path.join(d, "inputs_int8.bin"))
        out.tofile(os.path.join(d, "outputs_int8.bin"))
        print(name, ops(model), "in", qi, "out", qo, len(samples), "samples")
    tflm_tables()


def tflm_tables():
    """TFLM's activation tables for random parameters (40 per op), as the micro kernels accept them."""
    if not os.path.exists(HARNESS):
        print("(no %s: tflm-tables not written)" % HARNESS)
        return
    lines = []
    f32 = lambda v: repr(float(np.float32(v)))
    for op in ["logistic", "tanh", "hard_swish", "leaky_relu"]:
        while sum(l.startswith(op + " ") for l in lines) < 40:
            si = 10 ** rng.uniform(-3.5, 0.5)
            so = 10 ** rng.uniform(-3.5, 0.5)
            zi, zo = int(rng.integers(-128, 128)), int(rng.integers(-128, 128))
            alpha = float(rng.choice([0.1, 0.2, 0.3, 0.01, -0.5, 1.5, rng.uniform(-1, 2)]))
            if op == "logistic":
                so, zo = 1 / 256, -128
            if op == "tanh":
                so, zo = 1 / 128, 0
            if op == "hard_swish" and np.float32(np.float32(1 / 128) * np.float32(si)) / np.float32(so) >= 0.5:
                continue  # TFLM's Prepare needs an output multiplier exponent <= 0
            lines.append("%s %s %d %s %d %s" % (op, f32(si), zi, f32(so), zo, f32(alpha)))
    text = "\n".join(lines) + "\n"
    tables = subprocess.run([HARNESS, "table"], input=text.encode(), capture_output=True, check=True).stdout
    assert len(tables) == 256 * len(lines)
    d = os.path.join(OUT, "tflm-tables")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "cases.txt"), "w") as f:
        f.write(text)
    with open(os.path.join(d, "tables.bin"), "wb") as f:
        f.write(tables)
    print("tflm-tables: %d tables" % len(lines))
    # Softmax: 40 random (input scale, beta, depth), 8 rows each (ties and extremes included).
    lines, codes = [], b""
    for k in range(40):
        si, beta, depth = 10 ** rng.uniform(-3, 0.3), float(rng.choice([1.0, 1.0, 0.5, 2.0, rng.uniform(0.1, 4)])), int(rng.choice([1, 3, 10, 33, 100]))
        rows = rng.integers(-128, 128, (8, depth)).astype(np.int8)
        rows[0, :] = rows[0, 0]
        rows[1, :] = -128
        rows[1, -1] = 127
        out = subprocess.run([HARNESS, "softmax", f32(si), f32(beta), str(depth)], input=rows.tobytes(), capture_output=True, check=True).stdout
        lines.append("%s %s %d" % (f32(si), f32(beta), depth))
        codes += rows.tobytes() + out
    with open(os.path.join(d, "softmax_cases.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(os.path.join(d, "softmax.bin"), "wb") as f:
        f.write(codes)
    print("tflm-tables: %d softmax cases" % len(lines))


def check_tflm(name, samples, out, scale, beta):
    """TFLite Micro's reference softmax (scripts/tflm-int8-reference.cc, built from the
    tflite-micro and gemmlowp sources when they are at hand) gives the same codes."""
    harness = HARNESS
    if not os.path.exists(harness):
        print("  (no %s: TFLM not checked)" % harness)
        return
    rows = np.concatenate([s.reshape(-1) for s in samples]).astype(np.int8)
    width = samples[0].shape[-1]
    got = np.frombuffer(subprocess.run([harness, "softmax", repr(float(scale)), repr(beta), str(width)], input=rows.tobytes(),
                                       capture_output=True, check=True).stdout, np.int8)
    assert (got == out).all(), "%s: TFLM differs from TFLite at %d codes" % (name, int((got != out).sum()))
    print("  TFLM's reference softmax gives the same %d codes" % got.size)


if __name__ == "__main__":
    main()
