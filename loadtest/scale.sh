#!/usr/bin/env bash
# Throughput against the cores given: a script route (`/hello`, JSON) on
# kitwork with --cores 1 and --cores 2, and nginx's `return 200` with
# worker_processes 1 and 2 as the anchor, in the same run, taken in
# turns. With one core the server is pinned to core 0 and wrk to core 1;
# with two the server may use both and wrk shares them (this machine has
# two), so the second column is what two cores give with the load
# generator on them too. Each is driven twice: one request per round trip
# (where wrk's own cost per request is as large as the server's), and 16
# pipelined per write (loadtest/pipeline.lua: wrk's cost per request
# small, so the server's cores decide). Prints the table and keeps it in
# loadtest/runs/.
#
#   loadtest/scale.sh                        # needs: nginx, wrk
#   DURATION=3s REPS=3 loadtest/scale.sh
source "$(dirname "$0")/lib.sh"
DURATION=${DURATION:-5s}
REPS=${REPS:-5}
CONNS=${CONNS:-64}
mkdir -p "$tmp/work"
echo 'work("Hello").get("/hello", () => ({ hello: "world" }));' >"$tmp/work/hello.js"
for n in 1 2; do
  cat >"$tmp/nginx$n.conf" <<CONF
worker_processes $n;
daemon off;
pid $tmp/nginx$n.pid;
error_log $tmp/nginx$n-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  server { listen 127.0.0.1:1810$n; location / { default_type application/json; return 200 '{"hello":"world"}'; } }
}
CONF
done
taskset -c 0 nginx -c "$tmp/nginx1.conf" &
pids+=($!)
nginx -c "$tmp/nginx2.conf" &
pids+=($!)
taskset -c 0 "$here/target/release/kitwork" serve --listen 127.0.0.1:18111 --cores 1 \
  --work "$tmp/work" --db "sqlite://$tmp/k1.db" >"$tmp/k1.log" 2>&1 &
pids+=($!)
"$here/target/release/kitwork" serve --listen 127.0.0.1:18112 --cores 2 \
  --work "$tmp/work" --db "sqlite://$tmp/k2.db" >"$tmp/k2.log" 2>&1 &
pids+=($!)
for port in 18101 18102 18111 18112; do wait_http "$port" /hello; done
declare -A runs
for _ in $(seq "$REPS"); do
  for what in "nginx 1 18101" "nginx 2 18102" "kitwork 1 18111" "kitwork 2 18112"; do
    set -- $what
    if [ "$2" = 1 ]; then pin="taskset -c 1"; else pin=""; fi
    r=$($pin wrk -t2 -c"$CONNS" -d"$DURATION" "http://127.0.0.1:$3/hello" | awk '/Requests\/sec/ { printf "%d", $2 }')
    runs[$1-$2]+="$r "
    r=$($pin wrk -t2 -c"$CONNS" -d"$DURATION" -s "$here/loadtest/pipeline.lua" "http://127.0.0.1:$3/hello" |
      awk '/Requests\/sec/ { printf "%d", $2 }')
    runs[$1-$2-p]+="$r "
  done
done
med() { echo "${runs[$1]}" | tr ' ' '\n' | grep . | median; }
out="$here/loadtest/runs/$(date +%Y-%m-%d-%H%M)-scale.md"
{
  echo "# Throughput against cores, $(date -u +%FT%TZ), commit $(git -C "$here" rev-parse --short HEAD)"
  echo
  echo "wrk -t2 -c$CONNS -d$DURATION, $REPS runs each, taken in turns; median req/s (each run's in brackets). One core: the server on core 0, wrk on core 1. Two cores: the server on both, wrk sharing them."
  echo
  echo "| | 1 core | 2 cores | 2 cores / 1 core |"
  echo "|---|---:|---:|---:|"
  for p in "" -p; do
    for s in nginx kitwork; do
      a=$(med "$s-1$p") b=$(med "$s-2$p")
      echo "| $s${p:+, pipelined} ($(echo ${runs[$s-1$p]}) / $(echo ${runs[$s-2$p]})) | $a | $b | $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", b / a }') |"
    done
  done
  for p in "" -p; do
    k1=$(med "kitwork-1$p") n1=$(med "nginx-1$p") k2=$(med "kitwork-2$p") n2=$(med "nginx-2$p")
    echo
    echo "kitwork / nginx${p:+, pipelined}: $(awk -v a="$k1" -v b="$n1" 'BEGIN { printf "%.2f", a / b }') on one core, $(awk -v a="$k2" -v b="$n2" 'BEGIN { printf "%.2f", a / b }') on two."
  done
} | tee "$out"
echo "saved to $out"
