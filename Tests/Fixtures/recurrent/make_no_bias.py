"""nnabla goldens for LSTM / GRU / RNN without a bias input and with batch 2 (T 4, B 2, I 3, H 5).

The inputs are formulas the Swift test recomputes (so only nnabla's outputs are stored):
x[k] = sin(0.7 k), h[k] = 0.5 cos(0.9 k), c[k] = 0.4 sin(1.1 k + 0.3),
weight_l0[k] = 0.35 cos(1.3 k + 0.2), weight[k] = 0.3 sin(0.8 k + 0.5) (flat row-major index k).
Writes no_bias.bin: for each case in CASES order, every output of nnabla's function, float32 LE.
Run: /tmp/venv-nnabla/bin/python Tests/Fixtures/recurrent/make_no_bias.py
"""
import os
import numpy as np
import nnabla as nn
import nnabla.functions as F

T, B, I, H = 4, 2, 3, 5
CASES = [("LSTM", 1, False), ("LSTM", 2, True), ("GRU", 2, False), ("RNN", 1, True)]


def formula(shape, f):
    k = np.arange(int(np.prod(shape)), dtype=np.float64)
    return f(k).astype(np.float32).reshape(shape)


def run(kind, L, bidir):
    D = 2 if bidir else 1
    gates = {"LSTM": [4], "GRU": [3], "RNN": []}[kind]
    x = nn.Variable.from_numpy_array(formula((T, B, I), lambda k: np.sin(0.7 * k)))
    h = nn.Variable.from_numpy_array(formula((L, D, B, H), lambda k: 0.5 * np.cos(0.9 * k)))
    c = nn.Variable.from_numpy_array(formula((L, D, B, H), lambda k: 0.4 * np.sin(1.1 * k + 0.3)))
    w0 = nn.Variable.from_numpy_array(formula([D] + gates + [H, I + H], lambda k: 0.35 * np.cos(1.3 * k + 0.2)))
    w = None
    if L > 1:
        w = nn.Variable.from_numpy_array(formula([L - 1, D] + gates + [H, D * H + H], lambda k: 0.3 * np.sin(0.8 * k + 0.5)))
    if kind == "LSTM":
        outs = F.lstm(x, h, c, w0, w, None, num_layers=L, bidirectional=bidir, training=False)
    elif kind == "GRU":
        outs = F.gru(x, h, w0, w, None, num_layers=L, bidirectional=bidir, training=False)
    else:
        outs = F.rnn(x, h, w0, w, None, num_layers=L, nonlinearity="tanh", bidirectional=bidir, training=False)
    F.sink(*outs).forward()
    return [o.d.astype("<f4") for o in outs]


here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "no_bias.bin"), "wb") as f:
    for case in CASES:
        for o in run(*case):
            f.write(o.tobytes())
