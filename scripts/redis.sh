#!/usr/bin/env bash
# Makes sure a Redis server answers on 127.0.0.1:6379 and prints its URL
# for the kv() tests (KITWORK_TEST_REDIS). Installs redis-server with
# apt-get when it is missing (the tests also start servers of their own
# from it, to stop and restart them), and starts one without persistence
# when nothing answers.
set -euo pipefail
url="redis://127.0.0.1:6379"
ready() { [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = PONG ]; }
if ! command -v redis-server >/dev/null || ! command -v redis-cli >/dev/null; then
  echo "Redis is not installed: installing it with apt-get" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >&2
fi
if ! ready; then
  redis-server --bind 127.0.0.1 --port 6379 --save '' --appendonly no --daemonize yes >&2
  for _ in $(seq 1 30); do ready && break; sleep 0.2; done
fi
ready || { echo "Redis did not start" >&2; exit 1; }
echo "$url"
