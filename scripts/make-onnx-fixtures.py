"""Small per-operator ONNX models and onnxruntime's outputs for them (Tests/Fixtures/onnx/).

Each <name>.onnx has one float input (batch 1, or a symbolic batch); <name>.inputs.bin holds 3
samples (float32, NCHW) and <name>.outputs.bin onnxruntime's outputs for them, one after another.
Run: python scripts/make-onnx-fixtures.py  (needs onnx, onnxruntime, numpy<2).
"""
import os

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "onnx")
rng = np.random.default_rng(13)


def const(name, a, dtype=np.float32):
    return numpy_helper.from_array(np.asarray(a, dtype=dtype), name)


def save(name, nodes, inits, in_shape, out_shape, opset=13, batch="N", reference_nodes=None):
    """reference_nodes: an equivalent graph onnxruntime runs instead (for what it does not implement)."""
    def build(nodes):
        inp = helper.make_tensor_value_info("x", TensorProto.FLOAT, [batch] + in_shape[1:])
        out = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
        graph = helper.make_graph(nodes, name, [inp], [out], inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)], producer_name="make-onnx-fixtures")
        model.ir_version = 7
        return model
    # (no onnx.checker: the output is declared without a shape, which it rejects)
    path = os.path.join(OUT, name + ".onnx")
    onnx.save(build(nodes), path)
    sess = ort.InferenceSession(path if reference_nodes is None else build(reference_nodes).SerializeToString(),
                                providers=["CPUExecutionProvider"])
    xs = [rng.uniform(-2, 2, size=in_shape).astype(np.float32) for _ in range(3)]
    ys = [sess.run(None, {"x": x})[0].astype(np.float32) for x in xs]
    np.concatenate([x.ravel() for x in xs]).tofile(os.path.join(OUT, name + ".inputs.bin"))
    np.concatenate([y.ravel() for y in ys]).tofile(os.path.join(OUT, name + ".outputs.bin"))
    print(name, in_shape, "->", ys[0].shape)


def w(*shape):
    return rng.uniform(-1, 1, size=shape).astype(np.float32)


# Convolutions: SAME_UPPER stride 2, depthwise (group = C), asymmetric pads, BN, LeakyRelu,
# MaxPool with asymmetric pads, GlobalAveragePool, Flatten, Gemm (transB, alpha, beta), Softmax.
save("conv_gemm", [
    helper.make_node("Conv", ["x", "w1", "b1"], ["c1"], name="conv_same", auto_pad="SAME_UPPER", strides=[2, 2], kernel_shape=[3, 3]),
    helper.make_node("Conv", ["c1", "w2"], ["c2"], name="conv_dw", group=6, pads=[1, 0, 2, 1], kernel_shape=[3, 3]),
    helper.make_node("BatchNormalization", ["c2", "g", "beta", "mean", "var"], ["bn"], name="bn", epsilon=1e-3),
    helper.make_node("LeakyRelu", ["bn"], ["lr"], name="leaky", alpha=0.1),
    helper.make_node("MaxPool", ["lr"], ["mp"], name="maxpool", kernel_shape=[2, 2], strides=[1, 1], pads=[0, 0, 1, 1]),
    helper.make_node("GlobalAveragePool", ["mp"], ["gap"], name="gap"),
    helper.make_node("Flatten", ["gap"], ["fl"], name="flatten"),
    helper.make_node("Gemm", ["fl", "wg", "bg"], ["gm"], name="gemm", transB=1, alpha=0.5, beta=2.0),
    helper.make_node("Softmax", ["gm"], ["y"], name="softmax"),
], [const("w1", w(6, 3, 3, 3)), const("b1", w(6)), const("w2", w(6, 1, 3, 3)), const("g", w(6)), const("beta", w(6)),
    const("mean", w(6)), const("var", rng.uniform(0.5, 2, 6)), const("wg", w(5, 6)), const("bg", w(5))],
    [1, 3, 9, 8], None)

