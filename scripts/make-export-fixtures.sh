#!/bin/sh
# Runs every .nnp under Tests/Fixtures/export/ (written by the Swift writer with
# RECORD_EXPORT_FIXTURES=1 swift test --filter NNPRoundTripTests) through the real nnabla and
# stores its outputs beside it as <model>.<variant>.nnabla.bin, for NNPRoundTripTests.
set -e
cd "$(dirname "$0")/.."
PY=${PYTHON:-/tmp/venv-nnabla/bin/python}
for f in Tests/Fixtures/export/*.nnp; do
  base=${f%.nnp}
  model=$(basename "$base" | cut -d. -f1)
  "$PY" scripts/nnabla-roundtrip.py "$f" "Tests/Fixtures/export/$model.inputs.bin" "$base.nnabla.bin" 2>&1 | grep -v '^20..-..-..'
done
