#!/usr/bin/env bash
# Rewrites the README's function support table (between the functions-table markers) from
# `nncompile info --functions --markdown`, the data in Sources/NNFunctions/Support/SupportTable.swift.
# SupportTableTests fails when the README and that data disagree.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${NNCOMPILE:-.build/debug/nncompile}
table=$("$bin" info --functions --markdown)
TABLE="$table" python3 - <<'PY'
import os
path = "README.md"
s = open(path).read()
start, end = "<!-- functions-table -->\n", "<!-- /functions-table -->"
a = s.index(start) + len(start)
b = s.index(end)
open(path, "w").write(s[:a] + os.environ["TABLE"] + "\n" + s[b:])
PY
echo "README.md: support table updated"