# The Shape → Gather → Unsqueeze → Concat → Reshape chain tf2onnx writes, then Transpose, Slice,
# Pad (reflect), Clip, arithmetic with broadcast constants, ReduceMean and a Split.
save("shape_chain", [
    helper.make_node("Shape", ["x"], ["s"], name="shape"),
    helper.make_node("Gather", ["s", "i0"], ["n"], name="gather_n", axis=0),
    helper.make_node("Unsqueeze", ["n", "ax0"], ["n1"], name="unsq"),
    helper.make_node("Concat", ["n1", "rest"], ["newshape"], name="concat_shape", axis=0),
    helper.make_node("Reshape", ["x", "newshape"], ["r"], name="reshape"),
    helper.make_node("Transpose", ["r"], ["t"], name="transpose", perm=[0, 2, 1]),
    helper.make_node("Slice", ["t", "st", "en", "axs", "sp"], ["sl"], name="slice"),
    helper.make_node("Pad", ["sl", "pads"], ["pd"], name="pad", mode="reflect"),
    helper.make_node("Clip", ["pd", "lo", "hi"], ["cl"], name="clip"),
    helper.make_node("Mul", ["cl", "scale"], ["m"], name="mul"),
    helper.make_node("Sub", ["m", "shift"], ["sb"], name="sub"),
    helper.make_node("Div", ["sb", "den"], ["dv"], name="div"),
    helper.make_node("Add", ["dv", "half"], ["ad"], name="add_scalar"),
    helper.make_node("ReduceMean", ["ad"], ["rm"], name="reducemean", axes=[1], keepdims=1),
    helper.make_node("Split", ["rm", "split"], ["p", "q"], name="split", axis=2),
    helper.make_node("Mul", ["p", "q"], ["y"], name="mul_halves"),
], [const("i0", 0, np.int64), const("ax0", [0], np.int64), const("rest", [4, -1], np.int64),
    const("st", [1, 0], np.int64), const("en", [1000, -1], np.int64), const("axs", [1, 2], np.int64), const("sp", [1, 2], np.int64),
    const("pads", [0, 1, 0, 0, 1, 1], np.int64), const("lo", -0.5), const("hi", 1.5), const("scale", w(1, 1, 3)),
    const("shift", w(3)), const("den", rng.uniform(1, 2, (1, 3))), const("half", 0.5),
    const("split", [1, 2], np.int64)],
    [1, 4, 3, 4], None)

# Opset 14 (HardSwish): activations, MatMul of two computed tensors, Concat, ReduceSum/ReduceMax.
save("activations", [
    helper.make_node("Sigmoid", ["x"], ["a"], name="sigmoid"),
    helper.make_node("Tanh", ["x"], ["b"], name="tanh"),
    helper.make_node("Elu", ["x"], ["c"], name="elu", alpha=0.7),
    helper.make_node("Selu", ["x"], ["d"], name="selu"),
    helper.make_node("HardSigmoid", ["x"], ["e"], name="hardsigmoid", alpha=0.3, beta=0.4),
    helper.make_node("HardSwish", ["x"], ["f"], name="hardswish"),
    helper.make_node("PRelu", ["x", "slope"], ["g"], name="prelu"),
    helper.make_node("Relu", ["x"], ["h"], name="relu"),
    helper.make_node("Concat", ["a", "b", "c", "d", "e", "f", "g", "h"], ["cat"], name="concat", axis=3),
    helper.make_node("Transpose", ["cat"], ["catT"], name="transpose", perm=[0, 1, 3, 2]),
    helper.make_node("MatMul", ["cat", "catT"], ["mm"], name="matmul_computed"),
    helper.make_node("LogSoftmax", ["mm"], ["ls"], name="logsoftmax", axis=-1),
    helper.make_node("ReduceSum", ["ls", "rax"], ["rs"], name="reducesum", keepdims=0),
    helper.make_node("ReduceMax", ["mm"], ["rx"], name="reducemax", axes=[1], keepdims=0),
    helper.make_node("Add", ["rs", "rx"], ["y"], name="add"),
], [const("slope", w(2, 1, 1)), const("rax", [1], np.int64)],
    [1, 2, 3, 3], None, opset=14)

