"""nnabla's CPU training speed for the LeNet of Tests/Fixtures/nnabla/train_lenet/net.nntxt.

Same network (conv 16@5x5, maxpool 2, relu, conv 16@5x5, maxpool 2, relu, affine 50, relu,
affine 10, softmax cross entropy), batch 64, the digits fixture, Adam with nnabla's defaults.
Usage: python bench/nnabla_lenet_train.py [steps]   (run from the repository root)
"""
import os
import sys
import time

import numpy as np
import nnabla as nn
import nnabla.functions as F
import nnabla.parametric_functions as PF
import nnabla.solvers as S

steps = int(sys.argv[1]) if len(sys.argv) > 1 else 30
root = os.path.join(os.path.dirname(__file__), "..", "Tests", "Fixtures", "nnabla", "digits_lenet")
images = np.fromfile(os.path.join(root, "test_inputs.bin"), dtype=np.float32).reshape(-1, 1, 28, 28)
labels = np.fromfile(os.path.join(root, "test_labels.bin"), dtype=np.uint8).astype(np.float32).reshape(-1, 1)
batch = 64

x = nn.Variable((batch, 1, 28, 28))
t = nn.Variable((batch, 1))
h = F.relu(F.max_pooling(PF.convolution(x, 16, (5, 5), name="conv1"), (2, 2)))
h = F.relu(F.max_pooling(PF.convolution(h, 16, (5, 5), name="conv2"), (2, 2)))
h = F.relu(PF.affine(h, 50, name="fc3"))
y = PF.affine(h, 10, name="fc4")
loss = F.mean(F.softmax_cross_entropy(y, t))
solver = S.Adam()
solver.set_parameters(nn.get_parameters())

def feed(step):
    rows = [(step * batch + i) % len(labels) for i in range(batch)]
    x.d = images[rows]
    t.d = labels[rows]

def train_step(step):
    feed(step)
    loss.forward(clear_no_need_grad=True)
    solver.zero_grad()
    loss.backward(clear_buffer=True)
    solver.update()

train_step(0)  # warm-up
start = time.perf_counter()
for s in range(steps):
    train_step(s)
seconds = time.perf_counter() - start
print("nnabla %s LeNet training: %d steps of batch %d in %.3f s = %.1f images/s (last loss %.4f)"
      % (nn.__version__, steps, batch, seconds, steps * batch / seconds, float(loss.d)))
