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
out="$here/bench/runs/$(date +%Y-%m-%d-%H%M)-$(hostname -s)-vm.md"
{
  echo "# VM programs, $(date -u +%FT%TZ), commit $(git -C "$here" rev-parse --short HEAD), $(nproc) cores"
  echo
  SKIP_HTTP=1 EXTRA_JS="$here/target/release/kitwork run" EXTRA_JS_NAME=kitwork \
    HF_RUNS=${HF_RUNS:-5} NICE=${NICE:-0} "$shared/bench/run.sh" 2>&1 | sed -n '/^|/p;/^#/p'
} | tee "$out"
echo "saved to $out"

# Standard-library workloads (bench/std): kitwork beside QuickJS.
std_out="$here/bench/runs/$(date +%Y-%m-%d-%H%M)-$(hostname -s)-std.md"
{
  echo "# Library programs, $(date -u +%FT%TZ), commit $(git -C "$here" rev-parse --short HEAD)"
  echo
  echo "| program | qjs s | kitwork s | kitwork / qjs |"
  echo "|---|---:|---:|---:|"
  for f in "$here"/bench/std/*.js; do
    name=$(basename "$f" .js)
    hyperfine -N --warmup 1 --runs "${HF_RUNS:-5}" --export-json /tmp/kw-std.json \
      "${QJS:-qjs} $f" "$here/target/release/kitwork run $f" >/dev/null 2>&1
    python3 - "$name" <<'PY'
import json, sys
r = json.load(open("/tmp/kw-std.json"))["results"]
q, k = r[0]["median"], r[1]["median"]
print(f"| {sys.argv[1]} | {q:.3f} | {k:.3f} | {k / q:.2f} |")
PY
  done
} | tee "$std_out"
