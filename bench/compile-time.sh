#!/usr/bin/env bash
# Wall-clock time of `nncompile` (release build) on each bundled model: min and median of N runs.
# Usage: bench/compile-time.sh [runs]   (default 10). Prints one line per model.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-10}
swift build -c release --product nncompile >/dev/null
bin=.build/release/nncompile
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
seconds() { printf '%d.%03d' $(( $1 / 1000000 )) $(( $1 / 1000 % 1000 )); }
printf '%-44s %9s %9s\n' model "min (s)" "median (s)"
for model in examples/*/*.nnp Tests/Fixtures/real/*.nnp Tests/Fixtures/nnabla/*/model.nnp; do
  times=()
  for _ in $(seq "$runs"); do
    start=$(date +%s%N)
    "$bin" "$model" --target cortex-m4f --quantize float32 -o "$out/c" >/dev/null
    end=$(date +%s%N)
    times+=("$(( (end - start) / 1000 ))")  # microseconds
  done
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  min=$(echo "$sorted" | head -1)
  median=$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")
  printf '%-44s %9s %9s\n' "$model" "$(seconds "$min")" "$(seconds "$median")"
done
