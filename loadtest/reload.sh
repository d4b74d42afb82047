#!/usr/bin/env bash
# Throughput while the work folder is reloaded once a second, beside the
# same server left alone, in one run: kitwork on CPU 0 (one core), wrk on
# the last CPU, GET /hello (loadtest/work), 64 connections. Steady and
# reloading runs alternate, REPS times each; medians and their ratio.
#
#   loadtest/reload.sh                  # needs: wrk
#   DURATION=10 REPS=3 loadtest/reload.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
duration=${DURATION:-10}
reps=${REPS:-3}
client_cpu=$(( $(nproc) - 1 ))
cargo build --release --manifest-path "$here/Cargo.toml" >/dev/null
work=$(mktemp -d)
cp "$here"/loadtest/work/*.js "$work/"
port=18092
"$here/target/release/kitwork" serve --listen 127.0.0.1:$port --cores 1 --work "$work" >/dev/null 2>"$work/log" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$port/hello" && break; sleep 0.1; done

rps() {
  taskset -c "$client_cpu" wrk -t1 -c64 -d"${duration}s" "http://127.0.0.1:$port/hello" | awk '/^Requests\/sec/ {print int($2)}'
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

steady=()
reloading=()
for _ in $(seq 1 "$reps"); do
  steady+=("$(rps)")
  # A changed file every second: each one is a new generation on the core.
  ( for i in $(seq 1 "$duration"); do
      echo "work(\"Churn\").get(\"/churn\", () => ({ n: $RANDOM$i }));" > "$work/churn.js"
      sleep 1
    done ) &
  writer=$!
  reloading+=("$(rps)")
  wait $writer
done
swaps=$(grep -c "now serving generation" "$work/log" || true)
s=$(printf '%s\n' "${steady[@]}" | median)
r=$(printf '%s\n' "${reloading[@]}" | median)

mkdir -p "$here/loadtest/runs"
out="$here/loadtest/runs/$(date +%Y-%m-%d-%H%M)-$(hostname -s)-reload.md"
{
  echo "# Throughput while reloading once a second, $(date -u +%FT%TZ), commit $(git -C "$here" rev-parse --short HEAD), $(nproc) cores, ${duration}s × $reps"
  echo
  echo "| run | req/s (median) | all runs |"
  echo "|---|---:|---|"
  echo "| steady | $s | ${steady[*]} |"
  echo "| reloading every second | $r | ${reloading[*]} |"
  echo
  awk -v s="$s" -v r="$r" -v n="$swaps" 'BEGIN { printf "reloading / steady: %.3f (%d reloads swapped in)\n", r / s, n }'
} | tee "$out"
echo "saved to $out"
