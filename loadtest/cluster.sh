#!/usr/bin/env bash
# Three kitwork nodes as a cluster, under load, through faults: nodes on
# 127.0.0.2-4 (one core each, limits.drain_delay_ms = 1000), a PostgreSQL
# primary and synchronous streaming replica of this script's own
# (scripts/pg-pair.sh; the nodes' URL names both with
# target_session_attrs=read-write, their reads go to the replica), a
# Redis of its own that keeps every write (appendfsync always), HAProxy
# in front checking each node's /__kitwork/ready. wrk (one connection per
# thread: each thread is one client) drives the balancer for DURATION
# seconds while, in turn: one node gets SIGTERM (and is started again),
# one gets SIGKILL (and is started again), Redis is stopped and started,
# the primary is stopped and the replica promoted, a deploy that fails
# on one node is refused, and `kitwork deploy` switches every node to
# version 2. Counted after: wrk's answers and errors, the rows and keys
# written against the 2xx answers, each client's answers from version 1
# after version 2, and what each fault cost. Keeps the report in
# loadtest/runs/.
#
#   loadtest/cluster.sh                      # needs: haproxy, wrk, redis-server, PostgreSQL's server binaries
#   DURATION=40 loadtest/cluster.sh
source "$(dirname "$0")/lib.sh"
DURATION=${DURATION:-36}
# What the fault sequence starts again (in a shell of its own) ends too.
: >"$tmp/started"
trap 'while read -r p; do kill "$p" 2>/dev/null || true; done <"$tmp/started"; cleanup' EXIT
CONNS=${CONNS:-16}
pgport=$((20000 + RANDOM % 10000)) replport=$((pgport + 1))
pgdir=/tmp/kitwork-cluster-pg-$$
"$here/scripts/pg-pair.sh" start "$pgdir" "$pgport" "$replport"
trap 'while read -r p; do kill "$p" 2>/dev/null || true; done <"$tmp/started"; "$here/scripts/pg-pair.sh" stop "$pgdir"; cleanup' EXIT
psql_at() { psql -h 127.0.0.1 -p "$1" -U postgres -d postgres -qtAc "$2"; }
psql_at "$pgport" "CREATE TABLE kw_cluster (id SERIAL PRIMARY KEY, node TEXT, v TEXT)"
pg="postgres://postgres@127.0.0.1:$pgport,127.0.0.1:$replport/postgres?target_session_attrs=read-write"
replica="postgres://postgres@127.0.0.1:$replport/postgres"
rport=$((30000 + RANDOM % 2000))
mkdir -p "$tmp/redis"
start_redis() {
  redis-server --bind 127.0.0.1 --port "$rport" --save '' --appendonly yes --appendfsync always \
    --dir "$tmp/redis" >>"$tmp/redis.log" 2>&1 &
  redis_pid=$!
  pids+=($redis_pid)
  echo "$redis_pid" >>"$tmp/started"
  for _ in $(seq 50); do [ "$(redis-cli -p "$rport" ping 2>/dev/null)" = PONG ] && return; sleep 0.1; done
}
start_redis
port=$((20000 + RANDOM % 20000)) admin=$((port + 1)) front=$((port + 2))
token=cluster-$RANDOM$RANDOM
app() {
  cat <<JS
${2:-}
work("Cluster").get("/w", () => {
  db().query("SELECT 1 AS one");
  const row = db().table("kw_cluster").insert({ node: env.NODE, v: "$1" });
  kv().set("w:" + row.id, "$1");
  return { v: "$1", id: row.id, node: env.NODE };
});
JS
}
declare -A node_pid
start_node() {
  local n=$1 dir="$tmp/node$1"
  mkdir -p "$dir/work"
  [ -f "$dir/work/app.js" ] || app 1 >"$dir/work/app.js"
  cat >"$dir/kitwork.toml" <<TOML
admin_token = "$token"
[limits]
drain_delay_ms = 1000
[database]
replicas = ["$replica"]
[env]
NODE = "$n"
[kv]
timeout_ms = 500
TOML
  (cd "$dir" && exec "$here/target/release/kitwork" serve --listen "127.0.0.$n:$port" --admin "127.0.0.$n:$admin" \
    --cores 1 --work work --db "$pg" --kv "redis://127.0.0.1:$rport" >>"$dir/log" 2>&1) &
  node_pid[$n]=$!
  pids+=($!)
  echo "$!" >>"$tmp/started"
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.$n:$admin/__kitwork/ready" && return; sleep 0.1; done
}
for n in 2 3 4; do start_node "$n"; done
cat >"$tmp/haproxy.cfg" <<CONF
global
  nbthread 1
defaults
  mode http
  timeout connect 1s
  timeout client 10s
  timeout server 10s
  retries 3
  option redispatch
frontend f
  bind 127.0.0.1:$front
  default_backend nodes
backend nodes
  balance roundrobin
  option httpchk GET /__kitwork/ready
  default-server check port $admin inter 250ms fall 1 rise 2
  server n2 127.0.0.2:$port
  server n3 127.0.0.3:$port
  server n4 127.0.0.4:$port
