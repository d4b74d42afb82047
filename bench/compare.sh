#!/usr/bin/env bash
# Runs the interpreter programs on kitwork beside the anchors (QuickJS, Lua
# 5.4, LuaJIT, node --jitless) in one run, with ../shared/bench/run.sh, and
# keeps the output in bench/runs/<date>-<host>.md.
#
#   bench/compare.sh            # needs: hyperfine, qjs (../shared/bench/build-qjs.sh), lua5.4
#   HF_RUNS=10 bench/compare.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${KITWORK_SHARED:-$here/../shared}
cargo build --release --manifest-path "$here/Cargo.toml" >/dev/null
out="$here/bench/runs/$(date +%Y-%m-%d)-$(hostname -s)-vm.md"
{
  echo "# VM programs, $(date -u +%FT%TZ), commit $(git -C "$here" rev-parse --short HEAD), $(nproc) cores"
  echo
  SKIP_HTTP=1 EXTRA_JS="$here/target/release/kitwork run" EXTRA_JS_NAME=kitwork \
    HF_RUNS=${HF_RUNS:-5} NICE=${NICE:-0} "$shared/bench/run.sh" 2>&1 | sed -n '/^|/p;/^#/p'
} | tee "$out"
echo "saved to $out"
