#!/usr/bin/env bash
# The seed's order route (work/order_processor.js: two queries in
# parallel() per request) served by kitwork on one pinned core from
# PostgreSQL, beside `pgbench -S` (one primary-key select per transaction)
# on the same server with the same number of connections. Clients (wrk,
# pgbench) run on the last CPU, kitwork on CPU 0; PostgreSQL floats.
#
#   loadtest/db.sh                      # needs: PostgreSQL (scripts/postgres.sh), wrk
#   DURATION=5 CONNS=64 loadtest/db.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
duration=${DURATION:-10}
conns=${CONNS:-64}
client_cpu=$(( $(nproc) - 1 ))
"$here/scripts/postgres.sh" >/dev/null
cargo build --release --manifest-path "$here/Cargo.toml" >/dev/null
kw="$here/target/release/kitwork"
db=kitwork_bench
psql -q -h 127.0.0.1 -U postgres -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
url="postgres://postgres@127.0.0.1:5432/$db"
"$kw" migrate --db "$url" "$here/migrations" >/dev/null
pgbench -q -i -s 1 -h 127.0.0.1 -U postgres "$db" >/dev/null 2>&1

pg_tps=$(taskset -c "$client_cpu" pgbench -S -n -c "$conns" -j 1 -T "$duration" -h 127.0.0.1 -U postgres "$db" 2>/dev/null \
  | awk '/^tps/ {print int($3)}')

port=18091
"$kw" serve --listen 127.0.0.1:$port --cores 1 --db "$url" --work "$here/work" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do curl -s -o /dev/null "http://127.0.0.1:$port/hello" && break; sleep 0.1; done
# Warm the connections and prepared statements, then measure.
taskset -c "$client_cpu" wrk -t1 -c"$conns" -d2s -s "$here/loadtest/order.lua" "http://127.0.0.1:$port/v1/process" >/dev/null
kw_out=$(taskset -c "$client_cpu" wrk -t1 -c"$conns" -d"${duration}s" --latency -s "$here/loadtest/order.lua" "http://127.0.0.1:$port/v1/process")
kw_rps=$(echo "$kw_out" | awk '/^Requests\/sec/ {print int($2)}')
errors=$(echo "$kw_out" | awk '/Non-2xx|Socket errors/ {print}')
p50=$(echo "$kw_out" | awk '$1 == "50%" {print $2}')
p99=$(echo "$kw_out" | awk '$1 == "99%" {print $2}')
kill $server; wait $server 2>/dev/null || true
trap - EXIT

# parallel() of two 50 ms queries, 20 times: each should take ~50 ms, not 100.
cat > /tmp/kitwork-parallel-$$.js <<'JS'
const times = [];
for (let i = 0; i < 20; i++) {
  const t = Date.now();
  parallel([() => db().query("SELECT pg_sleep(0.05)"), () => db().query("SELECT pg_sleep(0.05)")]);
  times.push(Date.now() - t);
}
times.sort((a, b) => a - b);
console.log(times[10], times[18]);
JS
read -r par_p50 par_p95 < <("$kw" run --db "$url" /tmp/kitwork-parallel-$$.js)
rm -f /tmp/kitwork-parallel-$$.js

mkdir -p "$here/loadtest/runs"
out="$here/loadtest/runs/$(date +%Y-%m-%d-%H%M)-$(hostname -s)-db.md"
{
echo "# PostgreSQL: the seed's order route vs pgbench -S, $(date -u +%FT%TZ), commit $(git -C "$here" rev-parse --short HEAD), $(nproc) cores, $conns connections, ${duration}s"
echo
echo "| what | per second | p50 | p99 |"
echo "|---|---:|---:|---:|"
echo "| pgbench -S (1 select / transaction) | $pg_tps tps | | |"
echo "| kitwork POST /v1/process (2 selects / request, 1 core) | $kw_rps req/s | $p50 | $p99 |"
echo
awk -v k="$kw_rps" -v p="$pg_tps" 'BEGIN { printf "ratio kitwork / pgbench -S: %.2f (requests), %.2f (queries)\n", k / p, 2 * k / p }'
echo "parallel() of two 50 ms queries: median ${par_p50} ms, 95th percentile ${par_p95} ms (sequential would be 100)"
[ -z "$errors" ] || echo "wrk reported: $errors"
} | tee "$out"
echo "saved to $out"
