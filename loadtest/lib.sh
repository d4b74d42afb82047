# Sourced by the load scripts that start servers of their own
# (proxy.sh, static.sh, idle.sh, middleware.sh): the release build, a
# scratch folder `$tmp` (readable by nginx's workers), and at exit every
# process put in `pids` is ended and the folder removed. Also: `median`
# of numbers on stdin, `wait_http PORT PATH` until a server answers, and
# `nginx_conf NAME MAIN HTTP` to write an nginx configuration.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[1]}")/.." && pwd)
cargo build --release --manifest-path "$here/Cargo.toml" >/dev/null
tmp=$(mktemp -d)
chmod 755 "$tmp"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
wait_http() {
  for _ in $(seq 50); do
    curl -s -o /dev/null "http://127.0.0.1:$1$2" && return 0
    sleep 0.2
  done
  echo "nothing answered on port $1" >&2
  exit 1
}
# Writes $tmp/NAME.conf: one nginx worker in the foreground, its pid and
# error log in $tmp, MAIN's directives (`worker_cpu_affinity 10;`,
# `master_process off;`) and HTTP inside `http {}`, access log off.
nginx_conf() {
  cat >"$tmp/$1.conf" <<CONF
worker_processes 1;
$2
daemon off;
pid $tmp/$1.pid;
error_log $tmp/$1-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  $3
}
CONF
}
