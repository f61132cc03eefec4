#!/usr/bin/env bash
# Training speed, nncompile's Swift trainer next to nnabla's CPU training of the same LeNet (batch
# 64, 28×28 digits from Tests/Fixtures/nnabla/digits_lenet, Adam): images/second, `runs` times each,
# the two alternating so that both see the same load; then the min and median of each.
# Usage: bench/train-speed.sh [steps] [runs]   (defaults 30 and 5)
# nnabla comes from the venv /tmp/venv-nnabla (or $NNABLA_PYTHON); without it only nncompile runs.
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${1:-30}
runs=${2:-5}
python=${NNABLA_PYTHON:-/tmp/venv-nnabla/bin/python}
swift build -c release --product nncompile-train-bench >/dev/null
ours=() theirs=()
rate() { sed -n 's/.* = \([0-9.]*\) images\/s.*/\1/p'; }
for _ in $(seq "$runs"); do
  line=$(.build/release/nncompile-train-bench "$steps" "$PWD")
  echo "$line"
  ours+=("$(echo "$line" | rate)")
  if [ -x "$python" ]; then
    line=$("$python" bench/nnabla_lenet_train.py "$steps" 2>&1 | grep -v '\[nnabla\]\[INFO\]')
    echo "$line"
    theirs+=("$(echo "$line" | rate)")
  fi
done
summary() {  # name, rates…: min and median (the middle run, or the mean of the two middle ones)
  local name=$1; shift
  printf '%s\n' "$@" | sort -g | awk -v name="$name" '{ v[NR] = $1 } END {
    m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
    printf "%-9s images/s over %d runs: min %.1f, median %.1f\n", name, NR, v[1], m }'
}
summary nncompile "${ours[@]}"
if [ ${#theirs[@]} -gt 0 ]; then summary nnabla "${theirs[@]}"; fi
