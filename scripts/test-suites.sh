#!/usr/bin/env bash
# The whole suite on SQLite and, when STANCHION_TEST_POSTGRES_URL is set, on
# PostgreSQL as well. The two runs share nothing (each has its own var
# directory and database), so they run side by side, one per core: together
# they take about as long as the PostgreSQL run alone instead of the sum of
# both (CI had reached 85 of its 90 minutes running them one after the other).
set -uo pipefail
cd "$(dirname "$0")/.."
bin=.venv/bin
url=${STANCHION_TEST_POSTGRES_URL:-}

if [ -z "$url" ]; then
  echo "== PostgreSQL run skipped (STANCHION_TEST_POSTGRES_URL not set)"
  STANCHION_VAR_DIR=$PWD/var/test exec "$bin/pytest" -q
fi

mkdir -p var
log=var/test-postgresql.log
echo "== PostgreSQL: $url, alongside SQLite (its output follows SQLite's; also in $log)"
# No cache plugin: both runs would write the same .pytest_cache.
STANCHION_VAR_DIR=$PWD/var/test-pg STANCHION_DATABASE_URL=$url \
  "$bin/pytest" -q -p no:cacheprovider -m "not browser" >"$log" 2>&1 &
postgres_pid=$!
trap 'kill "$postgres_pid" 2>/dev/null' INT TERM

echo "== SQLite"
STANCHION_VAR_DIR=$PWD/var/test "$bin/pytest" -q
sqlite=$?
wait "$postgres_pid"
postgres=$?

echo "== PostgreSQL: $url"
cat "$log"
echo "== SQLite exit $sqlite, PostgreSQL exit $postgres"
[ "$sqlite" -eq 0 ] && [ "$postgres" -eq 0 ]
