#!/usr/bin/env bash
# Compressed answers side by side: the same 10 KB JSON body from nginx
# (`gzip on`, level 1, its default) and from a kitwork route (its default
# [compression]: gzip level 2, as small as zlib's 1, for a client that
# asks for gzip), each
# server on core 0, wrk on core 1 with `Accept-Encoding: gzip`. Prints the
# table and keeps it in loadtest/runs/.
#
#   loadtest/compress.sh                     # needs: nginx, wrk, curl
#   DURATION=5s REPS=1 loadtest/compress.sh  # quicker
#   GZIP_LEVEL=1 loadtest/compress.sh        # kitwork's [compression] gzip_level (default 2)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
DURATION=${DURATION:-10s}
REPS=${REPS:-3}
CONNS=${CONNS:-64}
GZIP_LEVEL=${GZIP_LEVEL:-2}
cargo build --release --manifest-path "$here/Cargo.toml" >/dev/null
tmp=$(mktemp -d)
chmod 755 "$tmp"   # nginx's workers read the body as another user
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

# The body: 10 KB of JSON rows, the same bytes for both servers.
python3 - "$tmp" <<'PY'
import json, sys
rows = [{"id": i, "name": f"user {i}", "email": f"user{i}@example.com", "active": i % 3 != 0,
         "tags": ["alpha", "beta"][: i % 3]} for i in range(120)]
body = json.dumps(rows, separators=(",", ":"))
open(f"{sys.argv[1]}/data.json", "w").write(body)
mkdir = __import__("os").makedirs
mkdir(f"{sys.argv[1]}/work")
open(f"{sys.argv[1]}/work/data.js", "w").write(
    "const BODY = " + json.dumps(body) + ";\n"
    'work("Data").get("/data.json", () => new Response(BODY, { headers: { "content-type": "application/json" } }));\n')
print(len(body), file=sys.stderr)
PY

cat >"$tmp/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  types { application/json json; }
  server {
    listen 127.0.0.1:18095;
    root $tmp;
    gzip on;
    gzip_comp_level 1;
    gzip_min_length 1024;
    gzip_types application/json;
    gzip_vary on;
  }
}
EOF
taskset -c 0 nginx -c "$tmp/nginx.conf" &
pids+=($!)
printf '[compression]\ngzip_level = %s\n' "$GZIP_LEVEL" >"$tmp/kitwork.toml"
taskset -c 0 "$here/target/release/kitwork" serve --config "$tmp/kitwork.toml" --listen 127.0.0.1:18096 \
  --cores 1 --work "$tmp/work" --db "sqlite://$tmp/k.db" >"$tmp/kitwork.log" 2>&1 &
pids+=($!)
for port in 18095 18096; do
  for _ in $(seq 50); do
    curl -s -o /dev/null "http://127.0.0.1:$port/data.json" && break
    sleep 0.2
  done
done

# Both must answer the same body, gzipped.
for port in 18095 18096; do
  enc=$(curl -s -D - -o /dev/null -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port/data.json" |
    tr -d '\r' | awk -F': ' 'tolower($1) == "content-encoding" { print $2 }')
  [ "$enc" = gzip ] || { echo "port $port did not gzip (Content-Encoding: '$enc')" >&2; exit 1; }
  curl -s --compressed "http://127.0.0.1:$port/data.json" | cmp - "$tmp/data.json"
done
size() { curl -s -H 'Accept-Encoding: gzip' "http://127.0.0.1:$1/data.json" | wc -c; }

# Median req/s of REPS wrk runs.
rps() {
  local port=$1 all=()
  taskset -c 1 wrk -t1 -c"$CONNS" -d2s -H 'Accept-Encoding: gzip' "http://127.0.0.1:$port/data.json" >/dev/null
  for _ in $(seq "$REPS"); do
    all+=("$(taskset -c 1 wrk -t1 -c"$CONNS" -d"$DURATION" -H 'Accept-Encoding: gzip' \
      "http://127.0.0.1:$port/data.json" | awk '/Requests\/sec/ { print $2 }')")
  done
  printf '%s\n' "${all[@]}" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

nginx_rps=$(rps 18095)
kitwork_rps=$(rps 18096)
out="$here/loadtest/runs/$(date +%Y-%m-%d-%H%M)-$(hostname -s)-compress.md"
{
  echo "# gzip of a $(wc -c <"$tmp/data.json")-byte JSON answer, $(date -u +%FT%TZ), commit $(git -C "$here" rev-parse --short HEAD)"
  echo
  echo "wrk -t1 -c$CONNS -d$DURATION, Accept-Encoding: gzip, median of $REPS; servers on core 0, wrk on core 1."
  echo
  echo "| server | gzip bytes | req/s | / nginx |"
  echo "|---|---:|---:|---:|"
  echo "| nginx gzip on, level 1 | $(size 18095) | $nginx_rps | 1.00 |"
  echo "| kitwork, gzip level $GZIP_LEVEL | $(size 18096) | $kitwork_rps | $(python3 -c "print(f'{$kitwork_rps / $nginx_rps:.2f}')") |"
} | tee "$out"
echo "saved to $out"
