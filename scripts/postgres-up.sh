#!/usr/bin/env bash
# Makes sure Postgres answers on HOST PORT, starting the machine's cluster if
# it is down; fails loudly when it cannot.
#
#   scripts/postgres-up.sh [HOST] [PORT]
set -euo pipefail
host="${1:-127.0.0.1}" port="${2:-5432}"
sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo

if pg_isready -q -h "$host" -p "$port" 2>/dev/null; then exit 0; fi
if command -v pg_ctlcluster >/dev/null && [ -d /etc/postgresql ]; then
  echo "==> starting Postgres"
  $sudo pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n1)" main start || true
  for _ in $(seq 1 30); do
    pg_isready -q -h "$host" -p "$port" 2>/dev/null && exit 0
    sleep 1
  done
fi
echo "Postgres does not answer on $host:$port. The tests need it (user postgres, trust auth);" >&2
echo "start it, or run 'NO_POSTGRES=1 make test' to leave the Postgres tests ignored." >&2
exit 1
