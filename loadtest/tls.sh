#!/usr/bin/env bash
# TLS and HTTP/2 side by side with nginx, in one run: each server on core
# 0 (one worker), the load generator on core 1, the same 17-byte JSON
# answer (`return 200` in nginx, the /hello route in kitwork). Rows:
#
#   https-keepalive  HTTP/1.1 over TLS 1.3, 64 kept-alive connections (wrk)
#   handshake-ecdsa  a new connection per request, no resumption (tickets
#                    and session caches off in both), ECDSA P-256 (wrk -H
#                    "Connection: close")
#   handshake-rsa    the same with an RSA-2048 certificate
#   h2c              HTTP/2 cleartext, prior knowledge, 64 connections × 16
#                    streams (h2load -c 64 -m 16)
#   h2-tls           HTTP/2 over TLS (ALPN), the same load
#
# Two load generators on one core cannot saturate a TLS server doing full
# handshakes (the client's share, verifying signatures, costs more than the
# server's): beside req/s, each row gives requests per second of the
# server's own CPU time (from /proc/PID/stat), its capacity whatever the
# client. Prints the table (median of REPS runs; kitwork/nginx ratios of
# both) and keeps it in loadtest/runs/.
#
#   loadtest/tls.sh                      # needs: nginx, wrk, h2load, openssl, curl
#   DURATION=5 REPS=1 loadtest/tls.sh    # quicker
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-10}
REPS=${REPS:-3}
cargo build --release --manifest-path "$here/Cargo.toml" >/dev/null
tmp=$(mktemp -d)
chmod 755 "$tmp"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$tmp/ec.key" \
  -out "$tmp/ec.pem" -days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost 2>/dev/null
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/rsa.key" \
  -out "$tmp/rsa.pem" -days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost 2>/dev/null
