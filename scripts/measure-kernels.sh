#!/usr/bin/env bash
# Measures every runtime-c/src/*.c for Cortex-M4F as the builds around it compile it (one section
# per function and constant, so `-Wl,--gc-sections` keeps only what is called) — the bytes of each
# code and constant section (arm-none-eabi-readelf -S, rounded up to the section's alignment), for
# each exported kernel function the sections it reaches (its own, its static helpers', its tables':
# the closure of the relocations between sections, readelf -r), and the deepest stack of a call
# (the frames of the worst call chain inside the file, from gcc -fcallgraph-info=su, plus an
# allowance for each call that leaves the file: newlib's memcpy/memset and libm's expf/logf take at
# most 16 B) — and writes the table the compile report estimates flash and RAM from:
#   Sources/NNCodegen/Generated/KernelFootprints.swift
# Run it after changing runtime-c/ (a test fails while the table is stale):
#   scripts/measure-kernels.sh            # rewrite the table
#   scripts/measure-kernels.sh --stdout   # print it instead (the test compares this with the file)
set -euo pipefail
cd "$(dirname "$0")/.."
out=Sources/NNCodegen/Generated/KernelFootprints.swift
flags=(-std=c99 -O2 -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -ffunction-sections -fdata-sections -fcallgraph-info=su -Iruntime-c/include)
library_call_bytes=16
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The deepest call chain of a -fcallgraph-info=su graph (VCG text): nodes with "N bytes" are the
# file's functions; nodes without (built-ins, extern functions) get the library allowance.
# Recursion would have no bound: it fails.
# With "functions", prints "name depth" for each exported function instead of the maximum.
deepest_chain() {
  awk -v ext="$library_call_bytes" -v mode="${2:-max}" -v file="$(basename "${1%.ci}").c" '
    /^node:/ {
      title = $0; sub(/.*title: "/, "", title); sub(/".*/, "", title)
      nodes[title] = 1
      if (match($0, /[0-9]+ bytes/)) size[title] = substr($0, RSTART, RLENGTH) + 0
    }
    /^edge:/ {
      from = $0; sub(/.*sourcename: "/, "", from); sub(/".*/, "", from)
      to = $0; sub(/.*targetname: "/, "", to); sub(/".*/, "", to)
      count[from]++; callee[from, count[from]] = to
    }
    function depth(n,    i, d, best) {
      if (n in memo) return memo[n]
      if (n in visiting) { print "recursion through " n > "/dev/stderr"; exit 1 }
      visiting[n] = 1
      best = 0
      for (i = 1; i <= count[n]; i++) { d = depth(callee[n, i]); if (d > best) best = d }
      delete visiting[n]
      memo[n] = ((n in size) ? size[n] : ext) + best
      return memo[n]
    }
    END {
      m = 0
      for (n in nodes) {
        d = depth(n)
        if (d > m) m = d
        if (mode == "functions" && (n in size) && index(n, ":") == 0) print n, file, d
      }
      if (mode == "max") print m
    }
  ' "$1"
}

