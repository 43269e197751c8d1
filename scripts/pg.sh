#!/bin/sh
# pg.sh: make sure a PostgreSQL server answers on loopback with the test role and databases
# that the PostgreSQL half of the tests and benchmarks use:
#   role myomap (password myomap, CREATEDB), databases myomap_test and myomap_bench.
# Starts Debian's cluster (creating it if missing) when it is down.  Needs root (or sudo) the
# first time; afterwards it only checks.  Prints the test database URI on stdout.
set -e
URI="postgresql://myomap:myomap@127.0.0.1:5432/myomap_test"
if command -v psql >/dev/null 2>&1 && psql "$URI" -Atqc 'SELECT 1' >/dev/null 2>&1 &&
   psql "${URI%_test}_bench" -Atqc 'SELECT 1' >/dev/null 2>&1; then
  echo "$URI"; exit 0
fi
SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"
if ! command -v pg_lsclusters >/dev/null 2>&1; then
  echo "pg: PostgreSQL is not installed: run sh scripts/deps.sh test" >&2; exit 1
fi
cluster=$(pg_lsclusters -h 2>/dev/null | head -n 1)
if [ -z "$cluster" ]; then
  ver=$(ls /usr/lib/postgresql | sort -n | tail -n 1)
  echo "pg: creating cluster $ver/main" >&2
  $SUDO pg_createcluster "$ver" main >&2
  cluster=$(pg_lsclusters -h | head -n 1)
fi
set -- $cluster
if [ "$4" != online ]; then
  echo "pg: starting PostgreSQL $1/$2 on port $3" >&2
  $SUDO pg_ctlcluster "$1" "$2" start >&2
fi
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else sudo -u postgres "$@"; fi; }
for i in 1 2 3 4 5 6 7 8 9 10; do as_pg psql -p "$3" -Atqc 'SELECT 1' >/dev/null 2>&1 && break; sleep 1; done
as_pg psql -p "$3" -q -v ON_ERROR_STOP=1 >&2 <<'SQL'
SELECT 'CREATE ROLE myomap LOGIN CREATEDB PASSWORD ''myomap'''
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'myomap') \gexec
SELECT 'CREATE DATABASE myomap_test OWNER myomap'
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'myomap_test') \gexec
SELECT 'CREATE DATABASE myomap_bench OWNER myomap'
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'myomap_bench') \gexec
SQL
psql "$URI" -Atqc 'SELECT 1' >/dev/null
echo "$URI"
