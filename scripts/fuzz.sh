#!/usr/bin/env bash
# Fuzzes one reader with libFuzzer: scripts/fuzz.sh TARGET SECONDS [libFuzzer flags…], or
# scripts/fuzz.sh list. The targets are the functions of Tests/_NNFuzzTargets/FuzzTargets.swift;
# this script compiles them with the modules they read through under -sanitize=fuzzer,address
# (SwiftPM never sees the libFuzzer entry point, so `swift build` and `swift test` are unaffected).
#
#   .build/fuzz/obj/            instrumented modules, rebuilt when their sources change
#   .build/fuzz/corpus/TARGET/  the work corpus: seeded from Tests/Fixtures, grows between runs
#   .build/fuzz/crashes/TARGET/ crash-*, timeout-*, oom-* inputs libFuzzer saved
#
# A crash found is fixed in the reader and its input kept as Tests/Fixtures/fuzz/TARGET/<name>;
# FuzzRegressionTests replays every kept input through the same function (Tests/Fixtures/fuzz/README.md
# says what each was). Extra flags go to libFuzzer, e.g.
# -runs=1000000, -max_len=2048, or -fork=1 -ignore_crashes=1 to collect several crashes.
#
# Measured for issue 10 (Swift 6.3.1, -O, 2 cores shared with other builds, -timeout=10
# -rss_limit_mb=2048; the work corpus carried from run to run):
#   target     runs        seconds  exec/s  crashes, hangs, OOM
#   csv        1,000,000      143    6,993  0
#   png        1,000,000       22   45,454  0 (with the CRC fix-up; before it: 1,000,000 in 37 s)
#   npy        1,000,000       38   26,315  0
#   idx        1,000,000       55   18,181  0
#   pgm        1,000,000       11   90,909  0 (with the float planes; before: 1,642,298)
#   gzip       1,000,000      198    5,050  0
#   hdf5       1,000,000      177    5,649  0
#   zip        1,000,000      197    5,076  0
#   protowire  1,000,000      343    2,915  0
#   prototext  1,000,000       80   12,500  0 (also 1,853,108 in 301 s with -max_len=2048)
#   inflate      976,714      421    2,319  0 (then 506,363 in 121 s and 587,859 in 291 s)
#   nnp        1,000,000      272    3,676  0 (.nnp seeds: mutated zips mostly fail a CRC-32)
#   nnp        5,451,630      731    7,458  4, all int8 quantizer traps of issue 10 item 3
#                                           (-fork=1, text seed + dictionary; kept in Tests/Fixtures/fuzz/nnp/, fixed)
#   tflite       941,106      241    3,905  0 (issue 13: float import, seeds kws float/int8 and the op fixtures)
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"

targets=(zip inflate gzip prototext protowire hdf5 png pgm npy csv idx nnp tflite onnx)
# Module, source folder; in dependency order.
modules=(
  NNFormats:Sources/NNFormats NNIR:Sources/NNIR NNInterpreter:Sources/NNInterpreter NNFunctions:Sources/NNFunctions NNImport:Sources/NNImport
  NNPasses:Sources/NNPasses NNQuantize:Sources/NNQuantize _NNFuzzTargets:Tests/_NNFuzzTargets
)
fixtures=Tests/Fixtures
build=.build/fuzz

usage() { echo "usage: scripts/fuzz.sh TARGET SECONDS [libFuzzer flags…] | scripts/fuzz.sh list" >&2; exit 2; }

