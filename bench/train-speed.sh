#!/usr/bin/env bash
# Training speed, nncompile's Swift trainer next to nnabla's CPU training of the same LeNet (batch
# 64, 28×28 digits from Tests/Fixtures/nnabla/digits_lenet, Adam): images/second, `runs` times each.
# Usage: bench/train-speed.sh [steps] [runs]   (defaults 30 and 3)
# nnabla comes from the venv /tmp/venv-nnabla (or $NNABLA_PYTHON); without it only nncompile runs.
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-30}
runs=${2:-3}
python=${NNABLA_PYTHON:-/tmp/venv-nnabla/bin/python}
swift build -c release --product nncompile-train-bench >/dev/null
for _ in $(seq "$runs"); do
  .build/release/nncompile-train-bench "$steps" "$PWD"
  if [ -x "$python" ]; then
    "$python" bench/nnabla_lenet_train.py "$steps" 2>&1 | grep -v '\[nnabla\]\[INFO\]'
  fi
done
