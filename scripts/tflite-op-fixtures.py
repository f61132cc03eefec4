#!/usr/bin/env python3
"""Small float32 .tflite models that exercise every operator the TFLite importer reads, with
TensorFlow Lite's own outputs on fixed inputs: Tests/Fixtures/tflite/<name>/{model.tflite,
inputs.bin, outputs.bin} (inputs NHWC float32, one sample after another; outputs likewise, the
model's outputs in order, concatenated per sample).

    python -m venv /tmp/venv && /tmp/venv/bin/pip install "numpy<2" "tensorflow-cpu==2.15.*"
    /tmp/venv/bin/python scripts/tflite-op-fixtures.py
"""
import os
import numpy as np
import tensorflow as tf

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "tflite")
rng = np.random.default_rng(13)


def const(*shape):
    return tf.constant(rng.normal(0, 0.5, shape).astype(np.float32))


def conv_pool():
    w = const(3, 3, 4, 6)  # HWIO
    b = const(6)
    dw = const(3, 3, 6, 2)  # depthwise, multiplier 2
    fw = const(12, 5)
    fb = const(5)

    @tf.function(input_signature=[tf.TensorSpec([1, 9, 8, 4], tf.float32)])
    def f(x):
        y = tf.nn.relu(tf.nn.conv2d(x, w, 2, "SAME") + b)  # 9x8 → 5x4, SAME not symmetric
        y = tf.nn.depthwise_conv2d(y, dw, [1, 1, 1, 1], "SAME")  # 12 channels
        y = tf.nn.max_pool2d(y, 2, 2, "SAME")  # 5x4 → 3x2
        a = tf.nn.avg_pool2d(y, 3, 1, "SAME")  # padded positions left out of the average
        a = tf.reduce_mean(a, axis=[1, 2])  # MEAN → [1, 12]
        return tf.nn.softmax(tf.matmul(a, fw) + fb)

    return f, [(1, 9, 8, 4)]


def elementwise():
    c, d, e = const(3), const(3), const(1, 1, 1, 3)

    @tf.function(input_signature=[tf.TensorSpec([1, 4, 5, 3], tf.float32)])
    def f(x):
        y = x * c + d - e
        a = tf.nn.leaky_relu(y, alpha=0.2)
        t = tf.tanh(y)
        s = tf.sigmoid(y)
        h = y * tf.nn.relu6(y + 3.0) * (1.0 / 6.0)  # HARD_SWISH
        z = tf.concat([a, t, s, h], axis=3)  # [1,4,5,12]
        z = tf.pad(z, [[0, 0], [1, 0], [0, 2], [0, 0]])  # [1,5,7,12]
        z = z[:, 1:5:2, ::-1, 2:10]  # STRIDED_SLICE [1,2,7,8]
        r = tf.reshape(tf.transpose(z, [0, 3, 1, 2]), [1, 8, 14])  # TRANSPOSE, RESHAPE
        return tf.nn.relu(z), tf.reduce_mean(r, axis=2)

    return f, [(1, 4, 5, 3)]


def main():
    for name, build in [("conv_pool", conv_pool), ("elementwise", elementwise)]:
        f, shapes = build()
        conv = tf.lite.TFLiteConverter.from_concrete_functions([f.get_concrete_function()], f)
        model = conv.convert()
        d = os.path.join(OUT, name)
        os.makedirs(d, exist_ok=True)
        open(os.path.join(d, "model.tflite"), "wb").write(model)
        # TFLite's builtin kernels (no XNNPACK delegate).
        interp = tf.lite.Interpreter(
            model_content=model, experimental_op_resolver_type=tf.lite.experimental.OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)
        interp.allocate_tensors()
        ins, outs = [], []
        for _ in range(3):
            x = rng.normal(0, 1, shapes[0]).astype(np.float32)
            interp.set_tensor(interp.get_input_details()[0]["index"], x)
            interp.invoke()
            ins.append(x.ravel())
            # Outputs in the subgraph's order.
            outs.append(np.concatenate([interp.get_tensor(o["index"]).ravel() for o in interp.get_output_details()]))
        np.concatenate(ins).astype(np.float32).tofile(os.path.join(d, "inputs.bin"))
        np.concatenate(outs).astype(np.float32).tofile(os.path.join(d, "outputs.bin"))
        ops = [o["op_name"] for o in interp._get_ops_details()]
        print(name, len(model), "bytes:", ", ".join(ops), [o["shape"].tolist() for o in interp.get_output_details()])


if __name__ == "__main__":
    main()
