#!/usr/bin/env bash
# kv().get beside redis-benchmark: the same Redis (a server of this
# script's own, on core 1, keeping nothing on disk) read by GETs of a
# 3-byte value from core 0 — by `redis-benchmark -t get` (CLIENTS
# connections, one request each in flight, then with -P 16) and by one
# kitwork core whose CLIENTS fibers (`parallel()`) each loop over
# `kv().get`, taken in turns. Prints each run and the ratio of the
# medians, and keeps them in loadtest/runs/. Issue 22's target: at least
# 0.5 of redis-benchmark's GETs per second from one core.
#
#   loadtest/kv.sh                           # needs: redis-server, redis-benchmark
#   N=200000 REPS=3 loadtest/kv.sh
source "$(dirname "$0")/lib.sh"
N=${N:-400000}
REPS=${REPS:-5}
CLIENTS=${CLIENTS:-50}
port=$((20000 + RANDOM % 20000))
taskset -c 1 redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no >"$tmp/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ "$(redis-cli -p "$port" ping 2>/dev/null)" = PONG ] && break; sleep 0.1; done
redis-cli -p "$port" set key:000000000001 '"x"' >/dev/null
cat >"$tmp/get.js" <<JS
const each = Math.ceil($N / $CLIENTS), k = kv();
const t0 = Date.now();
parallel(Array.from({ length: $CLIENTS }, () => () => {
  for (let i = 0; i < each; i++) k.get("key:000000000001");
}));
console.log(Math.round(each * $CLIENTS / ((Date.now() - t0) / 1000)));
JS
bench() {
  taskset -c 0 redis-benchmark -p "$port" -t get -n "$N" -c "$CLIENTS" -P "$1" -r 1 -q --csv |
    awk -F'"' '/GET/ { print int($4) }'
}
kitwork() {
  taskset -c 0 "$here/target/release/kitwork" run --budget 100000000000 \
    --kv "redis://127.0.0.1:$port" "$tmp/get.js"
}
mkdir -p "$here/loadtest/runs"
out="$here/loadtest/runs/$(date +%Y-%m-%d-%H%M)-kv.md"
one=() sixteen=() mine=()
for _ in $(seq "$REPS"); do
  one+=("$(bench 1)")
  sixteen+=("$(bench 16)")
  mine+=("$(kitwork)")
done
med() { printf '%s\n' "$@" | median; }
m1=$(med "${one[@]}") m16=$(med "${sixteen[@]}") mk=$(med "${mine[@]}")
{
  echo "# kv().get beside redis-benchmark, $(date -u +%FT%TZ), commit $(git -C "$here" rev-parse --short HEAD)"
  echo
  echo "$(redis-server --version | cut -d' ' -f1-3) on core 1; each client on core 0: $N GETs of a 3-byte value, $CLIENTS clients (connections, or fibers on one kitwork core), $REPS runs each in turns."
  echo
  echo "| client | GETs/s, each run | median | kitwork / it |"
  echo "|---|---|---:|---:|"
  echo "| redis-benchmark -t get -c$CLIENTS | ${one[*]} | $m1 | $(python3 -c "print(f'{$mk / $m1:.2f}')") |"
  echo "| redis-benchmark -t get -c$CLIENTS -P 16 | ${sixteen[*]} | $m16 | $(python3 -c "print(f'{$mk / $m16:.2f}')") |"
  echo "| kitwork run: $CLIENTS fibers looping over kv().get | ${mine[*]} | $mk | |"
} | tee "$out"
echo "saved to $out"
