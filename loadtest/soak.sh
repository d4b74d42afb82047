#!/usr/bin/env bash
# Soak: kitwork on one pinned core serving work/ (GET /users/:id?fields=…,
# loadtest/params.lua paced by loadtest/paced.lua's delay), wrk on the other
# core, for DURATION seconds; samples the server's RSS every STEP seconds and
# keeps the table in loadtest/runs/<date>-<host>-soak.md. Idle RSS with two
# cores is measured first.
#
#   loadtest/soak.sh                          # 10 minutes
#   DURATION=60 STEP=10 loadtest/soak.sh      # quicker
#   CONNS=128 DELAY_MS=1 loadtest/soak.sh     # pacing: each connection waits DELAY_MS between requests
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
duration=${DURATION:-600}
step=${STEP:-30}
conns=${CONNS:-128}
delay=${DELAY_MS:-1}
port=${PORT:-18095}
bin="$here/target/release/kitwork"
commit=$(git -C "$here" rev-parse --short HEAD)
cargo build --release --manifest-path "$here/Cargo.toml" >/dev/null
mkdir -p "$here/loadtest/runs"
out="$here/loadtest/runs/$(date +%Y-%m-%d-%H%M)-$(hostname -s)-soak.md"
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

"$bin" serve --listen "127.0.0.1:$port" --cores 2 --work "$here/work" >/dev/null 2>&1 &
server=$!
sleep 1
idle=$(rss "$server")
kill "$server"; wait "$server" || true

taskset -c 0 "$bin" serve --listen "127.0.0.1:$port" --cores 1 --work "$here/work" >/dev/null 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
sleep 1
DELAY_MS=$delay taskset -c 1 wrk -t1 -c"$conns" -d"${duration}s" -s "$here/loadtest/paced.lua" \
  "http://127.0.0.1:$port" >/tmp/kitwork-soak-wrk.txt 2>&1 &
wrk=$!
samples=""
for ((t = step; t <= duration; t += step)); do
  sleep "$step"
  kill -0 "$server" || { echo "the server died at ${t}s" >&2; exit 1; }
  samples+="| ${t}s | $(rss "$server") kB |"$'\n'
done
wait "$wrk"
{
  echo "# Soak, $(date -u +%FT%TZ), commit $commit: GET /users/:id?fields=…, wrk -t1 -c$conns (${delay} ms between a connection's requests) -d${duration}s on CPU 1, kitwork on CPU 0"
  echo
  echo "Idle RSS with 2 cores: $idle kB."
  echo
  echo '```'
  cat /tmp/kitwork-soak-wrk.txt
  echo '```'
  echo
  echo "| t | RSS |"
  echo "|---|---:|"
  printf "%s" "$samples"
} | tee "$out"
echo "saved to $out"
