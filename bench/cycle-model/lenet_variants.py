#!/usr/bin/env python3
"""Writes LeNet-like .nntxt variants of examples/train-lenet/net.nntxt (28x28 digits, 10 classes)
for the cycle-model fit: conv widths, kernel sizes, strides, padding, pooling or not, hidden
affine widths. Usage: lenet_variants.py OUTDIR  (prints the variant names)."""
import os, sys

# name: list of layers. ("conv", out, k, stride, pad, pool) / ("fc", out) ; the last fc is 10.
VARIANTS = {
    "v_c8k5_c16k5_fc50":  [("conv", 8, 5, 1, 0, 2), ("conv", 16, 5, 1, 0, 2), ("fc", 50)],
    "v_c4k3_c8k3_fc32":   [("conv", 4, 3, 1, 0, 2), ("conv", 8, 3, 1, 0, 2), ("fc", 32)],
    "v_c16k3p1_c32k3p1":  [("conv", 16, 3, 1, 1, 2), ("conv", 32, 3, 1, 1, 2)],
    "v_c8k3s2_c16k3s2":   [("conv", 8, 3, 2, 0, 0), ("conv", 16, 3, 2, 0, 0), ("fc", 64)],
    "v_c6k5_c12k5_fc20":  [("conv", 6, 5, 1, 0, 2), ("conv", 12, 5, 1, 0, 2), ("fc", 20)],
    "v_c8k5_fc64":        [("conv", 8, 5, 1, 0, 2), ("fc", 64)],
    "v_c12k3_c24k3_c24k1": [("conv", 12, 3, 1, 0, 2), ("conv", 24, 3, 1, 0, 2), ("conv", 24, 1, 1, 0, 0), ("fc", 40)],
    "v_c16k5s2_c16k3":    [("conv", 16, 5, 2, 2, 0), ("conv", 16, 3, 1, 1, 2), ("fc", 50)],
    "v_c4k7_c8k5":        [("conv", 4, 7, 1, 0, 2), ("conv", 8, 5, 1, 0, 0), ("fc", 32)],
    "v_mlp_128":          [("fc", 128), ("fc", 64)],
    "v_c32k3_c32k3_fc100": [("conv", 32, 3, 1, 0, 2), ("conv", 32, 3, 1, 0, 2), ("fc", 100)],
    "v_c8k3_pool3":       [("conv", 8, 3, 1, 1, 3), ("conv", 16, 3, 1, 1, 3), ("fc", 30)],
    "v_c8k3_c16k1_c16k3": [("conv", 8, 3, 1, 0, 2), ("conv", 16, 1, 1, 0, 0), ("conv", 16, 3, 1, 0, 2), ("fc", 32)],
    "v_c16k5_c6k1_fc50":  [("conv", 16, 5, 1, 0, 2), ("conv", 6, 1, 1, 0, 0), ("fc", 50)],
}

def dims(shape):
    return " ".join(f"dim: {d}" for d in shape)

class Block:
    """The variables and functions of one network block, in the order they are added."""
    def __init__(self):
        self.vars, self.funcs = [], []

    def var(self, n, kind, shape, init=None):
        s = f'  variable {{\n    name: "{n}"\n    type: "{kind}"\n    shape: {{ {dims(shape)} }}\n'
        if init:
            s += f'    initializer {{\n      type: "{init[0]}"\n      multiplier: {init[1]}\n    }}\n'
        self.vars.append(s + "  }\n")

    def fn(self, n, t, ins, out, param=""):
        s = f'  function {{\n    name: "{n}"\n    type: "{t}"\n' + "".join(f'    input: "{i}"\n' for i in ins)
        s += f'    output: "{out}"\n' + (f"    {param}\n" if param else "") + "  }\n"
        self.funcs.append(s)

    def text(self, name):
        """(the network block, its parameter names)"""
        params = [v.split('"')[1] for v in self.vars if '"Parameter"' in v]
        return f'network {{\n  name: "{name}"\n  batch_size: 64\n' + "".join(self.vars) + "".join(self.funcs) + "}\n", params

