#!/usr/bin/env bash
# Start a PostgreSQL server for offsite's store tests (idempotent; safe to run again).
#
#   eval "$(bash scripts/ci/start_postgres.sh)"     # exports OFFSITE_TEST_PG_URL
#
# Installs Debian's postgresql when missing, makes sure a cluster exists and runs on loopback,
# and creates the role and database "offsite_test" (the role may create databases: the tests make
# a fresh one per run). Progress goes to stderr; stdout carries only the export lines, so the
# output can be eval'ed. The tests that stop a server start a private one of their own with the
# same binaries (OFFSITE_TEST_PG_BINDIR), never this one.
set -euo pipefail

PG_USER="${OFFSITE_TEST_PG_USER:-offsite_test}"
PG_PASSWORD="${OFFSITE_TEST_PG_PASSWORD:-offsite_test}"
PG_DB="${OFFSITE_TEST_PG_DB:-offsite_test}"

say() { echo "start_postgres: $*" >&2; }

as_postgres() {
  if [ "$(id -u)" = "0" ]; then
    runuser -u postgres -- "$@"
  else
    sudo -n -u postgres "$@"
  fi
}

if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
  say "installing postgresql (Debian package)"
  export DEBIAN_FRONTEND=noninteractive
  if [ "$(id -u)" = "0" ]; then
    apt-get update -qq >&2 || true
    apt-get install -y -qq postgresql >&2
  else
    sudo -n apt-get update -qq >&2 || true
    sudo -n apt-get install -y -qq postgresql >&2
  fi
fi

PG_VERSION="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
PG_BINDIR="/usr/lib/postgresql/${PG_VERSION}/bin"

# A cluster of that version (Debian's postgresql-common creates "main" on install; recreate if gone).
CLUSTER="$(pg_lsclusters -h 2>/dev/null | awk -v v="$PG_VERSION" '$1==v {print $2; exit}')"
if [ -z "$CLUSTER" ]; then
  say "creating cluster ${PG_VERSION}/main"
  if [ "$(id -u)" = "0" ]; then pg_createcluster "$PG_VERSION" main >&2; else sudo -n pg_createcluster "$PG_VERSION" main >&2; fi
  CLUSTER=main
fi
PORT="$(pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$CLUSTER" '$1==v && $2==c {print $3; exit}')"
STATUS="$(pg_lsclusters -h | awk -v v="$PG_VERSION" -v c="$CLUSTER" '$1==v && $2==c {print $4; exit}')"

if [ "$STATUS" != "online" ]; then
  say "starting cluster ${PG_VERSION}/${CLUSTER} on port ${PORT}"
  if [ "$(id -u)" = "0" ]; then
    pg_ctlcluster "$PG_VERSION" "$CLUSTER" start >&2   # Debian listens on localhost only
  else
    sudo -n pg_ctlcluster "$PG_VERSION" "$CLUSTER" start >&2
  fi
fi

for _ in $(seq 1 60); do
  if as_postgres "${PG_BINDIR}/pg_isready" -q -h 127.0.0.1 -p "$PORT"; then break; fi
  sleep 0.5
done
as_postgres "${PG_BINDIR}/pg_isready" -h 127.0.0.1 -p "$PORT" >&2

psql_admin() { as_postgres psql -v ON_ERROR_STOP=1 -qtA -p "$PORT" "$@"; }

if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname='${PG_USER}'")" != "1" ]; then
  say "creating role ${PG_USER}"
  psql_admin -c "CREATE ROLE ${PG_USER} LOGIN CREATEDB PASSWORD '${PG_PASSWORD}'" >&2
else
  psql_admin -c "ALTER ROLE ${PG_USER} LOGIN CREATEDB PASSWORD '${PG_PASSWORD}'" >&2
fi
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname='${PG_DB}'")" != "1" ]; then
  say "creating database ${PG_DB}"
  psql_admin -c "CREATE DATABASE ${PG_DB} OWNER ${PG_USER}" >&2
fi

URL="postgresql://${PG_USER}:${PG_PASSWORD}@127.0.0.1:${PORT}/${PG_DB}"
say "ready: ${PG_VERSION}/${CLUSTER} on 127.0.0.1:${PORT}"
echo "export OFFSITE_TEST_PG_URL='${URL}'"
echo "export OFFSITE_TEST_PG_BINDIR='${PG_BINDIR}'"
