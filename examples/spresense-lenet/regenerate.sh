#!/usr/bin/env bash
# Regenerates lenet/, the Arduino library of Sony's LeNet sample, with the current compiler:
# int8 for Cortex-M4F (SPRESENSE), calibrated on the 100 bundled digits, with the handwritten 5
# of ../mnist-lenet bundled as the example sketch's input.
#
#   examples/spresense-lenet/regenerate.sh [output folder]    (default: examples/spresense-lenet/lenet)
#
# NNCOMPILE names the compiler to run (default: swift run -c release nncompile). A test runs this
# script into a scratch folder and fails while the committed lenet/ differs from what it writes.
set -euo pipefail
out="$(realpath -m "${1:-$(dirname "$0")/lenet}")"
cd "$(dirname "$0")/../.."
${NNCOMPILE:-swift run -c release nncompile} compile examples/mnist-lenet/lenet.nnp --target cortex-m4f --name lenet \
  --calibrate examples/mnist-lenet/calibration.bin \
  --format arduino --example-input examples/mnist-lenet/digit5.input.bin -o "$out"
