#!/usr/bin/env bash
# Instructions the server executes per request (user space, callgrind),
# which vary by a few percent where req/s on this shared machine swing by
# a third: the gateway on loadtest/work/hello.js under valgrind answers
# LOW and then HIGH requests over one keep-alive connection, one at a time
# and then pipelined 16 deep; (HIGH run - LOW run) / (HIGH - LOW) is the
# cost of one request with start-up and shutdown taken out. "all" counts
# the whole process (one at a time, how often the event loop waits varies
# from run to run); "in handle" only routing, the handler and the response
# (kitwork_gateway::dispatch::handle), which repeats within a fraction of a percent.
#
#   loadtest/instructions.sh                 # needs: valgrind, python3
#   LOW=1000 HIGH=6000 loadtest/instructions.sh
#   KITWORK=/path/to/other/build loadtest/instructions.sh   # compare builds
#   ROUTE=/hello-async loadtest/instructions.sh   # the same handler, async
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
low=${LOW:-2000}
route=${ROUTE:-/hello}
high=${HIGH:-12000}
build="commit $(git -C "$here" rev-parse --short HEAD)"
if [ -z "${KITWORK:-}" ]; then
  cargo build --release --manifest-path "$here/Cargo.toml" >/dev/null
  KITWORK="$here/target/release/kitwork"
else
  build="$KITWORK"
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT


# Prints the instructions of a server run that answers N requests, and
# those spent in `handle`.
count() {
  local n=$1 depth=$2 port=$((20000 + RANDOM % 20000))
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.$n.$depth" \
    "$KITWORK" serve --listen "127.0.0.1:$port" --cores 1 --work "$here/loadtest/work" \
    >"$tmp/server.log" 2>&1 &
  local pid=$!
  for _ in $(seq 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $port))" 2>/dev/null && break
    sleep 0.2
  done
  python3 "$here/loadtest/pipelined.py" "$port" "$n" "$depth" "$route"
  kill -TERM "$pid"
  wait "$pid" || true
  local all handle
  all=$(grep 'refs:' "$tmp/server.log" | awk '{gsub(",", "", $NF); print $NF}')
  # awk reads to the end: a reader that stops early fails the pipeline.
  handle=$(callgrind_annotate --inclusive=yes "$tmp/cg.$n.$depth" 2>/dev/null |
    awk '/kitwork_gateway::dispatch::handle::\{\{closure\}\} \[/ && !done { gsub(",", "", $1); print $1; done = 1 }')
  echo "$all ${handle:-0}"
}

mkdir -p "$here/loadtest/runs"
out="$here/loadtest/runs/$(date +%Y-%m-%d-%H%M)-$(hostname -s)-instructions.md"
# Two runs in one minute (two builds compared) keep both files.
[ -e "$out" ] && out="${out%.md}-$(date +%S).md"
{
  echo "# Server instructions per request (callgrind), $(date -u +%FT%TZ), $build"
  echo
  echo "| requests | all, per request | in handle, per request |"
  echo "|---|---:|---:|"
  for depth in 1 16; do
    read -r a ha < <(count "$low" "$depth")
    read -r b hb < <(count "$high" "$depth")
    label="one at a time"
    [ "$depth" -gt 1 ] && label="pipelined x$depth"
    echo "| GET $route, $label | $(( (b - a) / (high - low) )) | $(( (hb - ha) / (high - low) )) |"
  done
} | tee "$out"
echo "saved to $out"
