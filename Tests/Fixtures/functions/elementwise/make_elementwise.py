"""nnabla's outputs for ElementwiseFunctionTests: one input set, every element-wise function of
Sources/NNFunctions/{Activations,Math} on it, written to elementwise.json.

Run: /tmp/venv-nnabla/bin/python Tests/Fixtures/functions/elementwise/make_elementwise.py
(nnabla 1.39). Each case names its nnabla function, its `<snake>_param` text (as the .nntxt the
test writes carries it) and its inputs: x in [-3, 3] with exact 0, halves and ±2.5 (Round's
ties, Sign's alpha, Sinc at 0, HardSigmoid's corners), u in (-0.9, 0.9), p in (1.1, 4)
(domains of ASin/ACos/ATanh/Tan and Log/ACosh/PowScalar), and parameters slope1, slopeC, e, s1.
"""
import json
import os

import numpy as np
import nnabla as nn
import nnabla.functions as F

rng = np.random.RandomState(12)
shape = (1, 3, 8)
x = rng.uniform(-3, 3, shape).astype(np.float32)
x.flat[:8] = [0.0, 0.5, -0.5, 1.5, -2.5, 2.5, 1.0, -1.0]
u = rng.uniform(-0.9, 0.9, shape).astype(np.float32)
p = rng.uniform(1.1, 4, shape).astype(np.float32)
params = {
    "slope1": rng.uniform(0.05, 0.4, (1,)).astype(np.float32),
    "slopeC": np.array([0.25, -0.5, 1.5], np.float32),
    "e": rng.uniform(-2, 2, (1, 1, 8)).astype(np.float32),
    "s1": np.array([0.25], np.float32).reshape(1, 1, 1),
}
data = {"x": x, "u": u, "p": p, **params}

