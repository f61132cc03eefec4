#!/usr/bin/env python3
"""Small fully int8 .tflite models, one per operator / edge case, with the codes TensorFlow Lite's
reference kernels (OpResolverType.BUILTIN_REF, the kernels TFLite Micro's are ported from) give:
Tests/Fixtures/tflite-int8/<case>/{model.tflite, inputs_int8.bin, outputs_int8.bin, meta.json}.

inputs_int8.bin: int8 codes, sample after sample, each sample the model's inputs in order (NHWC).
outputs_int8.bin: the model's outputs in order per sample, int8 codes (float32 when meta.json says
"output_dtype": "float32", the DEQUANTIZE case). meta.json: shapes, scales, zero points, the ops.

    /tmp/venv-tflite/bin/python scripts/make-tflite-int8-fixtures.py   # tensorflow-cpu 2.15, numpy<2
"""
import json
import os
import shutil
import numpy as np
import tensorflow as tf

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "tflite-int8")
SAMPLES = 4
rng = np.random.default_rng(1313)


def const(*shape, s=0.5):
    return tf.constant(rng.normal(0, s, shape).astype(np.float32))


def spec(*shapes):
    return [tf.TensorSpec(s, tf.float32) for s in shapes]


# Each case: (function, input shapes, options). Activations are 1x6x6x3-ish: a few hundred bytes each.
def conv(padding="SAME", stride=1, dilation=1, act=None, shape=(1, 6, 6, 3)):
    w, b = const(3, 3, shape[3], 4), const(4, s=0.2)

    @tf.function(input_signature=spec(shape))
    def f(x):
        y = tf.nn.conv2d(x, w, stride, padding, dilations=dilation) + b
        return act(y) if act else y
    return f


def dwconv(mult, stride=1, padding="SAME", shape=(1, 6, 6, 3)):
    w, b = const(3, 3, shape[3], mult), const(shape[3] * mult, s=0.2)

    @tf.function(input_signature=spec(shape))
    def f(x):
        return tf.nn.depthwise_conv2d(x, w, [1, stride, stride, 1], padding) + b
    return f


def fc(bias=True, batch=2):
    w, b = const(8, 5), const(5, s=0.2)

    @tf.function(input_signature=spec((batch, 8)))
    def f(x):
        y = tf.matmul(x, w)
        return y + b if bias else y
    return f


def binary(op, broadcast=False, act=None, shape=(1, 4, 4, 3)):
    c = const(1, 1, 1, shape[3], s=1.0)
    if broadcast:
        @tf.function(input_signature=spec(shape))
        def f(x):
            y = op(x, c)
            return act(y) if act else y
    else:
        @tf.function(input_signature=spec(shape, shape))
        def f(x, z):
            y = op(x, z)
            return act(y) if act else y
    return f


def unary(g, shape=(1, 5, 5, 3)):
    @tf.function(input_signature=spec(shape))
    def f(x):
        return g(x)
    return f


def concat():
    @tf.function(input_signature=spec((1, 4, 4, 2), (1, 4, 4, 3)))
    def f(x, z):
        return tf.concat([x, z * 3.0], axis=3)  # the second input's range is 3x: other scales
    return f


def concat_requantize():
    # relu6(x) feeds two concatenations that want other scales: the converter puts a QUANTIZE
    # (int8 → int8, a requantize) in front of one.
    @tf.function(input_signature=spec((1, 4, 4, 2)))
    def f(x):
        y = tf.nn.relu6(x)
        return tf.concat([x, y], axis=3), tf.concat([y, x * 8.0], axis=3)
    return f


