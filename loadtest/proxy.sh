#!/usr/bin/env bash
# Proxying side by side: a GET whose answer is a 1 KB body from an nginx
# upstream (core 1, with wrk), through nginx `proxy_pass` with upstream
# keepalive, HAProxy (`http-reuse always`) and a kitwork proxied route
# (`work().proxy`), each proxy on core 0, one process and one thread,
# taken in turns. Prints the table and keeps it in loadtest/runs/.
# Issue 21's target: kitwork's req/s >= nginx's and HAProxy's, p99 <= nginx's.
#
# Then, when oha is installed, the same proxies at equal rates: wrk is a
# closed loop, so a proxy that serves more also takes more of the core wrk
# shares with the upstream, and the p99s compare different loads. oha
# sends at a fixed rate (`-q`, latency counted from when each request was
# due: `--latency-correction`) at SHARES of the slowest proxy's median.
#
#   loadtest/proxy.sh                        # needs: nginx, haproxy, wrk, curl
#   DURATION=3s REPS=3 loadtest/proxy.sh
#   cargo install oha --locked               # for the equal-rate table
#   SHARES="0.5 0.8" OHA=/path/to/oha loadtest/proxy.sh
source "$(dirname "$0")/lib.sh"
DURATION=${DURATION:-5s}
REPS=${REPS:-5}
CONNS=${CONNS:-64}
SHARES=${SHARES:-0.5 0.8}
OHA=${OHA:-$(command -v oha || true)}
body=$(head -c 1024 /dev/zero | tr '\0' 'k')
# The upstream: 1 KB from memory, on core 1.
nginx_conf upstream "worker_cpu_affinity 10;" "server { listen 127.0.0.1:18100; keepalive_requests 1000000; location / { default_type text/plain; return 200 '$body'; } }"
nginx -c "$tmp/upstream.conf" &
pids+=($!)
nginx_conf proxy "worker_cpu_affinity 01;" "upstream u { server 127.0.0.1:18100; keepalive 64; keepalive_requests 1000000; }
  server { listen 127.0.0.1:18101; keepalive_requests 1000000;
    location / { proxy_pass http://u; proxy_http_version 1.1; proxy_set_header Connection \"\"; } }"
nginx -c "$tmp/proxy.conf" &
pids+=($!)
cat >"$tmp/haproxy.cfg" <<CONF
global
  nbthread 1
  cpu-map 1/1 0
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  http-reuse always
frontend f
  bind 127.0.0.1:18102
  default_backend b
backend b
  server s1 127.0.0.1:18100
CONF
taskset -c 0 haproxy -f "$tmp/haproxy.cfg" -db >"$tmp/haproxy.log" 2>&1 &
pids+=($!)
mkdir -p "$tmp/work"
cat >"$tmp/work/proxy.js" <<'JS'
upstream("u", { targets: ["127.0.0.1:18100"], keepalive: 64 });
work("Proxy").proxy("/", "u");
JS
taskset -c 0 "$here/target/release/kitwork" serve --listen 127.0.0.1:18103 --cores 1 \
  --work "$tmp/work" --db "sqlite://$tmp/k.db" >"$tmp/kitwork.log" 2>&1 &
pids+=($!)
for port in 18100 18101 18102 18103; do
  wait_http "$port" /item
  [ "$(curl -s "http://127.0.0.1:$port/item")" = "$body" ] || { echo "port $port did not answer the body" >&2; exit 1; }
done
rps() {
  taskset -c 1 wrk -t1 -c"$CONNS" -d"$DURATION" --latency "http://127.0.0.1:$1/item" |
    awk '/Requests\/sec/ { r = $2 } / 99%/ { p = $2 } END { print r, p }'
}
declare -A runs p99s
for _ in $(seq "$REPS"); do
  for port in 18101 18102 18103; do
    read -r r p < <(rps "$port")
    runs[$port]+="$r "
    p99s[$port]+="$p "
  done
done
med() { printf '%s\n' ${runs[$1]} | median; }
n=$(med 18101)
# Equal rates: req/s, p50 and p99 (ms) and the answers that were not 200.
at_rate() {
  taskset -c 1 "$OHA" -z "$DURATION" -c "$CONNS" -q "$2" --latency-correction --no-tui \
    --output-format json --worker-threads 1 "http://127.0.0.1:$1/item" >"$tmp/oha.json"
  python3 - "$tmp/oha.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
bad = sum(n for code, n in d["statusCodeDistribution"].items() if code != "200")
bad += sum(n for e, n in d["errorDistribution"].items() if "deadline" not in e)
p = d["latencyPercentiles"]
print(round(d["summary"]["requestsPerSec"]), f"{p['p50'] * 1e3:.2f}", f"{p['p99'] * 1e3:.2f}", bad)
PY
}
declare -A rated
rates=()
if [ -n "$OHA" ]; then
  slowest=$(for port in 18101 18102 18103; do med "$port"; done | sort -n | head -1)
  for share in $SHARES; do rates+=("$(python3 -c "print(int($slowest * $share) // 100 * 100)")"); done
  for _ in $(seq "$REPS"); do
    for rate in "${rates[@]}"; do
      for port in 18101 18102 18103; do
        read -r r p50 p99 bad < <(at_rate "$port" "$rate")
        rated[$port:$rate:rps]+="$r "
        rated[$port:$rate:p50]+="$p50 "
        rated[$port:$rate:p99]+="$p99 "
        rated[$port:$rate:bad]=$(( ${rated[$port:$rate:bad]:-0} + bad ))
      done
    done
  done
fi
out="$here/loadtest/runs/$(date +%Y-%m-%d-%H%M)-proxy.md"
{
  echo "# Proxying a 1 KB answer, $(date -u +%FT%TZ), commit $(git -C "$here" rev-parse --short HEAD)"
  echo
  echo "wrk -t1 -c$CONNS -d$DURATION; each proxy on core 0 (one process, one thread), the nginx upstream and wrk on core 1; $REPS runs each in turns."
  echo
  echo "| proxy | req/s, each run | median | p99, each run | / nginx |"
  echo "|---|---|---:|---|---:|"
  for row in "nginx proxy_pass, keepalive 64:18101" "HAProxy, http-reuse always:18102" "kitwork .proxy():18103"; do
    name=${row%:*} port=${row##*:}
    m=$(med "$port")
    echo "| $name | ${runs[$port]}| $m | ${p99s[$port]}| $(python3 -c "print(f'{$m / $n:.2f}')") |"
  done
  echo
  if [ -z "$OHA" ]; then
    echo "Equal rates: not run (no oha; \`cargo install oha --locked\`, or OHA=path)."
  else
    echo "Equal rates: $("$OHA" --version), \`-q RATE -c$CONNS -z$DURATION --latency-correction\`, one thread on core 1; RATE = $SHARES of the slowest median above; $REPS runs each in turns. p50 and p99 in ms, medians of the runs."
    echo
    echo "| proxy | rate asked | req/s, median | p50 | p99 | p99, each run | not 200 |"
    echo "|---|---:|---:|---:|---:|---|---:|"
    for rate in "${rates[@]}"; do
      for row in "nginx proxy_pass:18101" "HAProxy:18102" "kitwork .proxy():18103"; do
        name=${row%:*} port=${row##*:}
        mm() { printf '%s\n' ${rated[$port:$rate:$1]} | median; }
        echo "| $name | $rate | $(mm rps) | $(mm p50) | $(mm p99) | ${rated[$port:$rate:p99]}| ${rated[$port:$rate:bad]} |"
      done
    done
  fi
} | tee "$out"
echo "saved to $out"
