#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster on a free loopback port:
#   scripts/with-postgres.sh pytest ...
# The cluster lives in a temporary directory and is stopped and removed on exit.
set -euo pipefail

initdb=$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$initdb" ]; then
    echo "PostgreSQL is not installed (Debian package 'postgresql')." >&2
    exit 3
fi
bindir=$(dirname "$initdb")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
dir=$(mktemp -d /tmp/altitude-pg.XXXXXX)
as_owner=()
if [ "$(id -u)" = 0 ]; then
    # initdb refuses root: the cluster belongs to the postgres system user.
    chown postgres "$dir"
    as_owner=(runuser -u postgres --)
fi
cleanup() {
    "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap cleanup EXIT

# autovacuum off: tests roll back big inserts, and a vacuum of those dead pages records
# "N pages, 0 rows"; the planner then expects one row from any later test's tables and picks
# nested loops that took seconds per query (a clean-clone CI run sat 10 minutes in one test).
# Never vacuumed, a table is estimated from its real size instead.
"${as_owner[@]}" "$bindir/initdb" -D "$dir/data" -U altitude -A trust -E UTF8 --no-sync >/dev/null
"${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c autovacuum=off" \
    start >/dev/null
"${as_owner[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U altitude altitude

export DATABASE_URL="postgres://altitude@127.0.0.1:$port/altitude"
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') started on 127.0.0.1:$port" >&2
"$@"