# The sections of an object file and what each function reaches. Prints "S bytes..." (the
# allocated, loaded sections in file order, each rounded up to its alignment) and, for each
# exported function, "F name index... [nnc_callee...]" (indices 0-based into that list, ascending;
# then the kernel functions of other runtime files it calls: the fast add falls back on the
# reference one). Other relocations out of the file (memcpy, expf) are the C library's.
sections_reached() {
  {
    arm-none-eabi-readelf -S -W "$1" | sed 's/\[ */[/' \
      | awk '$1 ~ /^\[[0-9]+\]$/ && NF == 11 { print "S", substr($1, 2, length($1) - 2), $2, $3, $6, $8, $11 }'
    arm-none-eabi-readelf -s -W "$1" \
      | awk '$1 ~ /^[0-9]+:$/ && NF >= 8 && ($7 ~ /^[0-9]+$/ || $7 == "UND") { print "Y", $8, $7, $4, $5 }'
    arm-none-eabi-readelf -r -W "$1" | awk '
      /^Relocation section/ { section = $3; gsub(/\047/, "", section); sub(/^\.rel/, "", section) }
      /^[0-9a-f]+ +[0-9a-f]+ / && NF >= 5 { print "R", section, $5 }'
  } | awk '
    function hex(h,    k, v) { v = 0; for (k = 1; k <= length(h); k++) v = v * 16 + index("0123456789abcdef", substr(h, k, 1)) - 1; return v }
    $1 == "S" {
      index_of[$3] = $2
      if ($4 == "PROGBITS" && $6 ~ /A/ && hex($5) > 0) {
        align = $7 + 0; if (align < 1) align = 1
        bytes = hex($5)
        dense[$2] = n + 0; size[n++] = int((bytes + align - 1) / align) * align
      }
    }
    $1 == "Y" && $3 == "UND" { if ($2 ~ /^nnc_/) external[$2] = 1; next }
    $1 == "Y" { if (!($2 in symbol_section)) symbol_section[$2] = $3; if ($4 == "FUNC" && $5 == "GLOBAL") exported[$2] = $3 }
    $1 == "R" { relocations[++r] = $2 SUBSEP $3 }
    function reach(s,    k, parts, t) {
      if (s in seen) return
      seen[s] = 1
      if (s in dense) order[++found] = dense[s]
      for (k = 1; k <= r; k++) {
        split(relocations[k], parts, SUBSEP)
        if (index_of[parts[1]] == s && (parts[2] in external)) calls[parts[2]] = 1
        else if (index_of[parts[1]] == s && (parts[2] in symbol_section)) reach(symbol_section[parts[2]])
        # a section symbol names its section
        else if (index_of[parts[1]] == s && (parts[2] in index_of)) reach(index_of[parts[2]])
      }
    }
    END {
      line = "S"; for (k = 0; k < n; k++) line = line " " size[k]; print line
      for (f in exported) {
        delete seen; delete calls; found = 0
        reach(exported[f])
        for (k = 2; k <= found; k++) for (j = k; j > 1 && order[j - 1] > order[j]; j--) { t = order[j]; order[j] = order[j - 1]; order[j - 1] = t }
        line = "F " f; for (k = 1; k <= found; k++) line = line " " order[k]
        for (c in calls) line = line " " c
        print line
      }
    }'
}

table() {
  echo "// Generated by scripts/measure-kernels.sh from runtime-c/src — do not edit."
  echo "// $(arm-none-eabi-gcc --version | head -n 1); ${flags[*]}"
  echo
  echo "/// Cortex-M4F footprint of each runtime source file: the deepest stack of a call into it (its"
  echo "/// worst call chain; C library callees $library_call_bytes B) and the bytes of each of its code and"
  echo "/// constant sections (one per function and table; each rounded up to its alignment)."
  echo "enum KernelFootprints {"
  echo "  static let files: [String: (stackBytes: Int, sectionBytes: [Int])] = ["
  for src in $(ls runtime-c/src/*.c | sort); do
    name=$(basename "$src" .c)
    arm-none-eabi-gcc "${flags[@]}" -c "$src" -o "$work/$name.o" -dumpdir "$work/"
    stack=$(deepest_chain "$work/$name.ci")
    sections_reached "$work/$name.o" > "$work/$name.sections"
    bytes=$(awk '$1 == "S" { $1 = ""; sub(/^ /, ""); gsub(/ /, ", "); print }' "$work/$name.sections")
    echo "    \"$name.c\": ($stack, [$bytes]),"
    deepest_chain "$work/$name.ci" functions >> "$work/functions.txt"
    awk '$1 == "F" { printf "%s", $2; for (k = 3; k <= NF; k++) printf " %s", $k; print "" }' "$work/$name.sections" >> "$work/reached.txt"
  done
  echo "  ]"
  echo
  echo "  /// Each exported kernel function: its file, the deepest stack of a call to it (the same"
  echo "  /// measure, per entry point) and the sections of its file it reaches (indices into"
  echo "  /// \`sectionBytes\`: its own, its static helpers', its tables'), which is what the linker keeps,"
  echo "  /// and the kernel functions of other runtime files it calls."
  echo "  static let functions: [String: (file: String, stackBytes: Int, sections: [Int], calls: [String])] = ["
  LC_ALL=C sort "$work/functions.txt" | awk -v reached="$work/reached.txt" '
    BEGIN {
      while ((getline line < reached) > 0) {
        n = split(line, f, " "); s = ""; c = ""
        for (k = 2; k <= n; k++) {
          if (f[k] ~ /^nnc_/) c = c (c == "" ? "" : ", ") "\"" f[k] "\""
          else s = s (s == "" ? "" : ", ") f[k]
        }
        sections[f[1]] = s; calls[f[1]] = c
      }
    }
    {
      if (!($1 in sections)) { print "no sections for " $1 > "/dev/stderr"; exit 1 }
      printf "    \"%s\": (\"%s\", %d, [%s], [%s]),\n", $1, $2, $3, sections[$1], calls[$1]
    }'
  echo "  ]"
  echo "}"
}

if [[ "${1:-}" == "--stdout" ]]; then
  table
else
  table > "$out"
  echo "wrote $out"
fi
