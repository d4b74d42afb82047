#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 and lets user
# postgres in without a password from there, then prints the test URL.
# Installs PostgreSQL with apt-get when it is missing, trusts local TCP
# connections (a test database on a test machine), starts a stopped
# cluster or reloads a running one whose access rules changed.
set -euo pipefail
url="postgres://postgres@127.0.0.1:5432/postgres"
ready() { pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; }
if ! command -v pg_isready >/dev/null 2>&1 || ! ls -d /etc/postgresql/*/main >/dev/null 2>&1; then
  echo "PostgreSQL is not installed: installing it with apt-get" >&2
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
version=$(ls /etc/postgresql | sort -V | tail -1)
hba=/etc/postgresql/$version/main/pg_hba.conf
changed=0
if ! grep -q "kitwork-ci" "$hba"; then
  sed -i '1i host all postgres 127.0.0.1/32 trust # kitwork-ci' "$hba"
  changed=1
fi
if ! ready; then
  pg_ctlcluster --skip-systemctl-redirect "$version" main start >&2 || true
  for _ in $(seq 1 30); do ready && break; sleep 1; done
elif [ "$changed" = 1 ]; then
  pg_ctlcluster --skip-systemctl-redirect "$version" main reload >&2 || true
fi
ready || { echo "PostgreSQL did not start" >&2; exit 1; }
echo "$url"
