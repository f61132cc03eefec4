#!/bin/sh
# MLP on all ten digits: train → compile int8 for cortex-m4f → verify the C (on an emulated
# Cortex-M4F too when qemu-system-arm and arm-none-eabi-gcc are installed) → score the test split.
# Writes build/ here. CONFIG=debug uses a debug build (slower training, no release compile).
set -eu
cd "$(dirname "$0")"
. ../train-setup.sh
set -x
"$BIN/nncompile" train net.nntxt --data ../digits/train.csv --valid ../digits/valid.csv \
  --test ../digits/test.csv --seed 1 -o build/trained.nnp
"$BIN/nncompile" build/trained.nnp --target cortex-m4f --calibrate ../digits/valid.csv -o build/out
"$BIN/nncompile" verify build/trained.nnp --target cortex-m4f --calibrate ../digits/valid.csv \
  --input ../digits/test.csv $EMULATE --json build/verify.json
"$BIN/example-score" classify build/trained.nnp --calibrate ../digits/valid.csv ../digits/test.csv
