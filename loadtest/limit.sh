#!/usr/bin/env bash
# A cluster-wide limit's accuracy: three kitwork nodes (one core each, on
# 127.0.0.2-4) share `limit("all", { rate: RATE, burst: 20, scope:
# "cluster" })` in a Redis of this script's own; oha drives each node at
# RATE req/s for DURATION (3×RATE in all). The admitted rate is the 200s
# counted over the run's length. Issue 22's target: within ±5% of RATE.
#
#   loadtest/limit.sh                        # needs: redis-server, oha (cargo install oha --locked)
#   RATE=1000 DURATION=10 loadtest/limit.sh
source "$(dirname "$0")/lib.sh"
RATE=${RATE:-1000}
DURATION=${DURATION:-10}
OHA=${OHA:-$(command -v oha || true)}
[ -n "$OHA" ] || { echo "needs oha: cargo install oha --locked (or OHA=path)" >&2; exit 1; }
rport=$((20000 + RANDOM % 20000))
redis-server --bind 127.0.0.1 --port "$rport" --save '' --appendonly no >"$tmp/redis.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ "$(redis-cli -p "$rport" ping 2>/dev/null)" = PONG ] && break; sleep 0.1; done
mkdir -p "$tmp/work"
cat >"$tmp/work/app.js" <<JS
work("Limited").get("/", () => {
  limit("all", { rate: $RATE, burst: 20, scope: "cluster" });
  return "ok";
});
JS
port=$((20000 + RANDOM % 20000))
for n in 2 3 4; do
  "$here/target/release/kitwork" serve --listen "127.0.0.$n:$port" --cores 1 --work "$tmp/work" \
    --db "sqlite://$tmp/k$n.db" --kv "redis://127.0.0.1:$rport" >"$tmp/node$n.log" 2>&1 &
  pids+=($!)
done
for n in 2 3 4; do
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.$n:$port/" && break; sleep 0.2; done
done
redis-cli -p "$rport" del kitwork:limit:all >/dev/null
sleep 1
started=$(date +%s.%N)
drivers=()
for n in 2 3 4; do
  "$OHA" -z "${DURATION}s" -c 16 -q "$RATE" --no-tui --output-format json "http://127.0.0.$n:$port/" >"$tmp/oha$n.json" &
  drivers+=($!)
done
wait "${drivers[@]}"
ended=$(date +%s.%N)
python3 - "$tmp" "$RATE" "$DURATION" "$started" "$ended" "$here" "$(git -C "$here" rev-parse --short HEAD)" <<'PY' | tee "$here/loadtest/runs/$(date +%Y-%m-%d-%H%M)-limit.md"
import json, sys, datetime
tmp, rate, duration, started, ended, here, commit = sys.argv[1:]
rate, duration = float(rate), float(duration)
ok = limited = other = 0
sent = 0
for n in (2, 3, 4):
    d = json.load(open(f"{tmp}/oha{n}.json"))
    codes = d["statusCodeDistribution"]
    ok += codes.get("200", 0)
    limited += codes.get("429", 0)
    other += sum(v for k, v in codes.items() if k not in ("200", "429"))
    sent += sum(codes.values())
admitted = ok / duration
print(f"# A cluster limit's accuracy, {datetime.datetime.utcnow().strftime('%Y-%m-%dT%H:%M:%SZ')}, commit {commit}")
print()
print(f"Three kitwork nodes (one core each) share `limit(\"all\", {{ rate: {rate:g}, burst: 20, scope: \"cluster\" }})` in one Redis; oha drove each at {rate:g} req/s for {duration:g} s.")
print()
print("| sent | 200 | 429 | other | admitted req/s | / limit |")
print("|---:|---:|---:|---:|---:|---:|")
print(f"| {sent} | {ok} | {limited} | {other} | {admitted:.1f} | {admitted / rate:.3f} |")
PY
