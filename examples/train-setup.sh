# Sourced by the training examples' run.sh (from their own folder): builds nncompile and
# example-score, sets BIN to where they are and EMULATE to --emulate when qemu-system-arm and
# arm-none-eabi-gcc are installed, and makes build/. CONFIG=debug uses a debug build.
CONFIG=${CONFIG:-release}
swift build -c "$CONFIG" --package-path ../.. --product nncompile >&2
swift build -c "$CONFIG" --package-path ../.. --product example-score >&2
BIN=$(swift build -c "$CONFIG" --package-path ../.. --show-bin-path)
EMULATE=
if command -v qemu-system-arm >/dev/null && command -v arm-none-eabi-gcc >/dev/null; then EMULATE=--emulate; fi
mkdir -p build
