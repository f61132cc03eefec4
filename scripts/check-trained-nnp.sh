#!/bin/sh
# Trains the hand-written MLP (Tests/Fixtures/train/mlp.nntxt) with `nncompile train`, runs the
# written .nnp in the real nnabla on test digits, and stores model, inputs and nnabla's outputs
# as fixtures; then TrainCommandTests compares our interpreter with nnabla's outputs (≤ 1e-5 of
# the output range), which CI does without Python.
#
#   scripts/check-trained-nnp.sh            (after `swift build`; needs the nnabla venv, see
#                                            scripts/nnabla-roundtrip.py)
set -eu
cd "$(dirname "$0")/.."
PY=${NNABLA_PYTHON:-/tmp/venv-nnabla/bin/python}
NNCOMPILE=${NNCOMPILE:-.build/debug/nncompile}
F=Tests/Fixtures/train
"$NNCOMPILE" train $F/mlp.nntxt --data examples/digits/train.csv --valid examples/digits/valid.csv \
  --epochs 2 --seed 7 --force -o $F/mlp.trained.nnp  # --force: the committed fixture predates the .nnp marker
"$PY" scripts/nnabla-roundtrip.py --dataset-inputs examples/digits/test.csv 16 $F/mlp.inputs.bin
"$PY" scripts/nnabla-roundtrip.py $F/mlp.trained.nnp $F/mlp.inputs.bin $F/mlp.trained.nnabla.bin
swift test --filter TrainCommandTests/trainedFixture
