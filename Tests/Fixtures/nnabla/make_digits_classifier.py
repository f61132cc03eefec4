#!/usr/bin/env python3
"""Trains the digit classifier fixture for the int8 accuracy tests with the real nnabla.

Exact command (from the repository root; nnabla needs Python <= 3.10):

    /root/.pyenv/versions/3.10.13/bin/python -m venv /tmp/venv-nnabla
    /tmp/venv-nnabla/bin/pip install nnabla nnabla-converter numpy scikit-learn h5py
    /tmp/venv-nnabla/bin/python Tests/Fixtures/nnabla/make_digits_classifier.py

Tested with nnabla 1.39.0, numpy 1.26.4, scikit-learn 1.7.2, h5py 3.16.0 (CPU context).

What it does (fully seeded, SEED below):
  1. scikit-learn's bundled 8x8 UCI digits (1797 samples, no download), each turned into a 28x28
     float32 image in [0, 1] exactly as the lenet28 fixture: values 0..16 / 16, upscaled x3
     (nearest) to 24x24, zero-padded by 2 on every side.
  2. A stratified, seeded split: 400 held-out test samples (never used for training or
     calibration), the other 1397 for training; the 100 calibration samples (10 per class) are a
     stratified, seeded subset of the TRAIN split.
  3. Trains with nnabla (Adam, batch 32, EPOCHS epochs) a LeNet:
       Conv 16@5x5 -> ReLU -> MaxPool 2 -> Conv 32@5x5 -> BatchNormalization -> ReLU -> MaxPool 2
       -> Affine 64 -> ReLU -> Affine 10 (-> Softmax in the runtime network).
  4. Saves digits_lenet/model.nnp with nnabla.utils.save.save: network "net" (batch 1, saved with
     a variable batch dimension -1), executor "runtime", data variable "x" (1x1x28x28), output "y"
     (1x10 softmax probabilities), BatchNormalization in inference mode (batch_stat=False),
     parameters in nnabla's default parameter.h5. The only change made to nnabla's file is that
     the zip entries' timestamps are set to 1980-01-01 so that re-running the script gives a
     byte-identical model.nnp (the entries' bytes, order and compression are nnabla's).
  5. Loads the SAVED model.nnp back with nnabla.utils.nnp_graph.NnpLoader (after clearing every
     parameter in memory) and runs the 400 test inputs through it one at a time (batch 1); those
     outputs are test_outputs.bin and the accuracy in meta.json is measured from them.

Files written to Tests/Fixtures/nnabla/digits_lenet/ (all little-endian, no headers):
  model.nnp          the network and trained parameters
  calibration.bin    100 x 1 x 28 x 28 float32 (NCHW), from the train split
  test_inputs.bin    400 x 1 x 28 x 28 float32 (NCHW), held out
  test_labels.bin    400 x uint8, the true digit of each test input
  test_outputs.bin   400 x 10 float32, nnabla's softmax output for each test input (batch 1)
  meta.json          shapes, names, split sizes and indices, seed, epochs, accuracy, versions
"""
import io
import json
import os
import zipfile

import numpy as np
import nnabla as nn
import nnabla.functions as F
import nnabla.parametric_functions as PF
import nnabla.solvers as S
from nnabla.utils.save import save
from nnabla.utils.nnp_graph import NnpLoader
import sklearn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

SEED = 20240531
EPOCHS = 30
BATCH = 32
LEARNING_RATE = 1e-3
N_TEST = 400
N_CALIBRATION = 100

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "digits_lenet")


def to_28x28(images8):
    """(N, 8, 8) values 0..16 -> (N, 1, 28, 28) float32 in [0, 1], as the lenet28 fixture."""
    x = images8.astype(np.float32) / np.float32(16.0)
    x = np.repeat(np.repeat(x, 3, axis=1), 3, axis=2)  # nearest-neighbour x3 -> 24x24
    x = np.pad(x, ((0, 0), (2, 2), (2, 2)), mode="constant")  # -> 28x28
    return np.ascontiguousarray(x[:, None, :, :], dtype=np.float32)