# Opset 11: Softmax flattens from its axis, Squeeze/Unsqueeze axes are attributes, Clip reads
# min/max inputs, AveragePool counts the pad.
save("opset11", [
    helper.make_node("AveragePool", ["x"], ["ap"], name="avgpool", kernel_shape=[3, 3], pads=[1, 1, 1, 1], count_include_pad=1),
    helper.make_node("Softmax", ["ap"], ["sm"], name="softmax_flat", axis=1),
    helper.make_node("Unsqueeze", ["sm"], ["u"], name="unsqueeze", axes=[0]),
    helper.make_node("Squeeze", ["u"], ["sq"], name="squeeze", axes=[0]),
    helper.make_node("Clip", ["sq", "lo"], ["y"], name="clip_min"),
], [const("lo", 0.01)], [1, 2, 4, 5], None, opset=11)

# Resize: nearest (asymmetric floor, and the opset-13 default half_pixel round_prefer_floor) and
# linear (half_pixel from scales, align_corners and asymmetric from sizes).
save("resize", [
    helper.make_node("Resize", ["x", "", "s2"], ["a"], name="nearest_floor", mode="nearest",
                     coordinate_transformation_mode="asymmetric", nearest_mode="floor"),
    helper.make_node("Resize", ["x", "", "s2"], ["b"], name="linear_half_pixel", mode="linear"),
    helper.make_node("Resize", ["x", "", "", "size"], ["c"], name="linear_align_corners", mode="linear",
                     coordinate_transformation_mode="align_corners"),
    helper.make_node("Resize", ["x", "", "", "size"], ["d"], name="nearest_default", mode="nearest"),
    helper.make_node("Resize", ["x", "", "", "size"], ["e"], name="linear_asymmetric", mode="linear",
                     coordinate_transformation_mode="asymmetric"),
    helper.make_node("Add", ["a", "b"], ["ab"], name="add_ab"),
    helper.make_node("Add", ["ab", "c"], ["abc"], name="add_abc"),
    helper.make_node("Mul", ["abc", "d"], ["abcd"], name="mul"),
    helper.make_node("Add", ["abcd", "e"], ["y"], name="add"),
], [const("s2", [1, 1, 2, 2]), const("size", [1, 2, 6, 8], np.int64)], [1, 2, 3, 4], None)

# ConvTranspose: stride 2 with output_padding and a bias; grouped, dilated, with uneven pads.
save("conv_transpose", [
    helper.make_node("ConvTranspose", ["x", "w1", "b1"], ["a"], name="deconv_stride2", strides=[2, 2], pads=[1, 1, 1, 1],
                     output_padding=[1, 1], kernel_shape=[3, 3]),
    helper.make_node("ConvTranspose", ["a", "w2"], ["y"], name="deconv_grouped", group=2, dilations=[2, 1], pads=[0, 1, 1, 0]),
], [const("w1", w(4, 2, 3, 3)), const("b1", w(2)), const("w2", w(2, 3, 2, 3))], [1, 4, 3, 5], None)

# Layout clean-up: a Transpose pair that cancels, Identity, Dropout and Cast copy nothing.
save("layout", [
    helper.make_node("Transpose", ["x"], ["nhwc"], name="to_nhwc", perm=[0, 2, 3, 1]),
    helper.make_node("Transpose", ["nhwc"], ["nchw"], name="to_nchw", perm=[0, 3, 1, 2]),
    helper.make_node("Conv", ["nchw", "w1"], ["c"], name="conv", pads=[1, 1, 1, 1]),
    helper.make_node("Identity", ["c"], ["i"], name="identity"),
    helper.make_node("Dropout", ["i"], ["d"], name="dropout"),
    helper.make_node("Cast", ["d"], ["k"], name="cast", to=TensorProto.FLOAT),
    helper.make_node("Relu", ["k"], ["r"], name="relu"),
    helper.make_node("Identity", ["r"], ["y"], name="identity_out"),
], [const("w1", w(3, 2, 3, 3))], [1, 2, 4, 5], None)

