#!/usr/bin/env bash
# Starts a private PostgreSQL cluster for the test suite on 127.0.0.1:${LAB_PG_PORT:-54329}
# (user lab, password lab, database lab_test) and prints its URL. Idempotent: a running cluster
# is reused. Needs Debian's postgresql package; runs the server as the `postgres` system user.
set -euo pipefail
port=${LAB_PG_PORT:-54329}
dir=${LAB_PG_DIR:-/var/tmp/lab-test-pg}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -n "$bin" ] || { echo "PostgreSQL is not installed (apt-get install postgresql)" >&2; exit 1; }
url="postgresql://lab:lab@127.0.0.1:$port/lab_test"
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if pg_isready -q -h 127.0.0.1 -p "$port"; then echo "$url"; exit 0; fi
if [ ! -f "$dir/PG_VERSION" ]; then
  mkdir -p "$dir"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
  as_pg "$bin/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 >/dev/null
fi
as_pg "$bin/pg_ctl" -D "$dir" -l "$dir/server.log" -w \
  -o "-h 127.0.0.1 -p $port -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
psql -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname='lab'" | grep -q 1 \
  || psql -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE ROLE lab LOGIN SUPERUSER PASSWORD 'lab'"
psql -h 127.0.0.1 -p "$port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='lab_test'" | grep -q 1 \
  || psql -h 127.0.0.1 -p "$port" -U postgres -qc "CREATE DATABASE lab_test OWNER lab"
echo "$url"