def lenet(x, train):
    """Logits. Parameter names: conv1/conv/{W,b}, conv2/conv/{W,b}, bn2/bn/{beta,gamma,mean,var},
    fc1/affine/{W,b}, fc2/affine/{W,b}."""
    with nn.parameter_scope("conv1"):
        h = PF.convolution(x, 16, (5, 5))  # 16 x 24 x 24
    h = F.relu(h)
    h = F.max_pooling(h, (2, 2))  # 16 x 12 x 12
    with nn.parameter_scope("conv2"):
        h = PF.convolution(h, 32, (5, 5))  # 32 x 8 x 8
    with nn.parameter_scope("bn2"):
        h = PF.batch_normalization(h, batch_stat=train)
    h = F.relu(h)
    h = F.max_pooling(h, (2, 2))  # 32 x 4 x 4
    with nn.parameter_scope("fc1"):
        h = PF.affine(h, 64)
    h = F.relu(h)
    with nn.parameter_scope("fc2"):
        h = PF.affine(h, 10)
    return h


def normalize_zip_times(path):
    """Rewrites the zip with every entry's timestamp set to 1980-01-01 00:00:00 (bytes, order and
    compression of each entry unchanged) so the file is reproducible byte for byte."""
    with zipfile.ZipFile(path, "r") as zin:
        entries = [(info, zin.read(info.filename)) for info in zin.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zout:
        for info, data in entries:
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = info.compress_type
            fixed.external_attr = info.external_attr
            fixed.create_system = info.create_system
            zout.writestr(fixed, data)
    with open(path, "wb") as f:
        f.write(buf.getvalue())


def main():
    os.makedirs(OUT, exist_ok=True)
    np.random.seed(SEED)
    nn.random.seed(SEED)  # parameter initializers and stochastic functions

    # 1. data
    digits = load_digits()
    images = to_28x28(digits.images)
    labels = digits.target.astype(np.uint8)
    indices = np.arange(len(labels))

    # 2. splits: test (held out), train; calibration is a subset of train
    train_idx, test_idx = train_test_split(
        indices, test_size=N_TEST, stratify=labels, random_state=SEED, shuffle=True)
    calib_idx, _ = train_test_split(
        train_idx, train_size=N_CALIBRATION, stratify=labels[train_idx], random_state=SEED + 1,
        shuffle=True)
    assert len(set(test_idx) & set(train_idx)) == 0
    assert set(calib_idx) <= set(train_idx)
    x_train, y_train = images[train_idx], labels[train_idx]
    x_test, y_test = images[test_idx], labels[test_idx]
    x_calib = images[calib_idx]

    # 3. training
    nn.clear_parameters()
    x = nn.Variable((BATCH, 1, 28, 28))
    t = nn.Variable((BATCH, 1))
    loss = F.mean(F.softmax_cross_entropy(lenet(x, train=True), t))
    solver = S.Adam(alpha=LEARNING_RATE)
    solver.set_parameters(nn.get_parameters())  # grad_only: BN mean/var are not solver state

    xe = nn.Variable((N_TEST, 1, 28, 28))
    logits_eval = lenet(xe, train=False)

    def test_accuracy():
        xe.d = x_test
        logits_eval.forward(clear_buffer=True)
        return float(np.mean(np.argmax(logits_eval.d, axis=1) == y_test))

    shuffler = np.random.RandomState(SEED + 2)
    per_epoch = len(x_train) // BATCH  # the remainder of each shuffled epoch is dropped
    for epoch in range(EPOCHS):
        order = shuffler.permutation(len(x_train))
        total = 0.0
        for i in range(per_epoch):
            b = order[i * BATCH:(i + 1) * BATCH]
            x.d = x_train[b]
            t.d = y_train[b].reshape(-1, 1)
            loss.forward(clear_no_need_grad=True)
            solver.zero_grad()
            loss.backward(clear_buffer=True)
            solver.update()
            total += float(loss.d)
        print(f"epoch {epoch + 1:2d}  loss {total / per_epoch:.4f}  test acc {test_accuracy():.4f}")
    in_memory_accuracy = test_accuracy()

    # 4. runtime network, batch 1, BN in inference mode, softmax output; save
    xr = nn.Variable((1, 1, 28, 28))
    yr = F.softmax(lenet(xr, train=False))
    model_path = os.path.join(OUT, "model.nnp")
    contents = {
        "networks": [{"name": "net", "batch_size": 1,
                      "outputs": {"y": yr}, "names": {"x": xr}}],
        "executors": [{"name": "runtime", "network": "net",
                       "data": ["x"], "output": ["y"]}],
    }
    save(model_path, contents)
    normalize_zip_times(model_path)
    param_names = sorted(nn.get_parameters(grad_only=False).keys())

    # 5. load the saved file back and run every test input through it at batch 1
    nn.clear_parameters()
    loader = NnpLoader(model_path)
    net = loader.get_network("net", batch_size=1)
    lx, ly = net.inputs["x"], net.outputs["y"]
    assert tuple(lx.shape) == (1, 1, 28, 28) and tuple(ly.shape) == (1, 10)
    outputs = np.zeros((N_TEST, 10), dtype=np.float32)
    for i in range(N_TEST):
        lx.d = x_test[i:i + 1]
        ly.forward(clear_buffer=True)
        outputs[i] = ly.d.reshape(10)
    predictions = np.argmax(outputs, axis=1)
    correct = int(np.sum(predictions == y_test))
    accuracy = correct / N_TEST
    assert accuracy == in_memory_accuracy, (accuracy, in_memory_accuracy)
    assert accuracy >= 0.97, f"test accuracy {accuracy:.4f} < 0.97; train longer"

    # the calibration samples through the saved model too (reported only)
    calib_correct = 0
    for i in range(N_CALIBRATION):
        lx.d = x_calib[i:i + 1]
        ly.forward(clear_buffer=True)
        calib_correct += int(np.argmax(ly.d) == labels[calib_idx[i]])

    x_test.astype("<f4").tofile(os.path.join(OUT, "test_inputs.bin"))
    y_test.astype(np.uint8).tofile(os.path.join(OUT, "test_labels.bin"))
    outputs.astype("<f4").tofile(os.path.join(OUT, "test_outputs.bin"))
    x_calib.astype("<f4").tofile(os.path.join(OUT, "calibration.bin"))

    sorted_probs = np.sort(outputs, axis=1)
    margins = sorted_probs[:, -1] - sorted_probs[:, -2]
    meta = {
        "name": "digits_lenet",
        "purpose": "int8 accuracy tests: float vs int8 top-1 agreement and accuracy drop",
        "network": "net",
        "executor": "runtime",
        "input": "x",
        "output": "y",
        "input_shape": [1, 28, 28],
        "output_shape": [10],
        "output_kind": "softmax probabilities",
        "graph": "Conv 16@5x5, ReLU, MaxPool 2, Conv 32@5x5, BatchNormalization (inference), ReLU, "
                 "MaxPool 2, Affine 64, ReLU, Affine 10, Softmax",
        "parameters": param_names,
        "files": {
            "model.nnp": "nnabla.utils.save.save, parameter.h5 (zip entry times set to 1980-01-01)",
            "calibration.bin": {"dtype": "float32", "shape": [N_CALIBRATION, 1, 28, 28]},
            "test_inputs.bin": {"dtype": "float32", "shape": [N_TEST, 1, 28, 28]},
            "test_labels.bin": {"dtype": "uint8", "shape": [N_TEST]},
            "test_outputs.bin": {"dtype": "float32", "shape": [N_TEST, 10],
                                 "note": "saved model.nnp loaded with NnpLoader, batch 1"},
        },
        "input_note": "sklearn load_digits 8x8 (0..16)/16, upscaled x3 nearest to 24x24, "
                      "zero-padded 2 each side to 28x28, values 0..1, NCHW",
        "dataset": "scikit-learn load_digits (UCI optical digits, 1797 samples)",
        "split": {
            "train": int(len(train_idx)),
            "test": int(len(test_idx)),
            "calibration": int(len(calib_idx)),
            "calibration_from": "train",
            "stratified": True,
            "test_indices": [int(i) for i in test_idx],
            "calibration_indices": [int(i) for i in calib_idx],
            "indices_note": "indices into load_digits() order; file rows follow these lists",
        },
        "training": {
            "seed": SEED,
            "epochs": EPOCHS,
            "batch_size": BATCH,
            "solver": "Adam",
            "learning_rate": LEARNING_RATE,
            "loss": "softmax_cross_entropy on the logits",
        },
        "test_accuracy": accuracy,
        "test_correct": correct,
        "calibration_accuracy": calib_correct / N_CALIBRATION,
        "test_min_top1_margin": float(margins.min()),
        "test_samples_top1_margin_below_0.05": int(np.sum(margins < 0.05)),
        "versions": {
            "nnabla": nn.__version__,
            "numpy": np.__version__,
            "scikit-learn": sklearn.__version__,
        },
    }
    with open(os.path.join(OUT, "meta.json"), "w") as f:
        json.dump(meta, f, indent=1)
        f.write("\n")
    print(f"test accuracy from the saved model (batch 1): {accuracy:.4f} ({correct}/{N_TEST})")
    print(f"calibration accuracy: {calib_correct / N_CALIBRATION:.2f}")


if __name__ == "__main__":
    main()