if [ "${1:-}" = list ]; then printf '%s\n' "${targets[@]}"; exit 0; fi
[ $# -ge 2 ] || usage
target=$1 seconds=$2
shift 2
[[ " ${targets[*]} " == *" $target "* ]] || { echo "fuzz.sh: unknown target '$target' (see scripts/fuzz.sh list)" >&2; exit 2; }
[[ $seconds =~ ^[0-9]+$ ]] || usage

# Instrumented modules, each rebuilt when a source is newer than its object or a module before it was rebuilt.
flags=(-sanitize=fuzzer,address -parse-as-library -O -g -I "$build/obj")
mkdir -p "$build/obj"
stale=0
for entry in "${modules[@]}"; do
  module=${entry%%:*} folder=${entry#*:} object=$build/obj/${entry%%:*}.o
  if [ $stale = 1 ] || [ ! -f "$object" ] || [ -n "$(find "$folder" -name '*.swift' -newer "$object" | head -1)" ]; then
    echo "fuzz.sh: compiling $module" >&2
    mapfile -t sources < <(find "$folder" -name '*.swift' | sort)
    swiftc "${flags[@]}" -wmo -module-name "$module" -emit-module -emit-module-path "$build/obj/$module.swiftmodule" \
      -c "${sources[@]}" -o "$object"
    stale=1
  fi
done

# The libFuzzer entry point: a generated file, linked per target.
binary=$build/fuzz-$target
if [ ! -x "$binary" ] || [ -n "$(find "$build/obj" -name '*.o' -newer "$binary" | head -1)" ]; then
  wrapper=$build/obj/main-$target.swift
  cat >"$wrapper" <<EOF
import _NNFuzzTargets

private let body = FuzzTargets.all["$target"]!

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
  body(data.map { Array(UnsafeBufferPointer(start: \$0, count: size)) } ?? [])
  return 0
}
EOF
  objects=()
  for entry in "${modules[@]}"; do objects+=("$build/obj/${entry%%:*}.o"); done
  swiftc "${flags[@]}" "$wrapper" "${objects[@]}" -o "$binary" 2> >(grep -v "Cannot export local symbol" >&2)
fi

# Seeds: the fixtures of the target's kind, copied (never written back into Tests/Fixtures).
corpus=$build/corpus/$target crashes=$build/crashes/$target
mkdir -p "$corpus" "$crashes"
seed() { for f in "$@"; do [ -f "$f" ] && cp -n "$f" "$corpus/seed-$(basename "$f")"; done; return 0; }
small_nnps() { find "$fixtures" -name '*.nnp' -size -64k | sort; }
case $target in
  zip) seed $(small_nnps) "$fixtures"/formats/zip/*.zip ;;
  inflate)  # first byte: 0 = raw DEFLATE, 1 = zlib (see FuzzTargets.inflate)
    for f in "$fixtures"/formats/inflate/*.deflate; do { printf '\0'; cat "$f"; } >"$corpus/seed-$(basename "$f")"; done
    for f in "$fixtures"/formats/inflate/*.zlib; do { printf '\1'; cat "$f"; } >"$corpus/seed-$(basename "$f")"; done ;;
  gzip) seed $(find "$fixtures" -name '*.gz') ;;
  prototext)
    seed $(find "$fixtures" -name '*.nntxt')
    for f in $(small_nnps); do unzip -p "$f" '*.nntxt' >"$corpus/seed-$(basename "$f").nntxt" 2>/dev/null || true; done ;;
  protowire) for f in $(small_nnps); do unzip -p "$f" '*.protobuf' >"$corpus/seed-$(basename "$f").protobuf" 2>/dev/null || true; done ;;
  hdf5) seed $(find "$fixtures" -name '*.h5' -size -64k) ;;
  png) seed $(find "$fixtures" -name '*.png' -size -4k) ;;
  pgm) seed $(find "$fixtures" -name '*.pgm' -o -name '*.ppm') ;;
  npy) seed $(find "$fixtures" -name '*.npy') ;;
  csv)
    seed $(find "$fixtures" -name '*.csv')
    printf 'x:image,y:label\r\n"a,b.png",1\r\n"say ""hi""\nthere",2\n\n' >"$corpus/seed-dataset.csv" ;;
  idx) seed "$fixtures"/formats/idx/* ;;
  tflite) seed $(find "$fixtures" bench/mlperf-tiny -name '*.tflite' -size -64k) ;;
  onnx) seed "$fixtures"/onnx/*.onnx bench/mlperf-tiny/kws/model.onnx ;;
  nnp) seed $(small_nnps) "$fixtures"/formats/nntxt/*.nntxt ;;  # text: see FuzzTargets.nnp
esac
find "$corpus" -type f -empty -delete
[ -d "$fixtures/fuzz/$target" ] && seed "$fixtures/fuzz/$target"/*

echo "fuzz.sh: $target for ${seconds}s; corpus $corpus ($(ls "$corpus" | wc -l) inputs), crashes go to $crashes/" >&2
# The Swift backtracer would hold the crashing process; libFuzzer and ASan report instead.
export SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
dictionary=()
case $target in prototext | nnp) dictionary=(-dict=scripts/fuzz-nntxt.dict) ;; esac
exec "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$crashes/" "${dictionary[@]}" "$@" "$corpus"
