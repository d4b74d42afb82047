#!/usr/bin/env bash
# Makes sure a streaming replica of the local PostgreSQL (scripts/postgres.sh)
# answers on 127.0.0.1:5433 and prints its URL, for the tests of
# `[database] replicas` (KITWORK_TEST_PG_REPLICA). Lets user postgres
# replicate from 127.0.0.1, makes the replica with pg_basebackup (-R: it
# follows the primary as a hot standby) in /var/lib/postgresql/kitwork-replica,
# and starts it; a replica made before is started again as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/postgres.sh >/dev/null
version=$(ls /etc/postgresql | sort -V | tail -1)
bin=/usr/lib/postgresql/$version/bin
hba=/etc/postgresql/$version/main/pg_hba.conf
port=5433
dir=/var/lib/postgresql/kitwork-replica
url="postgres://postgres@127.0.0.1:$port/postgres"
ready() { pg_isready -q -h 127.0.0.1 -p "$port" 2>/dev/null; }
if ! grep -q "kitwork-ci-replication" "$hba"; then
  sed -i '1i host replication postgres 127.0.0.1/32 trust # kitwork-ci-replication' "$hba"
  pg_ctlcluster --skip-systemctl-redirect "$version" main reload >&2
fi
if ! ready; then
  if [ ! -f "$dir/standby.signal" ]; then
    rm -rf "$dir"
    su postgres -c "$bin/pg_basebackup -h 127.0.0.1 -p 5432 -U postgres -D $dir -R -X stream" >&2
    # Debian keeps a cluster's configuration in /etc: the copy has none.
    printf "listen_addresses = '127.0.0.1'\nport = %s\nhot_standby = on\nunix_socket_directories = '/tmp'\n" "$port" >"$dir/postgresql.conf"
    printf "local all all trust\nhost all all 127.0.0.1/32 trust\n" >"$dir/pg_hba.conf"
    chown postgres:postgres "$dir/postgresql.conf" "$dir/pg_hba.conf"
  fi
  su postgres -c "$bin/pg_ctl -D $dir -l $dir/server.log -w start" >&2
fi
ready || { echo "the replica did not start (see $dir/server.log)" >&2; exit 1; }
echo "$url"
