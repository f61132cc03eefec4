#!/usr/bin/env python3
"""Writes the small search-like networks of the cycle-model fit (28x28 digits, 10 classes) into
bench/cycle-model/networks/ (committed): the kinds a structure search puts on its front for the
digits, where fixed per-call and per-element costs outweigh the MACs — MLPs, pooling on the raw
input, standalone max/average pooling and ReLU, small and strided convolutions, 1x1 convolutions,
depthwise-separable blocks on few channels, BatchNormalization that cannot fold (a float island:
dequantize, float op, quantize), residual adds, tanh/sigmoid tables. The search's own candidates
(cand*.nntxt) sit beside them. Usage: small_networks.py [OUTDIR]  (prints the names)."""
import os, sys

from lenet_variants import Block, nntxt as variants_nntxt

# Layers: ("conv", out, k, stride, pad) ("dw", k, stride, pad) ("pool", k) ("avg", k) ("relu",)
# ("bn",) ("fc", out) ("res",): a 3x3 same-width convolution + ReLU added to its input;
# ("tanh",) ("sigmoid",). A last fc10 is appended.
NETWORKS = {
    "s_mlp16": [("fc", 16), ("relu",)],
    "s_mlp32": [("fc", 32), ("relu",)],
    "s_mlp64": [("fc", 64), ("relu",)],
    "s_mlp32_16": [("fc", 32), ("relu",), ("fc", 16), ("relu",)],
    "s_pool2_mlp32": [("pool", 2), ("fc", 32), ("relu",)],
    "s_pool4_mlp16": [("pool", 4), ("fc", 16), ("relu",)],
    "s_avg2_mlp32_tanh": [("avg", 2), ("fc", 32), ("tanh",)],
    "s_pool2_relu_pool2_fc": [("pool", 2), ("relu",), ("pool", 2)],
    "s_pool3_sigmoid": [("pool", 3), ("fc", 24), ("sigmoid",)],
    "s_c4k3_pool2": [("conv", 4, 3, 1, 0), ("pool", 2), ("relu",)],
    "s_c8k3s2": [("conv", 8, 3, 2, 0), ("relu",)],
    "s_c4k3s2_c8k3s2": [("conv", 4, 3, 2, 0), ("relu",), ("conv", 8, 3, 2, 0), ("relu",)],
    "s_pool2_c8k3_pool2": [("pool", 2), ("conv", 8, 3, 1, 0), ("relu",), ("pool", 2)],
    "s_pool2_c4k3_c8k1_pool2": [("pool", 2), ("conv", 4, 3, 1, 1), ("relu",), ("conv", 8, 1, 1, 0), ("relu",), ("pool", 2)],
    "s_c8k1_pool4": [("pool", 2), ("conv", 8, 1, 1, 0), ("relu",), ("pool", 2)],
    "s_pool2_dw3s2_pool2": [("pool", 2), ("dw", 3, 2, 0), ("pool", 2)],
    "s_c4k3s2_dw3s1_c8k1": [("conv", 4, 3, 2, 1), ("relu",), ("dw", 3, 1, 1), ("conv", 8, 1, 1, 0), ("relu",), ("pool", 2)],
    "s_pool2_c8k3_dw3s2_c12k1": [("pool", 2), ("conv", 8, 3, 1, 1), ("relu",), ("dw", 3, 2, 1), ("relu",), ("conv", 12, 1, 1, 0), ("relu",)],
    "s_pool2_c8k3s2_dw3s1_c8k1": [("pool", 2), ("conv", 8, 3, 2, 1), ("relu",), ("dw", 3, 1, 1), ("relu",), ("conv", 8, 1, 1, 0), ("relu",)],
    "s_c8k3s2_dw3s2_c16k1": [("conv", 8, 3, 2, 1), ("relu",), ("dw", 3, 2, 1), ("relu",), ("conv", 16, 1, 1, 0), ("relu",)],
    "s_pool2_c4k3_dw3s2": [("pool", 2), ("conv", 4, 3, 1, 1), ("relu",), ("dw", 3, 2, 1), ("relu",), ("fc", 16), ("relu",)],
    "s_pool2_c4k3_dw5_avg2": [("pool", 2), ("conv", 4, 3, 1, 1), ("relu",), ("dw", 5, 1, 2), ("relu",), ("avg", 2)],
    "s_dw5s1_pool4": [("pool", 2), ("conv", 4, 3, 1, 1), ("dw", 5, 1, 2), ("relu",), ("pool", 4)],
    "s_bn_pool2_fc32": [("bn",), ("pool", 2), ("fc", 32), ("relu",)],
    "s_pool2_bn_relu_pool2": [("pool", 2), ("bn",), ("relu",), ("pool", 2), ("fc", 16), ("relu",)],
    "s_pool2_c4k3_pool2_bn": [("pool", 2), ("conv", 4, 3, 1, 1), ("relu",), ("pool", 2), ("bn",), ("fc", 16), ("relu",)],
    "s_pool2_c8k3_res_pool2": [("pool", 2), ("conv", 8, 3, 1, 1), ("relu",), ("res",), ("pool", 2)],
    "s_c4k3s2_res_avg2": [("conv", 4, 3, 2, 1), ("relu",), ("res",), ("avg", 2), ("fc", 16), ("relu",)],
}

