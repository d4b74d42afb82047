#!/usr/bin/env bash
# HTTP load test: kitwork serving loadtest/work/hello.js on one pinned core,
# beside nginx's static `return 200` (and njs / OpenResty-Lua / node when
# installed), all driven by ../shared/bench/run.sh with wrk pinned to the
# other core. Then the TLS and HTTP/2 rows beside nginx (loadtest/tls.sh;
# SKIP_TLS=1 leaves them out). Prints the tables and keeps them in
# loadtest/runs/.
#
#   loadtest/run.sh                       # needs: nginx (+ its js/lua modules), wrk; h2load, openssl for TLS
#   DURATION=5s REPS=1 loadtest/run.sh    # quicker
#   HTTP_TARGETS="nginx-static kitwork" loadtest/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
shared=${KITWORK_SHARED:-$here/../shared}
cargo build --release --manifest-path "$here/Cargo.toml" >/dev/null
mkdir -p "$here/loadtest/runs"
out="$here/loadtest/runs/$(date +%Y-%m-%d-%H%M)-$(hostname -s)-http.md"
{
  echo "# HTTP, $(date -u +%FT%TZ), commit $(git -C "$here" rev-parse --short HEAD), $(nproc) cores"
  echo
  SKIP_VM=1 EXTRA_NAME=kitwork EXTRA_URL=http://127.0.0.1:18090/hello \
    EXTRA_SERVER_CMD="$here/target/release/kitwork serve --listen 127.0.0.1:18090 --cores 1 --work $here/loadtest/work" \
    NICE=${NICE:-0} HTTP_TARGETS=${HTTP_TARGETS:-"nginx-static nginx-lua nginx-njs node-http kitwork"} \
    "$shared/bench/run.sh" 2>&1 | sed -n '/^|/p;/^#/p'
} | tee "$out"
echo "saved to $out"
if [ -z "${SKIP_TLS:-}" ]; then
  seconds=${DURATION:-10s}
  DURATION=${seconds%s} REPS=${REPS:-3} "$here/loadtest/tls.sh"
fi
