#!/bin/bash
# End-to-end file transfer through `parley transfer`: a random file of SIZE_MIB is sent by
# `parley send` and saved + verified by `parley receive`, RUNS times per fragment size.
# Needs a build: `npx tsc -p apps/cli/tsconfig.json` (and the packages' dist/, `pnpm build`).
# usage: apps/cli/bench/transfer.sh [SIZE_MIB=64] [RUNS=3] [FRAGMENT_SIZES="32768 262144"]
set -euo pipefail
SIZE_MIB=${1:-64}; RUNS=${2:-3}; FRAGMENTS=${3:-"32768 262144"}
CLI="$(cd "$(dirname "$0")/.." && pwd)/dist/cli.js"
WORK=$(mktemp -d); trap 'kill -INT $TP 2>/dev/null; wait $TP 2>/dev/null; rm -rf "$WORK"' EXIT
head -c $((SIZE_MIB * 1048576)) /dev/urandom > "$WORK/file.bin"
node "$CLI" transfer --port 0 > "$WORK/transfer.log" 2>&1 & TP=$!
until grep -q 'listening on' "$WORK/transfer.log"; do sleep 0.05; done
URL=$(grep -o 'ws://[^ ]*' "$WORK/transfer.log")
for fragment in $FRAGMENTS; do
  for _ in $(seq "$RUNS"); do
    rm -rf "$WORK/out"; : > "$WORK/receive.log"
    node "$CLI" receive "$URL" --out "$WORK/out" --count 1 > "$WORK/receive.log" 2>&1 & RP=$!
    until grep -q 'connected' "$WORK/receive.log"; do sleep 0.05; done
    start=$(date +%s%N)
    node "$CLI" send "$URL" "$WORK/file.bin" -q --fragment-size "$fragment" > "$WORK/send.log" 2>&1
    wait $RP; end=$(date +%s%N)
    ms=$(((end - start) / 1000000))
    echo "fragment $fragment: $(grep -o '^OK' "$WORK/receive.log" || echo FAILED), end-to-end $ms ms" \
      "($((SIZE_MIB * 1000 / ms)) MiB/s), sender $(grep -o 'in [0-9]* ms' "$WORK/send.log"), $(grep -o 'closed.*' "$WORK/send.log")"
  done
done