# (name, type, param text, inputs, nnabla call)
cases = [
    ("hard_sigmoid", "HardSigmoid", "", ["x"], lambda v: F.hard_sigmoid(v[0])),
    ("hard_tanh", "HardTanh", "", ["x"], lambda v: F.hard_tanh(v[0])),
    ("softplus", "SoftPlus", "softplus_param { beta: 1.5 }", ["x"], lambda v: F.softplus(v[0], beta=1.5)),
    ("softsign", "SoftSign", "", ["x"], lambda v: F.softsign(v[0])),
    ("gelu", "GELU", "", ["x"], lambda v: F.gelu(v[0])),
    ("mish", "Mish", "", ["x"], lambda v: F.mish(v[0])),
    ("log_sigmoid", "LogSigmoid", "", ["x"], lambda v: F.log_sigmoid(v[0])),
    ("tanh_shrink", "TanhShrink", "", ["x"], lambda v: F.tanh_shrink(v[0])),
    ("sinc", "Sinc", "", ["x"], lambda v: F.sinc(v[0])),
    ("binary_sigmoid", "BinarySigmoid", "", ["x"], lambda v: F.binary_sigmoid(v[0])),
    ("binary_tanh", "BinaryTanh", "", ["x"], lambda v: F.binary_tanh(v[0])),
    ("abs", "Abs", "", ["x"], lambda v: F.abs(v[0])),
    ("round", "Round", "", ["x"], lambda v: F.round(v[0])),
    ("ceil", "Ceil", "", ["x"], lambda v: F.ceil(v[0])),
    ("floor", "Floor", "", ["x"], lambda v: F.floor(v[0])),
    ("sign", "Sign", "sign_param { alpha: 0.5 }", ["x"], lambda v: F.sign(v[0], alpha=0.5)),
    ("sin", "Sin", "", ["x"], lambda v: F.sin(v[0])),
    ("cos", "Cos", "", ["x"], lambda v: F.cos(v[0])),
    ("tan", "Tan", "", ["u"], lambda v: F.tan(v[0])),
    ("sinh", "Sinh", "", ["x"], lambda v: F.sinh(v[0])),
    ("cosh", "Cosh", "", ["x"], lambda v: F.cosh(v[0])),
    ("asin", "ASin", "", ["u"], lambda v: F.asin(v[0])),
    ("acos", "ACos", "", ["u"], lambda v: F.acos(v[0])),
    ("atan", "ATan", "", ["x"], lambda v: F.atan(v[0])),
    ("asinh", "ASinh", "", ["x"], lambda v: F.asinh(v[0])),
    ("acosh", "ACosh", "", ["p"], lambda v: F.acosh(v[0])),
    ("atanh", "ATanh", "", ["u"], lambda v: F.atanh(v[0])),
    ("erf", "Erf", "", ["x"], lambda v: F.erf(v[0])),
    ("log", "Log", "", ["p"], lambda v: F.log(v[0])),
    ("pow_scalar", "PowScalar", "pow_scalar_param { val: 2.5 }", ["p"], lambda v: F.pow_scalar(v[0], 2.5)),
    ("pow_scalar_sqrt", "PowScalar", "pow_scalar_param { val: 0.5 }", ["p"], lambda v: F.pow_scalar(v[0], 0.5)),
    ("r_sub_scalar", "RSubScalar", "r_sub_scalar_param { val: 2.5 }", ["x"], lambda v: F.r_sub_scalar(v[0], 2.5)),
    ("r_div_scalar", "RDivScalar", "r_div_scalar_param { val: 1.5 }", ["p"], lambda v: F.r_div_scalar(v[0], 1.5)),
    ("r_pow_scalar", "RPowScalar", "r_pow_scalar_param { val: 1.7 }", ["x"], lambda v: F.r_pow_scalar(v[0], 1.7)),
    ("minimum_scalar", "MinimumScalar", "minimum_scalar_param { val: 0.3 }", ["x"], lambda v: F.minimum_scalar(v[0], 0.3)),
    ("maximum_scalar", "MaximumScalar", "maximum_scalar_param { val: -0.2 }", ["x"], lambda v: F.maximum_scalar(v[0], -0.2)),
    ("reset_nan", "ResetNaN", "reset_nan_param { val: 1 }", ["x"], lambda v: F.reset_nan(v[0], 1)),
    ("reset_inf", "ResetInf", "reset_inf_param { val: 1 }", ["x"], lambda v: F.reset_inf(v[0], 1)),
    ("prelu_shared", "PReLU", "prelu_param { base_axis: 1 }", ["x", "slope1"], lambda v: F.prelu(v[0], v[1], base_axis=1)),
    ("prelu_channel", "PReLU", "prelu_param { base_axis: 1 }", ["x", "slopeC"], lambda v: F.prelu(v[0], v[1], base_axis=1)),
    ("prelu_negative_axis", "PReLU", "prelu_param { base_axis: -2 }", ["x", "slopeC"], lambda v: F.prelu(v[0], v[1], base_axis=-2)),
    ("celu", "CELU", "celu_param { alpha: 1.2 axis: 1 }", ["x"], lambda v: F.celu(v[0], alpha=1.2, axis=1)),
    ("crelu", "CReLU", "crelu_param { axis: 2 }", ["x"], lambda v: F.crelu(v[0], axis=2)),
    ("log_softmax", "LogSoftmax", "log_softmax_param { axis: 1 }", ["x"], lambda v: F.log_softmax(v[0], axis=1)),
    ("log_softmax_last", "LogSoftmax", "log_softmax_param { axis: -1 }", ["x"], lambda v: F.log_softmax(v[0], axis=-1)),
    ("pow2", "Pow2", "", ["p", "e"], lambda v: F.pow2(v[0], v[1])),
    ("maximum2", "Maximum2", "", ["x", "u"], lambda v: F.maximum2(v[0], v[1])),
    ("minimum2", "Minimum2", "", ["x", "u"], lambda v: F.minimum2(v[0], v[1])),
    ("maximum2_wider_second", "Maximum2", "", ["u", "x"], lambda v: F.maximum2(v[0], v[1])),
    ("minimum2_wider_second", "Minimum2", "", ["u", "x"], lambda v: F.minimum2(v[0], v[1])),
    ("maximum2_constant", "Maximum2", "", ["x", "s1"], lambda v: F.maximum2(v[0], v[1])),
    ("minimum2_constant", "Minimum2", "", ["x", "s1"], lambda v: F.minimum2(v[0], v[1])),
]

out = {"shape": list(shape), "data": {k: v.ravel().tolist() for k, v in data.items()},
       "dataShapes": {k: list(v.shape) for k, v in data.items()}, "cases": []}
for name, type_, param, inputs, call in cases:
    vs = [nn.Variable.from_numpy_array(data[i]) for i in inputs]
    y = call(vs)
    y.forward()
    out["cases"].append({"name": name, "type": type_, "param": param, "inputs": inputs,
                         "shape": list(y.d.shape), "output": y.d.ravel().astype(float).tolist()})

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "elementwise.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
print("wrote", path, len(cases), "cases")
