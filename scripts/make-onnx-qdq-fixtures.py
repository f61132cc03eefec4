"""Quantized ONNX models (onnxruntime's quantize_static) and onnxruntime's outputs for them
(Tests/Fixtures/onnx-qdq/<case>/).

Four float models built with onnx.helper (a small CNN, a residual Add, a depthwise convolution,
MatMuls) are quantized by onnxruntime with a small calibration set, in QDQ format
(QuantizeLinear/DequantizeLinear around float ops) and QOperator format (QLinearConv,
QLinearMatMul, QGemm, QLinearAdd), per channel or per tensor, activations int8 or uint8, weights
int8. Each case directory holds model.onnx, inputs.bin (4 samples, float32 NCHW) and outputs.bin
(what the quantized model outputs for them in onnxruntime, float32).
With /work/shared/fixtures/mlperf_tiny present, also quantizes MLPerf Tiny kws (QDQ) and ic
(QDQ and QOperator), per channel, int8, calibrated on their 12 samples, into
bench/mlperf-tiny/<m>/model_<qdq|qop>.onnx with onnxruntime's outputs outputs_onnx_<qdq|qop>.bin.
Run: python scripts/make-onnx-qdq-fixtures.py  (needs onnx, onnxruntime, numpy<2).
"""
import os
import shutil
import tempfile

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from onnxruntime.quantization import CalibrationDataReader, QuantFormat, QuantType, quantize_static

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "onnx-qdq")
rng = np.random.default_rng(13)


def const(name, a):
    return numpy_helper.from_array(np.asarray(a, dtype=np.float32), name)


def w(*shape, scale=0.5, r=None):
    return (r or rng).uniform(-scale, scale, size=shape).astype(np.float32)


misc_rng = np.random.default_rng(14)  # the model added last draws apart: the others stay as they were


def model(name, nodes, inits, in_shape):
    inp = helper.make_tensor_value_info("x", TensorProto.FLOAT, in_shape)
    out = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    graph = helper.make_graph(nodes, name, [inp], [out], inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="make-onnx-qdq-fixtures")
    m.ir_version = 7
    return m, in_shape


