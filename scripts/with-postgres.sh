#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server on loopback, runs the given command with DATABASE_URL
# pointing at it, then stops the server and removes its data directory.
set -euo pipefail
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$bindir/initdb" ] || { echo "PostgreSQL server binaries not found: run scripts/install-system-deps.sh test" >&2; exit 2; }
data=$(mktemp -d /tmp/lakthan-pg.XXXXXX)
port=${LAKTHAN_PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
runas=()
if [ "$(id -u)" -eq 0 ]; then
  # initdb refuses to run as root: hand the data directory to the postgres system user.
  chown postgres "$data"
  runas=(runuser -u postgres --)
fi
cleanup() { "${runas[@]}" "$bindir/pg_ctl" -D "$data/db" -m immediate stop >/dev/null 2>&1 || true; rm -rf "$data"; }
trap cleanup EXIT
"${runas[@]}" "$bindir/initdb" -D "$data/db" -U lakthan --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${runas[@]}" "$bindir/pg_ctl" -D "$data/db" -o "-h 127.0.0.1 -p $port -k $data -F" -l "$data/log" -w start >/dev/null
export DATABASE_URL="postgres://lakthan@127.0.0.1:$port/postgres"
echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
"$@"