def network(name, layers, with_loss):
    block = Block()
    var, fn = block.var, block.fn
    def conv(i, src, o, c, k, s, p, h, w, tag="conv"):
        var(f"{tag}{i}/W", "Parameter", [o, c, k, k], ("NormalConvolutionGlorot", 1.0))
        var(f"{tag}{i}/b", "Parameter", [o], ("Constant", 0.0))
        h, w = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
        var(f"{tag}{i}", "Buffer", [-1, o, h, w])
        fn(f"{tag}{i}", "Convolution", [src, f"{tag}{i}/W", f"{tag}{i}/b"], f"{tag}{i}",
           f"convolution_param {{ pad: {{ dim: {p} dim: {p} }} stride: {{ dim: {s} dim: {s} }} dilation: {{ dim: 1 dim: 1 }} group: 1 base_axis: 1 }}")
        return f"{tag}{i}", h, w
    var("x", "Buffer", [-1, 1, 28, 28])
    if with_loss:
        var("y", "Buffer", [-1, 1])
    c, h, w, cur = 1, 28, 28, "x"
    for i, layer in enumerate(list(layers) + [("fc", 10)]):
        t = layer[0]
        if t == "conv":
            _, o, k, s, p = layer
            cur, h, w = conv(i, cur, o, c, k, s, p, h, w)
            c = o
        elif t == "dw":
            _, k, s, p = layer
            var(f"dw{i}/W", "Parameter", [c, k, k], ("NormalConvolutionGlorot", 1.0))
            var(f"dw{i}/b", "Parameter", [c], ("Constant", 0.0))
            h, w = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
            var(f"dw{i}", "Buffer", [-1, c, h, w])
            fn(f"dw{i}", "DepthwiseConvolution", [cur, f"dw{i}/W", f"dw{i}/b"], f"dw{i}",
               f"depthwise_convolution_param {{ pad: {{ dim: {p} dim: {p} }} stride: {{ dim: {s} dim: {s} }} dilation: {{ dim: 1 dim: 1 }} multiplier: 1 base_axis: 1 }}")
            cur = f"dw{i}"
        elif t in ("pool", "avg"):
            k = layer[1]
            h, w = h // k, w // k
            var(f"p{i}", "Buffer", [-1, c, h, w])
            kind, param = ("MaxPooling", "max_pooling_param") if t == "pool" else ("AveragePooling", "average_pooling_param")
            extra = "" if t == "pool" else " including_pad: true"
            fn(f"pool{i}", kind, [cur], f"p{i}",
               f"{param} {{ kernel: {{ dim: {k} dim: {k} }} stride: {{ dim: {k} dim: {k} }} ignore_border: true pad: {{ dim: 0 dim: 0 }}{extra} }}")
            cur = f"p{i}"
        elif t in ("relu", "tanh", "sigmoid"):
            shape = [-1, c, h, w] if h > 1 or w > 1 or c != 1 else [-1, c]
            shape = [-1, c, h, w] if (h, w) != (1, 1) else [-1, c]
            var(f"r{i}", "Buffer", shape)
            fn(f"act{i}", {"relu": "ReLU", "tanh": "Tanh", "sigmoid": "Sigmoid"}[t], [cur], f"r{i}")
            cur = f"r{i}"
        elif t == "bn":
            shape = [-1, c, h, w] if (h, w) != (1, 1) else [-1, c]
            pshape = [1, c, 1, 1] if len(shape) == 4 else [1, c]
            for p, v in (("beta", 0.0), ("gamma", 1.0), ("mean", 0.0), ("var", 1.0)):
                var(f"bn{i}/{p}", "Parameter", pshape, ("Constant", v))
            var(f"bn{i}", "Buffer", shape)
            fn(f"bn{i}", "BatchNormalization", [cur] + [f"bn{i}/{p}" for p in ("beta", "gamma", "mean", "var")], f"bn{i}",
               f"batch_normalization_param {{ axes: 1 decay_rate: 0.9 eps: 0.0001 batch_stat: {'true' if with_loss else 'false'} }}")
            cur = f"bn{i}"
        elif t == "res":
            branch, _, _ = conv(i, cur, c, c, 3, 1, 1, h, w, tag="res")
            var(f"rr{i}", "Buffer", [-1, c, h, w])
            fn(f"resrelu{i}", "ReLU", [branch], f"rr{i}")
            var(f"add{i}", "Buffer", [-1, c, h, w])
            fn(f"add{i}", "Add2", [cur, f"rr{i}"], f"add{i}")
            cur = f"add{i}"
        else:
            o = layer[1]
            var(f"fc{i}/W", "Parameter", [c * h * w, o], ("NormalAffineGlorot", 1.0))
            var(f"fc{i}/b", "Parameter", [o], ("Constant", 0.0))
            var(f"a{i}", "Buffer", [-1, o])
            fn(f"fc{i}", "Affine", [cur, f"fc{i}/W", f"fc{i}/b"], f"a{i}", "affine_param { base_axis: 1 }")
            cur, c, h, w = f"a{i}", o, 1, 1
    if with_loss:
        var("loss", "Buffer", [-1, 1])
        fn("ce", "SoftmaxCrossEntropy", [cur, "y"], "loss", "softmax_cross_entropy_param { axis: 1 }")
    text, params = block.text(name)
    return text, cur, params

def nntxt(layers):
    return variants_nntxt(layers, network)

if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "networks")
    os.makedirs(out, exist_ok=True)
    for name, layers in NETWORKS.items():
        with open(os.path.join(out, name + ".nntxt"), "w") as f:
            f.write(nntxt(layers))
        print(name)