CASES = {
    "conv_same": (conv(), {}),
    "conv_valid_s2": (conv("VALID", 2, shape=(1, 7, 7, 3)), {}),
    "conv_dilation2": (conv("SAME", 1, 2), {}),
    "conv_relu": (conv(act=tf.nn.relu), {}),
    "conv_relu6": (conv(act=tf.nn.relu6), {}),
    "conv_s2_same_relu6": (conv("SAME", 2, act=tf.nn.relu6), {}),
    "conv_per_tensor": (conv(), {"per_tensor": True}),
    "dwconv_m1_s2_same": (dwconv(1, 2), {}),
    "dwconv_m2": (dwconv(2), {}),
    "dwconv_m1_valid": (dwconv(1, 1, "VALID"), {}),
    "fc_bias": (fc(True), {}),
    "fc_nobias": (fc(False), {}),
    "fc_batch1": (fc(True, 1), {}),
    "add": (binary(tf.add), {}),
    "add_bcast_relu": (binary(tf.add, True, tf.nn.relu), {}),
    "sub": (binary(tf.subtract), {}),
    "sub_bcast": (binary(tf.subtract, True), {}),
    "mul": (binary(tf.multiply), {}),
    "mul_bcast_relu": (binary(tf.multiply, True, tf.nn.relu), {}),
    "avgpool_same": (unary(lambda x: tf.nn.avg_pool2d(x, 3, 2, "SAME")), {}),
    "avgpool_valid": (unary(lambda x: tf.nn.avg_pool2d(x, 2, 2, "VALID"), (1, 6, 6, 3)), {}),
    "maxpool_same": (unary(lambda x: tf.nn.max_pool2d(x, 3, 2, "SAME")), {}),
    "maxpool_valid": (unary(lambda x: tf.nn.max_pool2d(x, 2, 2, "VALID"), (1, 6, 6, 3)), {}),
    "mean_keepdims": (unary(lambda x: tf.reduce_mean(x, axis=[1, 2], keepdims=True)), {}),
    "mean": (unary(lambda x: tf.reduce_mean(x, axis=[1, 2])), {}),
    "mean_channels": (unary(lambda x: tf.reduce_mean(x, axis=[3])), {}),
    "mean_h_keepdims": (unary(lambda x: tf.reduce_mean(x, axis=[1], keepdims=True)), {}),
    "relu": (unary(tf.nn.relu), {}),
    "relu6": (unary(tf.nn.relu6), {}),
    "relu_n1_to_1": (unary(lambda x: tf.clip_by_value(x, -1.0, 1.0)), {}),
    "reshape": (unary(lambda x: tf.reshape(x, [1, 15, 5])), {}),
    "concat": (concat(), {}),
    "concat_requantize": (concat_requantize(), {}),
    "pad": (unary(lambda x: tf.pad(x, [[0, 0], [1, 0], [0, 2], [0, 0]])), {}),
    "strided_slice": (unary(lambda x: x[:, 1:5:2, ::-1, 1:3]), {}),
    "transpose": (unary(lambda x: tf.transpose(x, [0, 3, 1, 2])), {}),
    "dequantize": (unary(lambda x: tf.nn.relu(x) * 0.5 + 0.25), {"float_output": True}),
}


def convert(f, shapes, options):
    c = tf.lite.TFLiteConverter.from_concrete_functions([f.get_concrete_function()], f)
    c.optimizations = [tf.lite.Optimize.DEFAULT]
    # Inputs with different ranges where there are several (the second 2x the first).
    c.representative_dataset = lambda: (
        [rng.normal(0, 1 + k, s).astype(np.float32) for k, s in enumerate(shapes)] for _ in range(64))
    c.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    c.inference_input_type = tf.int8
    c.inference_output_type = tf.float32 if options.get("float_output") else tf.int8
    if options.get("per_tensor"):
        c._experimental_disable_per_channel = True
    return c.convert()


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    total = 0
    for name, (f, options) in CASES.items():
        shapes = [tuple(s.shape) for s in f.input_signature]
        model = convert(f, shapes, options)
        it = tf.lite.Interpreter(model_content=model, experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_REF)
        it.allocate_tensors()
        ins, outs = it.get_input_details(), it.get_output_details()
        xs, ys = [], []
        for k in range(SAMPLES):
            for i in ins:
                # The whole range: the extremes in the first sample, random codes after.
                q = rng.integers(-128, 128, i["shape"]).astype(np.int8)
                if k == 0:
                    q.ravel()[:2] = [-128, 127]
                it.set_tensor(i["index"], q)
                xs.append(q.ravel())
            it.invoke()
            for o in outs:
                ys.append(it.get_tensor(o["index"]).ravel())
        d = os.path.join(OUT, name)
        os.makedirs(d, exist_ok=True)
        open(os.path.join(d, "model.tflite"), "wb").write(model)
        np.concatenate(xs).astype(np.int8).tofile(os.path.join(d, "inputs_int8.bin"))
        out_dtype = "float32" if options.get("float_output") else "int8"
        np.concatenate(ys).astype(out_dtype).tofile(os.path.join(d, "outputs_int8.bin"))
        ops = [o["op_name"] for o in it._get_ops_details()]
        meta = {
            "ops": ops, "samples": SAMPLES, "output_dtype": out_dtype,
            "inputs": [{"shape": i["shape"].tolist(), "scale": float(i["quantization"][0]), "zero_point": int(i["quantization"][1])} for i in ins],
            "outputs": [{"shape": o["shape"].tolist(), "scale": float(o["quantization"][0]), "zero_point": int(o["quantization"][1])} for o in outs],
        }
        json.dump(meta, open(os.path.join(d, "meta.json"), "w"), indent=1)
        assert all(i["dtype"] == np.int8 for i in ins), name
        size = sum(os.path.getsize(os.path.join(d, n)) for n in os.listdir(d))
        total += size
        print(f"{name:22s} {size:6d} B  {', '.join(ops)}")
    print("total", total)


if __name__ == "__main__":
    main()
