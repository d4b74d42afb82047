#!/usr/bin/env bash
# A 4 KB static file side by side: nginx (`sendfile on`, its
# `open_file_cache` off as Debian ships it) and a kitwork static folder
# (`work().static`), each on core 0 with wrk on core 1, taken in turns.
# Prints the table and keeps it in loadtest/runs/. Issue 21's target:
# kitwork req/s >= nginx's.
#
#   loadtest/static.sh                       # needs: nginx, wrk, curl
#   DURATION=3s REPS=3 SIZE=65536 loadtest/static.sh
source "$(dirname "$0")/lib.sh"
DURATION=${DURATION:-5s}
REPS=${REPS:-5}
CONNS=${CONNS:-64}
SIZE=${SIZE:-4096}
mkdir -p "$tmp/public" "$tmp/work"
# Through a file: a reader that stops early would fail the pipeline.
head -c "$SIZE" /dev/urandom | base64 -w 76 >"$tmp/text"
head -c "$SIZE" "$tmp/text" >"$tmp/public/file.txt"
chmod -R a+rX "$tmp"
echo 'work("Site").static("/", "public");' >"$tmp/work/site.js"
cat >"$tmp/nginx.conf" <<CONF
worker_processes 1;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  types { text/plain txt; }
  server { listen 127.0.0.1:18097; root $tmp/public; }
}
CONF
taskset -c 0 nginx -c "$tmp/nginx.conf" &
pids+=($!)
taskset -c 0 "$here/target/release/kitwork" serve --listen 127.0.0.1:18098 --cores 1 \
  --work "$tmp/work" --db "sqlite://$tmp/k.db" >"$tmp/kitwork.log" 2>&1 &
pids+=($!)
for port in 18097 18098; do
  wait_http "$port" /file.txt
  curl -s "http://127.0.0.1:$port/file.txt" | cmp - "$tmp/public/file.txt"
done
rps() {
  taskset -c 1 wrk -t1 -c"$CONNS" -d"$DURATION" --latency "http://127.0.0.1:$1/file.txt" |
    awk '/Requests\/sec/ { r = $2 } / 99%/ { p = $2 } END { print r, p }'
}
out="$here/loadtest/runs/$(date +%Y-%m-%d-%H%M)-static.md"
# Two runs in one minute keep both files.
[ -e "$out" ] && out="${out%.md}-$(date +%S).md"
n=() k=() np=() kp=()
for _ in $(seq "$REPS"); do
  read -r r p < <(rps 18097); n+=("$r"); np+=("$p")
  read -r r p < <(rps 18098); k+=("$r"); kp+=("$p")
done
mn=$(printf '%s\n' "${n[@]}" | median)
mk=$(printf '%s\n' "${k[@]}" | median)
{
  echo "# A $SIZE-byte static file, $(date -u +%FT%TZ), commit $(git -C "$here" rev-parse --short HEAD)"
  echo
  echo "wrk -t1 -c$CONNS -d$DURATION, servers on core 0 (one process each), wrk on core 1, $REPS runs each in turns."
  echo
  echo "| server | req/s, each run | median | p99, each run | / nginx |"
  echo "|---|---|---:|---|---:|"
  echo "| nginx, sendfile on | ${n[*]} | $mn | ${np[*]} | 1.00 |"
  echo "| kitwork static | ${k[*]} | $mk | ${kp[*]} | $(python3 -c "print(f'{$mk / $mn:.2f}')") |"
} | tee "$out"
echo "saved to $out"