chmod 644 "$tmp"/*.key

# nginx: TLS 1.2 and 1.3 (1.22's default stops at 1.2), no resumption on
# the handshake ports, keep-alive without a request limit (its default
# closes an HTTP/2 connection after 1,000 requests).
server_block() { # port cert extra
  cat <<EOF
  server {
    listen 127.0.0.1:$1 $4;
    ${2:+ssl_certificate $tmp/$2.pem; ssl_certificate_key $tmp/$2.key;}
    $3
    location / { default_type application/json; return 200 '{"hello":"world"}'; }
  }
EOF
}
cat >"$tmp/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 100000000;
  ssl_protocols TLSv1.2 TLSv1.3;
$(server_block 18210 ec "" "ssl http2")
$(server_block 18211 ec "ssl_session_tickets off; ssl_session_cache off;" "ssl")
$(server_block 18212 rsa "ssl_session_tickets off; ssl_session_cache off;" "ssl")
$(server_block 18213 "" "" "http2")
}
EOF
taskset -c 0 nginx -c "$tmp/nginx.conf" &
pids+=($!)
nginx_master=$!

mkdir -p "$tmp/work"
echo 'work("Hello").get("/hello", () => ({ hello: "world" }));' >"$tmp/work/hello.js"
# kitwork: one process per certificate and resumption setting, each with
# its cleartext listener (h2c uses the first).
start_kitwork() { # name http https cert resumption
  local sessions="" 
  [ "$5" = off ] && sessions=$'tickets = false\nsession_cache = 0'
  cat >"$tmp/$1.toml" <<EOF
listen = "127.0.0.1:$2"
[https]
listen = "127.0.0.1:$3"
$sessions
[[tls]]
cert = "$tmp/$4.pem"
key = "$tmp/$4.key"
EOF
  taskset -c 0 "$here/target/release/kitwork" serve --config "$tmp/$1.toml" --cores 1 \
    --work "$tmp/work" --db "sqlite://$tmp/$1.db" >"$tmp/$1.log" 2>&1 &
  pids+=($!)
  eval "pid_$1=$!"
}
start_kitwork main 18220 18221 ec on
start_kitwork ec 18222 18223 ec off
start_kitwork rsa 18224 18225 rsa off
for url in https://localhost:18210 https://localhost:18211 https://localhost:18212 http://127.0.0.1:18213 \
  https://localhost:18221 https://localhost:18223 https://localhost:18225 http://127.0.0.1:18220; do
  for _ in $(seq 50); do
    curl -sk -o /dev/null "$url/hello" && break
    sleep 0.2
  done
done

nginx_worker=$(pgrep -P "$nginx_master" | head -1)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# Runs a load command against server `pid`; prints "req/s p99 req/cpu-s".
measure() { # pid command...
  local pid=$1 before after
  shift
  before=$(cpu_ticks "$pid")
  read -r rps p99 < <("$@")
  after=$(cpu_ticks "$pid")
  awk -v r="$rps" -v p="$p99" -v t="$((after - before))" -v d="$DURATION" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%s %s %.0f\n", r, p, (t > 0 ? r * d / (t / hz) : 0) }'
}
wrk_run() { # url [close]
  local close=()
  [ "${2:-}" = close ] && close=(-H "Connection: close")
  taskset -c 1 wrk -t1 -c64 -d"${DURATION}s" --latency "${close[@]}" "$1" |
    awk '/Requests\/sec/ { rps = $2 } $1 == "99%" { p99 = $2 } END { print rps, p99 }'
}
h2load_run() { # url
  taskset -c 1 h2load -c 64 -m 16 -D "$DURATION" "$1" 2>/dev/null |
    awk '/^finished in/ { gsub(",", "", $4); print $4, "-" }'
}
median() { sort -n | awk '{ a[NR] = $0 } END { print a[int((NR + 1) / 2)] }'; }

rows=(
  "https-keepalive|measure $nginx_worker wrk_run https://localhost:18210/hello|measure $pid_main wrk_run https://localhost:18221/hello"
  "handshake-ecdsa|measure $nginx_worker wrk_run https://localhost:18211/hello close|measure $pid_ec wrk_run https://localhost:18223/hello close"
  "handshake-rsa|measure $nginx_worker wrk_run https://localhost:18212/hello close|measure $pid_rsa wrk_run https://localhost:18225/hello close"
  "h2c|measure $nginx_worker h2load_run http://127.0.0.1:18213/hello|measure $pid_main h2load_run http://127.0.0.1:18220/hello"
  "h2-tls|measure $nginx_worker h2load_run https://localhost:18210/hello|measure $pid_main h2load_run https://localhost:18221/hello"
)
out="$here/loadtest/runs/tls-$(date -u +%Y%m%d-%H%M).txt"
mkdir -p "$here/loadtest/runs"
{
  echo "# loadtest/tls.sh, $(date -u +%FT%TZ), DURATION=${DURATION}s REPS=$REPS, $(nginx -v 2>&1 | tr -d '\n'), kitwork $(git -C "$here" rev-parse --short HEAD)"
  printf '%-16s %11s %9s %11s | %11s %9s %11s | %6s %6s\n' row nginx-req/s p99 req/cpu-s kitwork-req/s p99 req/cpu-s ratio cpu-ratio
  for row in "${rows[@]}"; do
    IFS='|' read -r name nginx kitwork <<<"$row"
    n_runs=() k_runs=()
    for _ in $(seq "$REPS"); do
      n_runs+=("$(eval "$nginx")")
      k_runs+=("$(eval "$kitwork")")
    done
    n=$(printf '%s\n' "${n_runs[@]}" | median)
    k=$(printf '%s\n' "${k_runs[@]}" | median)
    read -r n_rps n_p99 n_cpu <<<"$n"
    read -r k_rps k_p99 k_cpu <<<"$k"
    ratio=$(awk -v a="$k_rps" -v b="$n_rps" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
    cpu_ratio=$(awk -v a="$k_cpu" -v b="$n_cpu" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
    printf '%-16s %11s %9s %11s | %11s %9s %11s | %6s %6s\n' "$name" "$n_rps" "$n_p99" "$n_cpu" "$k_rps" "$k_p99" "$k_cpu" "$ratio" "$cpu_ratio"
  done
} | tee "$out"