# Element-wise math: unary functions, Max/Min/Sum of several inputs, Pow.
save("math", [
    helper.make_node("Abs", ["x"], ["ax"], name="abs"),
    helper.make_node("Add", ["ax", "one"], ["pos"], name="add_one"),
    helper.make_node("Log", ["pos"], ["lg"], name="log"),
    helper.make_node("Sqrt", ["pos"], ["sq"], name="sqrt"),
    helper.make_node("Reciprocal", ["pos"], ["rc"], name="reciprocal"),
    helper.make_node("Exp", ["x"], ["ex"], name="exp"),
    helper.make_node("Erf", ["x"], ["er"], name="erf"),
    helper.make_node("Floor", ["x"], ["fl"], name="floor"),
    helper.make_node("Ceil", ["x"], ["ce"], name="ceil"),
    helper.make_node("Sin", ["x"], ["si"], name="sin"),
    helper.make_node("Cos", ["x"], ["co"], name="cos"),
    helper.make_node("Sign", ["x"], ["sg"], name="sign"),
    helper.make_node("Neg", ["x"], ["ng"], name="neg"),
    helper.make_node("Softplus", ["x"], ["sp"], name="softplus"),
    helper.make_node("Softsign", ["x"], ["ss"], name="softsign"),
    helper.make_node("Pow", ["pos", "three"], ["p3"], name="pow_scalar"),
    helper.make_node("Pow", ["pos", "x"], ["px"], name="pow_tensor"),
    helper.make_node("Max", ["lg", "sq", "rc"], ["mx"], name="max3"),
    helper.make_node("Min", ["ex", "er"], ["mn"], name="min2"),
    helper.make_node("Sum", ["mx", "mn", "fl", "ce", "si", "co", "sg", "ng", "sp", "ss", "p3", "px"], ["y"], name="sum"),
], [const("one", 1.0), const("three", 3.0)], [1, 2, 3, 4], None)

# A convolution without bias followed by an Add of one value per channel (the bias joins it), and a
# depthwise one followed by an Add of [1, C, 1, 1].
save("conv_bias_add", [
    helper.make_node("Conv", ["x", "w1"], ["c1"], name="conv", pads=[1, 1, 1, 1]),
    helper.make_node("Add", ["c1", "b1"], ["a1"], name="bias1"),
    helper.make_node("Conv", ["a1", "w2"], ["c2"], name="conv_dw", group=3, pads=[1, 1, 1, 1]),
    helper.make_node("Add", ["b2", "c2"], ["y"], name="bias2"),
], [const("w1", w(3, 2, 3, 3)), const("b1", w(3, 1, 1)), const("w2", w(3, 1, 3, 3)), const("b2", w(1, 3, 1, 1))],
    [1, 2, 4, 5], None)