def network(name, layers, with_loss):
    block = Block()
    var, fn = block.var, block.fn
    var("x", "Buffer", [-1, 1, 28, 28])
    if with_loss:
        var("y", "Buffer", [-1, 1])
    c, h, w, cur = 1, 28, 28, "x"
    flat = None
    all_layers = list(layers) + [("fc", 10)]
    for i, layer in enumerate(all_layers):
        last = i == len(all_layers) - 1
        if layer[0] == "conv":
            _, o, k, s, p, pool = layer
            var(f"conv{i}/W", "Parameter", [o, c, k, k], ("NormalConvolutionGlorot", 1.0))
            var(f"conv{i}/b", "Parameter", [o], ("Constant", 0.0))
            h, w = (h + 2 * p - k) // s + 1, (w + 2 * p - k) // s + 1
            var(f"c{i}", "Buffer", [-1, o, h, w])
            fn(f"conv{i}", "Convolution", [cur, f"conv{i}/W", f"conv{i}/b"], f"c{i}",
               f"convolution_param {{ pad: {{ dim: {p} dim: {p} }} stride: {{ dim: {s} dim: {s} }} dilation: {{ dim: 1 dim: 1 }} group: 1 base_axis: 1 }}")
            cur, c = f"c{i}", o
            if pool:
                h, w = h // pool, w // pool
                var(f"p{i}", "Buffer", [-1, o, h, w])
                fn(f"pool{i}", "MaxPooling", [cur], f"p{i}",
                   f"max_pooling_param {{ kernel: {{ dim: {pool} dim: {pool} }} stride: {{ dim: {pool} dim: {pool} }} ignore_border: true pad: {{ dim: 0 dim: 0 }} }}")
                cur = f"p{i}"
            var(f"r{i}", "Buffer", [-1, o, h, w])
            fn(f"relu{i}", "ReLU", [cur], f"r{i}")
            cur = f"r{i}"
        else:
            o = layer[1]
            n_in = c * h * w
            var(f"fc{i}/W", "Parameter", [n_in, o], ("NormalAffineGlorot", 1.0))
            var(f"fc{i}/b", "Parameter", [o], ("Constant", 0.0))
            var(f"a{i}", "Buffer", [-1, o])
            fn(f"fc{i}", "Affine", [cur, f"fc{i}/W", f"fc{i}/b"], f"a{i}", "affine_param { base_axis: 1 }")
            cur, c, h, w = f"a{i}", o, 1, 1
            if not last:
                var(f"r{i}", "Buffer", [-1, o])
                fn(f"relu{i}", "ReLU", [cur], f"r{i}")
                cur = f"r{i}"
    if with_loss:
        var("loss", "Buffer", [-1, 1])
        fn("ce", "SoftmaxCrossEntropy", [cur, "y"], "loss", "softmax_cross_entropy_param { axis: 1 }")
    text, params = block.text(name)
    return text, cur, params

def nntxt(layers, network=network):
    """A trainable .nntxt of `layers`: Main (with the loss), MainRuntime and its executor, one
    epoch; `network` writes one network block (small_networks.py passes its own)."""
    main, _, _ = network("Main", layers, True)
    runtime, out, params = network("MainRuntime", layers, False)
    ex = ('executor {\n  name: "Executor"\n  network_name: "MainRuntime"\n  num_evaluations: 1\n'
          '  repeat_evaluation_type: "mean"\n  need_back_propagation: false\n'
          '  data_variable {\n    variable_name: "x"\n    data_name: "x"\n  }\n'
          f'  output_variable {{\n    variable_name: "{out}"\n    data_name: "y\'"\n  }}\n'
          + "".join(f'  parameter_variable {{\n    variable_name: "{p}"\n  }}\n' for p in params) + "}\n")
    return "training_config {\n  max_epoch: 1\n}\n" + main + runtime + ex

if __name__ == "__main__":
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, layers in VARIANTS.items():
        with open(os.path.join(out, name + ".nntxt"), "w") as f:
            f.write(nntxt(layers))
        print(name)
