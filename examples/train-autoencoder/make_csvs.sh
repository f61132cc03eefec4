#!/bin/sh
# Writes the autoencoder's datasets from ../digits (run from anywhere; the output is committed):
#   train_0_4.csv, valid_0_4.csv  digits 0–4 only, `x:image,y:image` — the target is the input
#   test_seen.csv                 the test split's 0–4, digits the autoencoder was trained on
#   test_unseen.csv               the test split's 5–9, digits it never saw
# Image paths are rewritten relative to this folder.
set -eu
cd "$(dirname "$0")"
split() { # $1 source CSV, $2 output, $3 awk condition on the digit d
  awk -F, -v OFS=, 'NR == 1 { print "x:image,y:image"; next } { d = $2 + 0; if ('"$3"') print "../digits/" $1, "../digits/" $1 }' \
    "../digits/$1" > "$2"
}
split train.csv train_0_4.csv 'd <= 4'
split valid.csv valid_0_4.csv 'd <= 4'
split test.csv test_seen.csv 'd <= 4'
split test.csv test_unseen.csv 'd >= 5'