CONF
haproxy -f "$tmp/haproxy.cfg" -db >"$tmp/haproxy.log" 2>&1 &
pids+=($!)
wait_http "$front" /w
mkdir -p "$tmp/v2" "$tmp/bad"
app 2 >"$tmp/v2/app.js"
app bad 'if (env.NODE === "4") throw new Error("not on node 4");' >"$tmp/bad/app.js"
t0=$(date +%s.%N)
at() { echo "$(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN { printf "+%.1fs", a - b }') $*" >>"$tmp/timeline"; }
events() {
  sleep 4
  at "SIGTERM node 2"; kill -TERM "${node_pid[2]}"; wait "${node_pid[2]}" 2>/dev/null || true
  sleep 2; at "node 2 started again"; start_node 2
  sleep 2; at "SIGKILL node 3"; kill -KILL "${node_pid[3]}"; wait "${node_pid[3]}" 2>/dev/null || true
  sleep 2; at "node 3 started again"; start_node 3
  sleep 3; at "Redis stopped"; kill -TERM "$redis_pid"; wait "$redis_pid" 2>/dev/null || true
  sleep 2; at "Redis started again"; start_redis
  sleep 3; at "primary stopped, replica promoted"; "$here/scripts/pg-pair.sh" promote "$pgdir"
  sleep 3; at "kitwork deploy of a version that fails on node 4"
  "$here/target/release/kitwork" deploy --to "127.0.0.2:$admin,127.0.0.3:$admin,127.0.0.4:$admin" \
    --token "$token" --no-migrations "$tmp/bad" >>"$tmp/timeline" 2>&1 && at "(it was not refused)"
  at "refused"
  sleep 2; at "kitwork deploy of version 2"
  "$here/target/release/kitwork" deploy --to "127.0.0.2:$admin,127.0.0.3:$admin,127.0.0.4:$admin" \
    --token "$token" --no-migrations "$tmp/v2" >>"$tmp/timeline" 2>&1
  at "deploy acknowledged"
}
: >"$tmp/timeline"
t0=$(date +%s.%N)
events &
ev=$!
at "load starts"
taskset -c 1 wrk -t"$CONNS" -c"$CONNS" -d"${DURATION}s" --latency -s "$here/loadtest/cluster.lua" \
  "http://127.0.0.1:$front/w" >"$tmp/wrk.txt"
wait "$ev"
at "load ends"
keys=$(redis-cli -p "$rport" --scan --pattern 'w:*' | wc -l)
rows=$(psql_at "$replport" "SELECT count(*) FROM kw_cluster")
v2_rows=$(psql_at "$replport" "SELECT count(*) FROM kw_cluster WHERE v = '2'")
mixed=$(awk '/^mixed/ { n += $2 } END { print n + 0 }' "$tmp/wrk.txt")
bad=$(awk '/^second/ { n += $6 } END { print n + 0 }' "$tmp/wrk.txt")
total=$(awk '/requests in/ { print $1 }' "$tmp/wrk.txt")
non2xx=$(awk '/Non-2xx/ { print $NF }' "$tmp/wrk.txt")
errors=$(awk '/Socket errors/ { print }' "$tmp/wrk.txt")
ok=$((total - ${non2xx:-0}))
out="$here/loadtest/runs/$(date +%Y-%m-%d-%H%M)-cluster.md"
{
  echo "# Three nodes through faults, $(date -u +%FT%TZ), commit $(git -C "$here" rev-parse --short HEAD)"
  echo
  echo "Nodes on 127.0.0.2-4 (one core each, drain_delay_ms 1000), HAProxy (roundrobin, /__kitwork/ready checked every 250 ms) in front, a PostgreSQL primary and synchronous replica (promoted mid-run), Redis with appendfsync always (restarted mid-run). wrk -t$CONNS -c$CONNS -d${DURATION}s (each thread one client); each request reads on the replica, inserts a row and sets a Redis key."
  echo
  echo '```'
  cat "$tmp/timeline"
  echo '```'
  echo
  echo "| requests | 2xx | not 2xx | socket errors | rows on the promoted primary | of them version 2 | Redis keys | version 1 after version 2, per client | answers from the refused version |"
  echo "|---:|---:|---:|---|---:|---:|---:|---:|---:|"
  echo "| $total | $ok | ${non2xx:-0} | ${errors:-none} | $rows | $v2_rows | $keys | $mixed | $bad |"
  echo
  echo "Answers per second of the run (+s from the start of the load; the events above at their offsets):"
  echo
  echo "| second | 2xx | not 2xx | 2xx from version 1 |"
  echo "|---:|---:|---:|---:|"
  start=${t0%.*}
  awk -v s="$start" '/^second/ { ok[$2] += $3; no[$2] += $4; v1[$2] += $5 } END { for (t in ok) printf "| +%d | %d | %d | %d |\n", t - s, ok[t], no[t], v1[t] }' "$tmp/wrk.txt" | sort -t+ -k2 -n
  echo
  echo "Rows against 2xx answers: $((rows - ok)) more rows than 2xx answers; keys: $((keys - ok)) more (a request that failed after its insert, or its key, leaves them)."
  echo
  echo "HAProxy's view:"
  echo '```'
  grep -E "is DOWN|is UP" "$tmp/haproxy.log" | sed 's/^.*Server/Server/' | head -20
  echo '```'
} | tee "$out"
echo "saved to $out"
