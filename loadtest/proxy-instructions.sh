#!/usr/bin/env bash
# Instructions per proxied request (user space, callgrind), kitwork's
# `.proxy()` beside nginx `proxy_pass` with upstream keepalive, in one
# run: the figure that repeats where proxy.sh's req/s swing with the
# machine. Each proxy runs under valgrind in front of an nginx upstream
# answering 1 KB from memory, and answers LOW and then HIGH GETs over one
# keep-alive connection, one at a time and then pipelined 16 deep;
# (HIGH run - LOW run) / (HIGH - LOW) takes start-up and shutdown out.
# The kernel's share (the four socket calls a proxied request makes
# either way) is not counted: `loadtest/proxy.sh` measures the whole.
#
#   loadtest/proxy-instructions.sh           # needs: valgrind, nginx, python3, curl
#   LOW=500 HIGH=3000 loadtest/proxy-instructions.sh
#   KITWORK=/path/to/other/build loadtest/proxy-instructions.sh   # compare builds
source "$(dirname "$0")/lib.sh"
kitwork=${KITWORK:-$here/target/release/kitwork}
build="commit $(git -C "$here" rev-parse --short HEAD)"
[ -n "${KITWORK:-}" ] && build="$KITWORK"
low=${LOW:-1000}
high=${HIGH:-5000}
body=$(head -c 1024 /dev/zero | tr '\0' 'k')
nginx_conf upstream "" "server { listen 127.0.0.1:18120; keepalive_requests 1000000;
  location / { default_type text/plain; return 200 '$body'; } }"
nginx -c "$tmp/upstream.conf" &
pids+=($!)
wait_http 18120 /item
mkdir -p "$tmp/work"
cat >"$tmp/work/proxy.js" <<'JS'
upstream("u", { targets: ["127.0.0.1:18120"], keepalive: 64 });
work("Proxy").proxy("/", "u");
JS

# Prints the instructions of a proxy run (kitwork or nginx) that answers
# N requests DEPTH at a time.
count() {
  local what=$1 n=$2 depth=$3 port=$((20000 + RANDOM % 20000))
  local cmd
  if [ "$what" = nginx ]; then
    nginx_conf proxy "master_process off;" "upstream u { server 127.0.0.1:18120; keepalive 64; keepalive_requests 1000000; }
  server { listen 127.0.0.1:$port; keepalive_requests 1000000;
    location / { proxy_pass http://u; proxy_http_version 1.1; proxy_set_header Connection \"\"; } }"
    cmd=(nginx -c "$tmp/proxy.conf")
  else
    cmd=("$kitwork" serve --listen "127.0.0.1:$port" --cores 1
      --work "$tmp/work" --db "sqlite://$tmp/k.db")
  fi
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.out" "${cmd[@]}" >"$tmp/server.log" 2>&1 &
  local pid=$!
  for _ in $(seq 100); do
    python3 -c "import socket; socket.create_connection(('127.0.0.1', $port))" 2>/dev/null && break
    sleep 0.2
  done
  python3 "$here/loadtest/pipelined.py" "$port" "$n" "$depth" /item
  kill -TERM "$pid"
  wait "$pid" || true
  grep 'refs:' "$tmp/server.log" | awk '{gsub(",", "", $NF); print $NF}'
}

mkdir -p "$here/loadtest/runs"
out="$here/loadtest/runs/$(date +%Y-%m-%d-%H%M)-$(hostname -s)-proxy-instructions.md"
# Two runs in one minute (two builds compared) keep both files.
[ -e "$out" ] && out="${out%.md}-$(date +%S).md"
{
  echo "# Instructions per proxied request (callgrind), $(date -u +%FT%TZ), $build"
  echo
  echo "GET of a 1 KB answer from an nginx upstream; user space only."
  echo
  echo "| proxy | one at a time | pipelined x16 | / nginx, pipelined |"
  echo "|---|---:|---:|---:|"
  declare -A per
  for what in nginx kitwork; do
    row=""
    for depth in 1 16; do
      a=$(count "$what" "$low" "$depth")
      b=$(count "$what" "$high" "$depth")
      per[$what.$depth]=$(( (b - a) / (high - low) ))
      row+=" ${per[$what.$depth]} |"
    done
    ratio=$(awk -v k="${per[$what.16]}" -v n="${per[nginx.16]}" 'BEGIN { printf "%.2f", k / n }')
    name="nginx proxy_pass, keepalive 64"
    [ "$what" = kitwork ] && name="kitwork .proxy()"
    echo "| $name |$row $ratio |"
  done
} | tee "$out"
echo "saved to $out"
