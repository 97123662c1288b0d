#!/usr/bin/env bash
# Services the store tests need: a PostgreSQL server (Debian's postgresql) with a role and a
# database for the tests, and Debian's chromium for the headless browser test of `vanthu serve`.
# The tests read the server's URL from $VANTHU_TEST_PG_URL, whose default is the one created here:
#   postgresql://vanthu:vanthu@127.0.0.1:5432/vanthu_test
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo

need=()
dpkg -s postgresql >/dev/null 2>&1 || need+=(postgresql)
dpkg -s chromium >/dev/null 2>&1 || need+=(chromium)
if [ "${#need[@]}" -gt 0 ]; then
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

# Start the cluster (Debian's pg_ctlcluster; plain containers have no systemd).
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
  $SUDO pg_createcluster "$version" main
fi
pg_lsclusters -h | grep -q "^$version main .* online" || $SUDO pg_ctlcluster "$version" main start

as_postgres() { if [ "$(id -u)" -eq 0 ]; then su postgres -c "$1"; else sudo -u postgres sh -c "$1"; fi; }
for _ in $(seq 30); do as_postgres "pg_isready -q -h 127.0.0.1 -p 5432" && break; sleep 1; done
as_postgres "psql -v ON_ERROR_STOP=1 -q -c \"DO \\\$\\\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'vanthu') THEN
    CREATE ROLE vanthu LOGIN PASSWORD 'vanthu' CREATEDB;
  END IF; END \\\$\\\$;\""
as_postgres "psql -tAc \"SELECT 1 FROM pg_database WHERE datname = 'vanthu_test'\"" | grep -q 1 \
  || as_postgres "createdb -O vanthu -E UTF8 -T template0 vanthu_test"
echo "services: postgresql $version on 127.0.0.1:5432 (db vanthu_test, role vanthu); chromium $(command -v chromium || echo missing)"
