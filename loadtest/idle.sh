#!/usr/bin/env bash
# Memory of idle keep-alive connections, proxied: N clients (8,000 unless
# said) each send one GET through a proxy to an nginx upstream (1 KB from
# memory), read the answer and stay connected; the proxy's resident
# memory is read once all are answered and have stayed idle for IDLE
# seconds (8 unless said: kitwork parks an idle connection after 1 s and
# gives freed memory back within 5 s more). nginx `proxy_pass` (one
# worker) and a kitwork proxied route (one core, epoll), one after the
# other. Prints the table and keeps it in loadtest/runs/. Issue 21's
# target: kitwork's memory per idle connection <= nginx's.
#
#   loadtest/idle.sh                         # needs: nginx, python3; ulimit -n > 2N
#   N=2000 loadtest/idle.sh
source "$(dirname "$0")/lib.sh"
N=${N:-8000}
IDLE=${IDLE:-8}
body=$(head -c 1024 /dev/zero | tr '\0' 'k')
cat >"$tmp/upstream.conf" <<CONF
worker_processes 1;
daemon off;
pid $tmp/upstream.pid;
error_log $tmp/upstream-error.log;
events { worker_connections 4096; }
http { access_log off; server { listen 127.0.0.1:18300; location / { default_type text/plain; return 200 '$body'; } } }
CONF
cat >"$tmp/proxy.conf" <<CONF
worker_processes 1;
daemon off;
pid $tmp/proxy.pid;
error_log $tmp/proxy-error.log;
worker_rlimit_nofile $((N * 2 + 1000));
events { worker_connections $((N + 1000)); }
http { access_log off; keepalive_timeout 300s;
  upstream u { server 127.0.0.1:18300; keepalive 64; }
  server { listen 127.0.0.1:18301;
    location / { proxy_pass http://u; proxy_http_version 1.1; proxy_set_header Connection ""; } } }
CONF
mkdir -p "$tmp/work"
cat >"$tmp/work/proxy.js" <<'JS'
upstream("u", { targets: ["127.0.0.1:18300"], keepalive: 64 });
work("Proxy").proxy("/", "u");
JS
cat >"$tmp/hold.py" <<'PY'
import socket, sys, time
port, n = int(sys.argv[1]), int(sys.argv[2])
held = []
for _ in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(b"GET /item HTTP/1.1\r\nHost: t\r\n\r\n")
    buf = b""
    while b"\r\n\r\n" not in buf:
        buf += s.recv(65536)
    head, _, rest = buf.partition(b"\r\n\r\n")
    length = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0].split(b":")[1])
    while len(rest) < length:
        rest += s.recv(65536)
    held.append(s)
print("answered", len(held), flush=True)
time.sleep(float(sys.argv[3]))
PY
nginx -c "$tmp/upstream.conf" &
pids+=($!)
nginx -c "$tmp/proxy.conf" &
pids+=($!)
nginx_master=$!
"$here/target/release/kitwork" serve --listen 127.0.0.1:18302 --cores 1 --io epoll --work "$tmp/work" \
  --db "sqlite://$tmp/k.db" >"$tmp/kitwork.log" 2>&1 &
pids+=($!)
kitwork=$!
sleep 1
nginx_worker=$(pgrep -P "$nginx_master" -f "nginx: worker" | head -1)
rss() { ps -o rss= -p "$1" | tr -d ' '; }
# Prints the RSS (KiB) of `pid` before and with N idle connections to `port`.
hold() {
  local port=$1 pid=$2 before after
  before=$(rss "$pid")
  python3 "$tmp/hold.py" "$port" "$N" $((IDLE + 2)) >"$tmp/held.$port" &
  local client=$!
  for _ in $(seq 1200); do grep -q answered "$tmp/held.$port" 2>/dev/null && break; sleep 0.1; done
  sleep "$IDLE"
  after=$(rss "$pid")
  wait "$client"
  echo "$before $after"
}
read -r nb na < <(hold 18301 "$nginx_worker")
read -r kb ka < <(hold 18302 "$kitwork")
out="$here/loadtest/runs/$(date +%Y-%m-%d-%H%M)-idle.md"
{
  echo "# $N idle keep-alive connections through a proxy, $(date -u +%FT%TZ), commit $(git -C "$here" rev-parse --short HEAD)"
  echo
  echo "Each client sent one GET (1 KB answer from an nginx upstream), read it and stayed connected; resident memory of the proxy process (one worker / one core) once the last had been idle for $IDLE s."
  echo
  echo "| proxy | before, KiB | with $N idle, KiB | per connection, bytes |"
  echo "|---|---:|---:|---:|"
  echo "| nginx proxy_pass | $nb | $na | $(( (na - nb) * 1024 / N )) |"
  echo "| kitwork .proxy() | $kb | $ka | $(( (ka - kb) * 1024 / N )) |"
} | tee "$out"
echo "saved to $out"
