#!/usr/bin/env python3
"""TFLite's reference int8 kernels (OpResolverType.BUILTIN_REF, the kernels TFLite Micro's are
ported from) on the MLPerf Tiny int8 models: bench/mlperf-tiny/<m>/outputs_tflite_int8_ref.bin,
float32, one row per sample of inputs_nhwc.bin.

Each sample is quantized with the model's own input scale and zero point, rounding half away
from zero as TFLite's QUANTIZE does (numpy's round would go to even), and each output is
dequantized with the output's: real = scale * (q - zero_point), in float32.

    /tmp/venv-tflite/bin/python scripts/tflite-int8-reference.py   # tensorflow-cpu 2.15, numpy<2
"""
import os
import numpy as np
import tensorflow as tf

BENCH = os.path.join(os.path.dirname(__file__), "..", "bench", "mlperf-tiny")


def run(model, inputs):
    it = tf.lite.Interpreter(model_path=model, experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_REF)
    it.allocate_tensors()
    i, o = it.get_input_details()[0], it.get_output_details()[0]
    (s_in, z_in), (s_out, z_out) = i["quantization"], o["quantization"]
    x = inputs.reshape([-1] + list(i["shape"][1:]))
    rows = []
    for sample in x:
        v = sample[None] / np.float32(s_in)
        q = np.clip(np.sign(v) * np.floor(np.abs(v) + 0.5) + z_in, -128, 127).astype(np.int8)
        it.set_tensor(i["index"], q)
        it.invoke()
        y = it.get_tensor(o["index"]).astype(np.float32)
        rows.append(np.float32(s_out) * (y - np.float32(z_out)))
    return np.concatenate([r.reshape(1, -1) for r in rows]).astype(np.float32)


for m in ["ad", "kws", "ic", "vww"]:
    d = os.path.join(BENCH, m)
    y = run(os.path.join(d, f"{m}_int8.tflite"), np.fromfile(os.path.join(d, "inputs_nhwc.bin"), dtype=np.float32))
    y.tofile(os.path.join(d, "outputs_tflite_int8_ref.bin"))
    print(m, y.shape)
