#!/bin/sh
# Structure search from the LeNet example on the bundled digits, 20 minutes in all:
#   1. 14 minutes from LeNet with the default (fast, SMLAD) int8 kernels: the front of error
#      against cycles, flash and RAM, the front's cycles emulated when QEMU is installed;
#   2. 6 minutes from LeNet under an 8 KB flash budget with the reference (small) kernels, 40
#      epochs a candidate (the small networks it finds learn slower than LeNet): every candidate
#      over 8 KB is rejected, before training, from its predicted size.
# Then every network on each front is scored on the test split in int8 (the Swift int8 reference
# the C equals byte for byte). Writes build/ here. CONFIG=debug uses a debug build (much slower).
set -eu
cd "$(dirname "$0")"
. ../train-setup.sh
set -x
"$BIN/nncompile" search ../train-lenet/net.nntxt --data ../digits/train.csv --valid ../digits/valid.csv \
  --target cortex-m4f --trials 1000 --time-limit 14m --seed 1 -o build/search
"$BIN/nncompile" search ../train-lenet/net.nntxt --data ../digits/train.csv --valid ../digits/valid.csv \
  --target cortex-m4f --kernels reference --max-flash 8K --epochs 40 --trials 1000 --time-limit 6m --seed 1 -o build/search-8k
set +x
# results.json lists each candidate's keys sorted: "id" comes before "onFront".
for run in search search-8k; do
  for id in $(awk '/"id" :/ { gsub(/[^0-9]/, ""); id = $0 } /"onFront" : true/ { print id }' build/$run/results.json); do
    echo "== $run #$id"
    "$BIN/example-score" classify "build/$run/candidates/$id.nnp" --calibrate ../digits/train.csv ../digits/test.csv
  done
done