MODELS = {
    # Conv + Relu + MaxPool, Conv + Relu, Flatten, Gemm.
    "cnn": model("cnn", [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1", pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("MaxPool", ["r1"], ["p1"], name="pool1", kernel_shape=[2, 2], strides=[2, 2]),
        helper.make_node("Conv", ["p1", "w2", "b2"], ["c2"], name="conv2", pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
        helper.make_node("Relu", ["c2"], ["r2"], name="relu2"),
        helper.make_node("Flatten", ["r2"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "wg", "bg"], ["y"], name="gemm", transB=1),
    ], [const("w1", w(8, 3, 3, 3)), const("b1", w(8, scale=0.1)), const("w2", w(6, 8, 3, 3, scale=0.3)),
        const("b2", w(6, scale=0.1)), const("wg", w(5, 6 * 4 * 4, scale=0.2)), const("bg", w(5, scale=0.1))],
        [1, 3, 8, 8]),
    # Conv + Relu, Conv, Add of the block's input, Relu, Flatten, Gemm.
    "residual": model("residual", [
        helper.make_node("Conv", ["x", "w0", "b0"], ["c0"], name="stem", pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
        helper.make_node("Relu", ["c0"], ["r0"], name="relu0"),
        helper.make_node("Conv", ["r0", "w1", "b1"], ["c1"], name="conv1", pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("Conv", ["r1", "w2", "b2"], ["c2"], name="conv2", pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
        helper.make_node("Add", ["c2", "r0"], ["s"], name="add"),
        helper.make_node("Relu", ["s"], ["r2"], name="relu2"),
        helper.make_node("Flatten", ["r2"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "wg", "bg"], ["y"], name="gemm", transB=1),
    ], [const("w0", w(6, 2, 3, 3)), const("b0", w(6, scale=0.1)), const("w1", w(6, 6, 3, 3, scale=0.3)),
        const("b1", w(6, scale=0.1)), const("w2", w(6, 6, 3, 3, scale=0.3)), const("b2", w(6, scale=0.1)),
        const("wg", w(4, 6 * 6 * 6, scale=0.1)), const("bg", w(4, scale=0.1))],
        [1, 2, 6, 6]),
    # Conv, depthwise Conv (group = channels) stride 2 + Relu, pointwise Conv, Flatten, Gemm.
    "depthwise": model("depthwise", [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1", pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
        helper.make_node("Relu", ["c1"], ["r1"], name="relu1"),
        helper.make_node("Conv", ["r1", "wd", "bd"], ["c2"], name="dw", group=8, pads=[1, 1, 1, 1], strides=[2, 2], kernel_shape=[3, 3]),
        helper.make_node("Relu", ["c2"], ["r2"], name="relu2"),
        helper.make_node("Conv", ["r2", "wp", "bp"], ["c3"], name="pw", kernel_shape=[1, 1]),
        helper.make_node("Relu", ["c3"], ["r3"], name="relu3"),
        helper.make_node("Flatten", ["r3"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "wg", "bg"], ["y"], name="gemm", transB=1),
    ], [const("w1", w(8, 3, 3, 3)), const("b1", w(8, scale=0.1)), const("wd", w(8, 1, 3, 3)), const("bd", w(8, scale=0.1)),
        const("wp", w(8, 8, 1, 1)), const("bp", w(8, scale=0.1)), const("wg", w(5, 8 * 4 * 4, scale=0.2)),
        const("bg", w(5, scale=0.1))],
        [1, 3, 8, 8]),
    # MatMul + Add (bias) + Relu, MatMul.
    "matmul": model("matmul", [
        helper.make_node("MatMul", ["x", "w1"], ["m1"], name="matmul1"),
        helper.make_node("Add", ["m1", "b1"], ["a1"], name="bias1"),
        helper.make_node("Relu", ["a1"], ["r1"], name="relu1"),
        helper.make_node("MatMul", ["r1", "w2"], ["y"], name="matmul2"),
    ], [const("w1", w(16, 12)), const("b1", w(12, scale=0.1)), const("w2", w(12, 4))],
        [1, 16]),
    # LeakyRelu, Sigmoid, Mul, Concat, GlobalAveragePool (QLinear* contrib ops in QOperator format).
    "misc": model("misc", [
        helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv1", pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
        helper.make_node("LeakyRelu", ["c1"], ["l1"], name="leaky", alpha=0.2),
        helper.make_node("Sigmoid", ["l1"], ["s1"], name="sigmoid"),
        helper.make_node("Mul", ["l1", "s1"], ["m1"], name="mul"),
        helper.make_node("Concat", ["l1", "m1"], ["cat"], name="concat", axis=1),
        helper.make_node("GlobalAveragePool", ["cat"], ["g"], name="gap"),
        helper.make_node("Flatten", ["g"], ["f"], name="flatten"),
        helper.make_node("Gemm", ["f", "wg", "bg"], ["y"], name="gemm", transB=1),
    ], [const("w1", w(6, 3, 3, 3, r=misc_rng)), const("b1", w(6, scale=0.1, r=misc_rng)), const("wg", w(4, 12, r=misc_rng)),
        const("bg", w(4, scale=0.1, r=misc_rng))],
        [1, 3, 6, 6]),
}

# (suffix, format, per_channel, activation type, weight type)
VARIANTS = [
    ("qdq_s8_pc", QuantFormat.QDQ, True, QuantType.QInt8, QuantType.QInt8),
    ("qdq_u8_pt", QuantFormat.QDQ, False, QuantType.QUInt8, QuantType.QInt8),
    ("qop_u8_pc", QuantFormat.QOperator, True, QuantType.QUInt8, QuantType.QInt8),
    ("qop_s8_pt", QuantFormat.QOperator, False, QuantType.QInt8, QuantType.QInt8),
]
# uint8 weights (asymmetric, which int8 kernels cannot take as they are): the CNN only.
EXTRA = {"cnn": [("qdq_u8_u8w", QuantFormat.QDQ, False, QuantType.QUInt8, QuantType.QUInt8)]}


class Reader(CalibrationDataReader):
    def __init__(self, samples, name="x"):
        self.it = iter([{name: s} for s in samples])

    def get_next(self):
        return next(self.it, None)


def main():
    tmp = tempfile.mkdtemp()
    for name, (m, shape) in MODELS.items():
        float_path = os.path.join(tmp, name + ".onnx")
        onnx.save(m, float_path)
        calibration = [rng.uniform(-1, 1, size=shape).astype(np.float32) for _ in range(16)]
        inputs = [rng.uniform(-1, 1, size=shape).astype(np.float32) for _ in range(4)]
        for suffix, fmt, per_channel, act, weight in VARIANTS + EXTRA.get(name, []):
            case = f"{name}_{suffix}"
            d = os.path.join(OUT, case)
            os.makedirs(d, exist_ok=True)
            path = os.path.join(d, "model.onnx")
            quantize_static(float_path, path, Reader(calibration), quant_format=fmt, per_channel=per_channel,
                            activation_type=act, weight_type=weight)
            sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
            ys = [sess.run(None, {"x": x})[0].astype(np.float32) for x in inputs]
            np.concatenate([x.ravel() for x in inputs]).tofile(os.path.join(d, "inputs.bin"))
            np.concatenate([y.ravel() for y in ys]).tofile(os.path.join(d, "outputs.bin"))
            ops = sorted({n.op_type for n in onnx.load(path).graph.node})
            print(case, ys[0].shape, " ".join(ops))
    mlperf(tmp)
    shutil.rmtree(tmp)


def mlperf(tmp):
    shared = "/work/shared/fixtures/mlperf_tiny"
    if not os.path.isdir(shared):
        return
    from onnxruntime.quantization.shape_inference import quant_pre_process
    bench = os.path.join(os.path.dirname(__file__), "..", "bench", "mlperf-tiny")
    for m, formats in [("kws", ["qdq"]), ("ic", ["qdq", "qop"])]:
        src = os.path.join(shared, m, "model.onnx")
        inp = ort.InferenceSession(src, providers=["CPUExecutionProvider"]).get_inputs()[0]
        x = np.fromfile(os.path.join(shared, m, "inputs.bin"), np.float32).reshape([-1] + list(inp.shape[1:]))
        pre = os.path.join(tmp, m + "_pre.onnx")
        quant_pre_process(src, pre)
        for fmt in formats:
            out = os.path.join(bench, m, f"model_{fmt}.onnx")
            quantize_static(pre, out, Reader([x[i:i + 1] for i in range(len(x))], name=inp.name),
                            quant_format=QuantFormat.QDQ if fmt == "qdq" else QuantFormat.QOperator, per_channel=True,
                            activation_type=QuantType.QInt8, weight_type=QuantType.QInt8)
            sess = ort.InferenceSession(out, providers=["CPUExecutionProvider"])
            ys = [sess.run(None, {inp.name: x[i:i + 1]})[0].astype(np.float32).ravel() for i in range(len(x))]
            np.concatenate(ys).tofile(os.path.join(bench, m, f"outputs_onnx_{fmt}.bin"))
            print(m, fmt, sorted({n.op_type for n in onnx.load(out).graph.node}))


if __name__ == "__main__":
    main()
