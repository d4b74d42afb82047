#!/usr/bin/env bash
# Every scenario script in loadtest/ against `kitwork serve` on one pinned
# core (CPU 0), wrk on the other (CPU 1); prints a markdown table with
# req/s, p50, p99, errors and the server's CPU use, stamped with the commit.
#
#   loadtest/scenarios.sh                 # 10 s per scenario, 64 connections
#   DURATION=5s CONNS=128 loadtest/scenarios.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-10s}
CONNS=${CONNS:-64}
PORT=${PORT:-18120}
cargo build --release --manifest-path "$here/Cargo.toml" >/dev/null
taskset -c 0 "$here/target/release/kitwork" serve --listen "127.0.0.1:$PORT" --cores 1 --work "$here/work" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
sleep 1
echo "# kitwork scenarios, $(date -u +%FT%TZ), commit $(git -C "$here" rev-parse --short HEAD), $(nproc) cores, wrk -t1 -c$CONNS -d$DURATION"
echo
echo "| scenario | req/s | p50 ms | p99 ms | errors | server CPU % |"
echo "|---|---:|---:|---:|---:|---:|"
for s in hello params post_json pipeline; do
  before=$(awk '{print $14 + $15}' /proc/$server/stat)
  out=$(taskset -c 1 wrk -t1 -c"$CONNS" -d"$DURATION" --latency -s "$here/loadtest/$s.lua" "http://127.0.0.1:$PORT" 2>&1)
  after=$(awk '{print $14 + $15}' /proc/$server/stat)
  secs=$(echo "$DURATION" | tr -d 's')
  cpu=$(( (after - before) * 100 / $(getconf CLK_TCK) / secs ))
  rps=$(echo "$out" | awk '/Requests\/sec/ {printf "%d", $2}')
  p50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  errors=$(echo "$out" | awk '/Non-2xx|Socket errors/ {e = e $0 "; "} END {print (e == "" ? 0 : e)}')
  echo "| $s | $rps | $p50 | $p99 | $errors | $cpu |"
done