# Recurrent layers, x [T, B, I] (the leading axis is the sequence, not a batch: fixed T). Each
# model's y joins the outputs it uses, flattened: Y [T, D, B, H], Y_h and Y_c [D, B, H].
def recurrent(name, op, T, B, I, H, direction="forward", bias=True, init_h=False, init_c=False, seq_lens=False,
              outputs=("Y", "Y_h", "Y_c"), layout=0, **attrs):
    D = 2 if direction == "bidirectional" else 1
    G = {"LSTM": 4, "GRU": 3, "RNN": 1}[op] * H
    inits = [const("W", w(D, G, I)), const("R", w(D, G, H))]
    ins = ["x", "W", "R"]
    ins.append("B" if bias else "")
    if bias:
        inits.append(const("B", w(D, 2 * G)))
    ins.append("seq" if seq_lens else "")
    if seq_lens:
        inits.append(const("seq", [T] * B, np.int32))
    state = [B, D, H] if layout else [D, B, H]
    ins.append("h0" if init_h else "")
    if init_h:
        inits.append(const("h0", w(*state)))
    if op == "LSTM":
        ins.append("c0" if init_c else "")
        if init_c:
            inits.append(const("c0", w(*state)))
    while ins[-1] == "":
        ins.pop()
    names = ["Y", "Y_h", "Y_c"][: 3 if op == "LSTM" else 2]
    outs = [o if o in outputs else "" for o in names]
    while outs[-1] == "":
        outs.pop()
    nodes = [helper.make_node(op, ins, outs, name=name, direction=direction, hidden_size=H, **attrs, **({"layout": 1} if layout else {}))]
    reference = None
    if layout:
        # onnxruntime has no batch-first recurrent kernels: the reference is the sequence-first
        # layer between Transposes.
        ref_ins = ["x_t" if i == "x" else i + "_t" if i in ("h0", "c0") else i for i in ins]
        reference = [helper.make_node("Transpose", ["x"], ["x_t"], perm=[1, 0, 2])]
        reference += [helper.make_node("Transpose", [s], [s + "_t"], perm=[1, 0, 2]) for s in ("h0", "c0") if s in ins]
        reference.append(helper.make_node(op, ref_ins, [o + "_t" if o else "" for o in outs], direction=direction, hidden_size=H, **attrs))
        reference += [helper.make_node("Transpose", [o + "_t"], [o], perm=[2, 0, 1, 3] if o == "Y" else [1, 0, 2]) for o in outs if o]
    flat = []
    for o in outputs:
        nodes.append(helper.make_node("Reshape", [o, "minus1"], [o + "_flat"], name="flatten_" + o))
        flat.append(o + "_flat")
    nodes.append(helper.make_node("Concat", flat, ["y"], name="join", axis=0) if len(flat) > 1 else
                 helper.make_node("Identity", flat, ["y"], name="join"))
    inits.append(const("minus1", [-1], np.int64))
    tail = nodes[1:]
    save(name, nodes, inits, [B, T, I] if layout else [T, B, I], None, opset=14 if layout else 13, batch=B if layout else T,
         reference_nodes=reference + tail if reference else None)


recurrent("lstm_forward", "LSTM", T=4, B=2, I=4, H=3)
recurrent("lstm_bidirectional", "LSTM", T=3, B=1, I=4, H=5, direction="bidirectional", init_h=True, init_c=True,
          seq_lens=True, outputs=("Y_h",))
recurrent("lstm_reverse", "LSTM", T=5, B=2, I=4, H=4, direction="reverse", bias=False, outputs=("Y", "Y_c"))
recurrent("gru_forward", "GRU", T=4, B=2, I=4, H=3, outputs=("Y", "Y_h"))
recurrent("gru_bidirectional_lbr", "GRU", T=3, B=2, I=4, H=4, direction="bidirectional", init_h=True,
          linear_before_reset=1, outputs=("Y",))
recurrent("gru_reverse_lbr", "GRU", T=5, B=1, I=4, H=6, direction="reverse", linear_before_reset=1, outputs=("Y_h",))
recurrent("rnn_forward", "RNN", T=4, B=2, I=4, H=8, outputs=("Y",))
recurrent("rnn_bidirectional", "RNN", T=3, B=2, I=4, H=3, direction="bidirectional", init_h=True, outputs=("Y", "Y_h"))


