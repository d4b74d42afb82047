#!/usr/bin/env bash
# Makes sure HAProxy (Debian's package) is installed: the balancer in
# front of the three nodes of tests/cluster.rs and loadtest/cluster.sh.
set -euo pipefail
if ! command -v haproxy >/dev/null; then
  echo "installing haproxy with apt-get" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy >&2
fi
