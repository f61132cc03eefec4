#!/bin/sh
# Refits the int8 cycle predictor: writes the LeNet-like variants, trains each for one epoch on
# 128 digits (the weights only need to be plausible: cycles do not depend on them), likewise the
# committed small search-like networks (networks/*.nntxt, written by small_networks.py), emulates
# every model's int8 build one step at a time, fits, and regenerates the coefficient table; then
# the same networks (the MLPerf models aside) built with the reference kernels, whose own kinds
# are fitted on these profiles alone (the optimized coefficients do not move).
# Needs qemu-system-arm and arm-none-eabi-gcc. Usage: bench/cycle-model/run.sh [workdir]
set -eu
cd "$(dirname "$0")/../.."
W=${1:-/tmp/cycle-model}
mkdir -p "$W/variants" "$W/small"
swift build --product nncompile
swift build --product cycle-model
BIN=$(swift build --show-bin-path)
head -1 examples/digits/train.csv > "$W/train.csv"
sed -n "2,129p" examples/digits/train.csv | sed "s|^images/|$PWD/examples/digits/images/|" >> "$W/train.csv"
for v in $(python3 bench/cycle-model/lenet_variants.py "$W/variants"); do
  [ -f "$W/variants/$v.nnp" ] || "$BIN/nncompile" train "$W/variants/$v.nntxt" --data "$W/train.csv" --epochs 1 --seed 1 -o "$W/variants/$v.nnp" >/dev/null
done
for f in bench/cycle-model/networks/*.nntxt; do
  v=$(basename "$f" .nntxt)
  [ -f "$W/small/$v.nnp" ] || "$BIN/nncompile" train "$f" --data "$W/train.csv" --epochs 1 --seed 1 -o "$W/small/$v.nnp" >/dev/null
done
"$BIN/cycle-model" measure --variants "$W/variants" --small "$W/small" -o bench/cycle-model/profiles.json
"$BIN/cycle-model" measure --variants "$W/variants" --small "$W/small" --kernels reference -o bench/cycle-model/profiles-reference.json
"$BIN/cycle-model" fit bench/cycle-model/profiles.json bench/cycle-model/profiles-reference.json --write
