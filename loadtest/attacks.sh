#!/usr/bin/env bash
# Hostile clients against kitwork and nginx, one after the other, on the
# same machine and the same timeouts (head 10 s, body 60 s, send 60 s):
# slowloris (slowhttptest -H), slow read (slowhttptest -X, a 200 KB
# answer read a few bytes at a time) and descriptor exhaustion (the server
# started under `ulimit -n 64`, 100 connections opened and closed). For
# each: the server's RSS before, during and after, /hello's p99 from wrk
# during the attack, and whether /hello answers afterwards.
#
#   loadtest/attacks.sh          # needs: nginx, wrk, slowhttptest (apt-get install …)
#   LENGTH=20 SERVERS=kitwork loadtest/attacks.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
length=${LENGTH:-30}
cargo build --release --manifest-path "$here/Cargo.toml" >/dev/null
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

mkdir -p "$tmp/work" "$tmp/www"
cat > "$tmp/work/a.js" <<'JS'
work("A").get("/hello", () => ({ message: "hello" })).get("/big", () => "x".repeat(200000));
JS
head -c 200000 /dev/zero | tr '\0' x > "$tmp/www/big"
cat > "$tmp/nginx.conf" <<NGX
worker_processes 1;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
events { worker_connections 10240; }
http {
  access_log off;
  client_header_timeout 10s;
  client_body_timeout 60s;
  send_timeout 60s;
  server {
    listen 127.0.0.1:18391;
    location = /hello { default_type application/json; return 200 '{"message":"hello"}'; }
    location = /big { root $tmp/www; }
  }
}
NGX

start() { # name, port, ulimit → sets $pid
  local name=$1 port=$2 limit=$3
  if [ "$name" = kitwork ]; then
    sh -c "ulimit -n $limit; exec $here/target/release/kitwork serve --listen 127.0.0.1:$port --cores 1 --work $tmp/work --db sqlite://$tmp/k.db" >"$tmp/kitwork.out" 2>"$tmp/kitwork.err" &
    pid=$!
  else
    sh -c "ulimit -n $limit; exec nginx -c $tmp/nginx.conf -g 'daemon off;'" 2>"$tmp/nginx.err" &
    pid=$!
  fi
  pids+=("$pid")
  for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/hello" && return; sleep 0.1; done
}
rss() { awk '/VmRSS/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
# The nginx worker is the child of the master.
server_pid() { local p=$1; local c; c=$(pgrep -P "$p" | head -1 || true); echo "${c:-$p}"; }

echo "# Attacks, $(date -u +%FT%TZ), commit $(git -C "$here" rev-parse --short HEAD), $(nproc) cores, ${length} s each"
echo
echo "| server | attack | RSS before KiB | during KiB | after KiB | /hello p99 during | /hello after |"
echo "|---|---|---:|---:|---:|---:|---|"
for name in ${SERVERS:-kitwork nginx}; do
  port=$([ "$name" = kitwork ] && echo 18390 || echo 18391)
  for attack in slowloris slowread; do
    start "$name" "$port" 65536
    sp=$(server_pid "$pid")
    before=$(rss "$sp")
    if [ "$attack" = slowloris ]; then
      slowhttptest -H -c 1000 -i 2 -r 200 -l "$length" -u "http://127.0.0.1:$port/hello" -p 3 >"$tmp/slow.log" 2>&1 &
    else
      slowhttptest -X -c 500 -r 200 -w 512 -y 1024 -n 5 -z 32 -k 3 -l "$length" -u "http://127.0.0.1:$port/big" -p 3 >"$tmp/slow.log" 2>&1 &
    fi
    attacker=$!
    sleep $((length / 2))
    p99=$(wrk -t1 -c8 -d5s --latency "http://127.0.0.1:$port/hello" 2>/dev/null | awk '/ 99%/ {print $2}')
    during=$(rss "$sp")
    wait "$attacker" || true
    sleep 7
    after=$(rss "$sp")
    ok=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/hello" || echo none)
    echo "| $name | $attack | $before | $during | $after | ${p99:-none} | $ok |"
    kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
    sleep 1
  done
  # Descriptors: 64 for the whole process, 100 connections opened, then closed.
  start "$name" "$port" 64
  sp=$(server_pid "$pid")
  python3 - "$port" <<'PY' > "$tmp/fd.txt"
import socket, sys, time, urllib.request
port = int(sys.argv[1])
held = []
for _ in range(100):
    try:
        held.append(socket.create_connection(("127.0.0.1", port), timeout=2))
    except OSError:
        pass
time.sleep(2)
for s in held:
    s.close()
start = time.time()
while time.time() - start < 10:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/hello", timeout=1).read()
        print(f"served again {time.time() - start:.2f} s after the clients left")
        break
    except Exception:
        time.sleep(0.05)
else:
    print("not served within 10 s after the clients left")
PY
  lines=$([ "$name" = kitwork ] && wc -l < "$tmp/kitwork.err" || wc -l < "$tmp/nginx-error.log")
  echo "| $name | 100 connections under ulimit -n 64 | | | | | $(cat "$tmp/fd.txt"); $lines log lines |"
  kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
  sleep 1
done