# The shape arithmetic PyTorch and tf2onnx write, all evaluated at import: x.view(x.size(0), -1)
# (Shape → Gather → Unsqueeze → Concat → Reshape), Size, Range, Cast, Mod, ConstantOfShape,
# Where of Less/Equal, ReduceProd of a Slice of the shape, Expand of a constant and of a computed
# tensor (a Broadcast).
f32 = TensorProto.FLOAT
save("shape_folding", [
    helper.make_node("Shape", ["x"], ["s"], name="shape"),
    helper.make_node("Gather", ["s", "i0"], ["n"], name="gather_n", axis=0),
    helper.make_node("Unsqueeze", ["n", "ax0"], ["n1"], name="unsqueeze_n"),
    helper.make_node("Concat", ["n1", "minus1"], ["flat_shape"], name="concat_flat", axis=0),
    helper.make_node("Reshape", ["x", "flat_shape"], ["flat"], name="view"),
    helper.make_node("Size", ["x"], ["size"], name="size"),
    helper.make_node("Range", ["zero", "size", "one"], ["range"], name="range"),
    helper.make_node("Mod", ["range", "five"], ["mod"], name="mod"),
    helper.make_node("Cast", ["mod"], ["modf"], name="cast_mod", to=f32),
    helper.make_node("Mul", ["flat", "modf"], ["m1"], name="mul_mod"),
    helper.make_node("Concat", ["n1", "size1"], ["const_shape"], name="concat_const_shape", axis=0),
    helper.make_node("ConstantOfShape", ["const_shape"], ["halves"], name="constant_of_shape",
                     value=helper.make_tensor("v", f32, [1], [0.5])),
    helper.make_node("Add", ["m1", "halves"], ["m2"], name="add_halves"),
    helper.make_node("Cast", ["range"], ["rangef"], name="cast_range", to=f32),
    helper.make_node("Less", ["rangef", "twelve"], ["less"], name="less"),
    helper.make_node("Where", ["less", "plus", "minus"], ["signs"], name="where_less"),
    helper.make_node("Gather", ["s", "i1"], ["c"], name="gather_c", axis=0),
    helper.make_node("Equal", ["c", "two"], ["eq"], name="equal"),
    helper.make_node("Where", ["eq", "plus", "minus"], ["k"], name="where_equal"),
    helper.make_node("Mul", ["signs", "k"], ["sk"], name="mul_consts"),
    helper.make_node("Mul", ["m2", "sk"], ["m3"], name="mul_signs"),
    helper.make_node("Expand", ["quarter", "const_shape"], ["quarters"], name="expand_constant"),
    helper.make_node("Add", ["m3", "quarters"], ["m4"], name="add_quarters"),
    helper.make_node("ReduceMean", ["m4"], ["mean"], name="mean", axes=[1], keepdims=1),
    helper.make_node("Expand", ["mean", "const_shape"], ["means"], name="expand_computed"),
    helper.make_node("Sub", ["m4", "means"], ["centered"], name="center"),
    helper.make_node("Slice", ["s", "st2", "en4"], ["hw"], name="slice_shape"),
    helper.make_node("ReduceProd", ["hw"], ["hw_size"], name="reduce_prod", keepdims=0),
    helper.make_node("Unsqueeze", ["hw_size", "ax0"], ["hw1"], name="unsqueeze_hw"),
    helper.make_node("Concat", ["n1", "hw1", "minus1"], ["out_shape"], name="concat_out", axis=0),
    helper.make_node("Reshape", ["centered", "out_shape"], ["y"], name="reshape_out"),
], [const("i0", 0, np.int64), const("i1", 1, np.int64), const("ax0", [0], np.int64), const("minus1", [-1], np.int64),
    const("zero", 0, np.int64), const("one", 1, np.int64), const("five", 5, np.int64), const("size1", [24], np.int64),
    const("twelve", 12.0), const("plus", 1.5), const("minus", -1.0), const("two", 2, np.int64), const("quarter", [[0.25]]),
    const("st2", [2], np.int64), const("en4", [4], np.int64)],
    [1, 2, 3, 4], None)

