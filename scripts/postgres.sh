#!/usr/bin/env bash
# Start a throwaway PostgreSQL cluster for the test suite (used by .ci/run and
# by developers). Prints the database URL to use. Idempotent.
#   scripts/postgres.sh start   -> prints postgres://...
#   scripts/postgres.sh stop
set -euo pipefail
DATA=${STANCHION_PG_DIR:-/tmp/stanchion-pg}
PORT=${STANCHION_PG_PORT:-55432}
URL="postgres://stanchion:stanchion@127.0.0.1:${PORT}/stanchion"

find_bin() {
  local name=$1
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
  ls -d /usr/lib/postgresql/*/bin/"$name" 2>/dev/null | sort -V | tail -n 1
}
INITDB=$(find_bin initdb); PG_CTL=$(find_bin pg_ctl)
[ -n "$INITDB" ] && [ -n "$PG_CTL" ] || { echo "PostgreSQL server binaries not found" >&2; exit 1; }

as_pg() {
  # PostgreSQL refuses to run as root.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-start}" in
  start)
    if [ ! -s "$DATA/PG_VERSION" ]; then
      mkdir -p "$DATA"
      [ "$(id -u)" = 0 ] && chown postgres:postgres "$DATA"
      as_pg "$INITDB" -D "$DATA" -U postgres --auth=trust -E UTF8 >/dev/null
    fi
    if ! as_pg "$PG_CTL" -D "$DATA" status >/dev/null 2>&1; then
      as_pg "$PG_CTL" -D "$DATA" -l "$DATA/server.log" -w \
        -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" \
        start >/dev/null
    fi
    psql -h 127.0.0.1 -p "$PORT" -U postgres -tAc \
      "SELECT 1 FROM pg_roles WHERE rolname='stanchion'" | grep -q 1 ||
      psql -h 127.0.0.1 -p "$PORT" -U postgres -qc \
        "CREATE ROLE stanchion LOGIN SUPERUSER PASSWORD 'stanchion'"
    psql -h 127.0.0.1 -p "$PORT" -U postgres -tAc \
      "SELECT 1 FROM pg_database WHERE datname='stanchion'" | grep -q 1 ||
      psql -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE DATABASE stanchion OWNER stanchion"
    echo "$URL"
    ;;
  stop)
    as_pg "$PG_CTL" -D "$DATA" -m fast stop >/dev/null 2>&1 || true
    ;;
esac
