#!/usr/bin/env bash
# A PostgreSQL primary and a synchronous streaming replica of a test's
# own, in DIR on two ports, made with initdb and pg_basebackup -R: a test
# may stop the primary and promote the replica without touching the
# machine's PostgreSQL. The replica confirms every commit
# (synchronous_standby_names = '*'), so what the primary acknowledged is
# on the replica when it is promoted. Run as root, the server's binaries
# run as user postgres.
#
#   scripts/pg-pair.sh start DIR PRIMARY_PORT REPLICA_PORT
#   scripts/pg-pair.sh promote DIR    # the primary stops (fast), the replica is promoted
#   scripts/pg-pair.sh stop DIR       # both stop (immediate); DIR is removed
set -euo pipefail
version=$(ls /usr/lib/postgresql | sort -V | tail -1)
bin=/usr/lib/postgresql/$version/bin
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -c "$*"; else sh -c "$*"; fi; }
dir=${2:?DIR}
case "$1" in
start)
  pport=${3:?PRIMARY_PORT} rport=${4:?REPLICA_PORT}
  rm -rf "$dir" && mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres "$dir"
  as_pg "$bin/initdb -D $dir/primary -A trust -U postgres --no-sync" >/dev/null
  printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = '%s'\nsynchronous_standby_names = '*'\n" \
    "$pport" "$dir" >>"$dir/primary/postgresql.conf"
  as_pg "$bin/pg_ctl -D $dir/primary -l $dir/primary.log -w start" >/dev/null
  as_pg "$bin/pg_basebackup -h 127.0.0.1 -p $pport -U postgres -D $dir/replica -R -X stream"
  # Later lines win: the copy's own port, and no standby of its own to
  # wait for once it is promoted.
  printf "port = %s\nsynchronous_standby_names = ''\n" "$rport" >>"$dir/replica/postgresql.conf"
  as_pg "$bin/pg_ctl -D $dir/replica -l $dir/replica.log -w start" >/dev/null
  ;;
promote)
  as_pg "$bin/pg_ctl -D $dir/primary -m fast -w stop" >/dev/null
  as_pg "$bin/pg_ctl -D $dir/replica -w promote" >/dev/null
  ;;
stop)
  for which in replica primary; do
    [ -d "$dir/$which" ] && as_pg "$bin/pg_ctl -D $dir/$which -m immediate -w stop" >/dev/null 2>&1 || true
  done
  rm -rf "$dir"
  ;;
*) echo "usage: $0 start|promote|stop DIR ..." >&2; exit 2 ;;
esac