# Batch-first (layout 1) recurrent layers.
recurrent("lstm_batch_first", "LSTM", T=3, B=2, I=4, H=3, direction="bidirectional", init_h=True, init_c=True, layout=1)
recurrent("gru_batch_first", "GRU", T=4, B=2, I=4, H=3, init_h=True, layout=1, outputs=("Y", "Y_h"))

# Attributes the importer refuses, on two nodes (no goldens: only the error is tested).
refused = helper.make_graph(
    [helper.make_node("LSTM", ["x", "W", "R", "", "", "", "", "P"], ["Y"], name="lstm_peephole", hidden_size=2, clip=3.0,
                      activations=["Sigmoid", "HardSigmoid", "Tanh"]),
     helper.make_node("MaxPool", ["Y"], ["Z"], name="pool_dilated", kernel_shape=[2, 2], dilations=[2, 2], storage_order=1),
     helper.make_node("Relu", ["Z"], ["y"], name="relu")],
    "refused", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3, 1, 4])], [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
    [const("W", w(1, 8, 4)), const("R", w(1, 8, 2)), const("P", w(1, 6))])
refused_model = helper.make_model(refused, opset_imports=[helper.make_opsetid("", 13)], producer_name="make-onnx-fixtures")
refused_model.ir_version = 7
onnx.save(refused_model, os.path.join(OUT, "lstm_refused.onnx"))


# Pooling with ceil_mode 1 (partial last windows), AveragePool counting the pad or not, with
# asymmetric pads; each output flattened and joined.
pools = [
    ("max_ceil", "MaxPool", dict(kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)),
    ("max_ceil_pads", "MaxPool", dict(kernel_shape=[2, 3], strides=[2, 2], pads=[1, 0, 0, 1], ceil_mode=1)),
    ("avg_ceil", "AveragePool", dict(kernel_shape=[3, 3], strides=[2, 2], ceil_mode=1)),
    ("avg_ceil_include_pad", "AveragePool", dict(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1], ceil_mode=1,
                                                 count_include_pad=1)),
    ("avg_ceil_pads", "AveragePool", dict(kernel_shape=[3, 2], strides=[2, 3], pads=[0, 1, 1, 0], ceil_mode=1)),
    ("avg_asymmetric", "AveragePool", dict(kernel_shape=[2, 2], strides=[1, 1], pads=[1, 0, 0, 1])),
]
nodes = []
for pname, op, a in pools:
    nodes.append(helper.make_node(op, ["x"], [pname], name=pname, **a))
    nodes.append(helper.make_node("Reshape", [pname, "flat"], [pname + "_flat"], name=pname + "_flat"))
nodes.append(helper.make_node("Concat", [p[0] + "_flat" for p in pools], ["y"], name="join", axis=1))
save("pool_ceil", nodes, [const("flat", [1, -1], np.int64)], [1, 2, 6, 8], None, opset=13)

# ConvTranspose with output_shape and auto_pad (SAME_UPPER, SAME_LOWER, VALID), output_padding.
save("conv_transpose_shape", [
    helper.make_node("ConvTranspose", ["x", "w1"], ["a"], name="deconv_output_shape", strides=[2, 2], output_shape=[8, 9]),
    helper.make_node("ConvTranspose", ["a", "w2", "b2"], ["b"], name="deconv_same_upper", strides=[2, 1], auto_pad="SAME_UPPER",
                     kernel_shape=[4, 3]),
    helper.make_node("ConvTranspose", ["b", "w3"], ["c"], name="deconv_same_lower", strides=[1, 2], auto_pad="SAME_LOWER"),
    helper.make_node("ConvTranspose", ["c", "w4"], ["y"], name="deconv_valid_output_padding", strides=[2, 2], auto_pad="VALID",
                     output_padding=[1, 0]),
], [const("w1", w(3, 2, 3, 3)), const("w2", w(2, 2, 4, 3)), const("b2", w(2)), const("w3", w(2, 2, 3, 4)), const("w4", w(2, 1, 2, 2))],
    [1, 3, 4, 4], None)
