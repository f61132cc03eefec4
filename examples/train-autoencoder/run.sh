#!/bin/sh
# Autoencoder on digits 0–4, anomaly score for 5–9: train → compile int8 for cortex-m4f → verify the C (on an emulated
# Cortex-M4F too when qemu-system-arm and arm-none-eabi-gcc are installed) → score the test split.
# Writes build/ here. CONFIG=debug uses a debug build (slower training, no release compile).
set -eu
cd "$(dirname "$0")"
. ../train-setup.sh
set -x
"$BIN/nncompile" train net.nntxt --data train_0_4.csv --valid valid_0_4.csv \
  --test test_seen.csv --seed 1 -o build/trained.nnp
"$BIN/nncompile" build/trained.nnp --target cortex-m4f --calibrate valid_0_4.csv -o build/out
"$BIN/nncompile" verify build/trained.nnp --target cortex-m4f --calibrate valid_0_4.csv \
  --input test_seen.csv $EMULATE --json build/verify.json
"$BIN/example-score" anomaly build/trained.nnp --calibrate valid_0_4.csv test_seen.csv test_unseen.csv
