#!/bin/sh
# Structure search from the LeNet example on the bundled digits: 20 minutes of candidates (8 epochs
# each), cycles predicted by the Cortex-M4F cost model, then every network of best/ scored on the
# test split in int8 (the Swift int8 reference the C equals byte for byte).
# Writes build/ here. CONFIG=debug uses a debug build (much slower training).
set -eu
cd "$(dirname "$0")"
. ../train-setup.sh
set -x
"$BIN/nncompile" search ../train-lenet/net.nntxt --data ../digits/train.csv --valid ../digits/valid.csv \
  --target cortex-m4f --epochs 8 --trials 200 --time-limit 12m --seed 1 -o build/search
for f in build/search/best/*.nnp; do
  "$BIN/example-score" classify "$f" --calibrate ../digits/train.csv ../digits/test.csv
done
