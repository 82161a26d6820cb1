#!/usr/bin/env bash
# Makes the integration tests' databases reachable as documented: PostgreSQL on 127.0.0.1:5432 and
# MariaDB on 127.0.0.1:3306. Starts them if stopped and, where a machine's server does not accept the
# expected credentials over TCP (scram, or MariaDB root by unix socket only), creates a test login through
# the local socket. Prints `export ...` lines for the test environment on stdout.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pg_ok() { PGPASSWORD="${1:-}" psql -h 127.0.0.1 -p 5432 -U "${2:-postgres}" -d postgres -Atqc 'select 1' >/dev/null 2>&1; }
my_ok() { mysql -h 127.0.0.1 -P 3306 -u "${1:-root}" ${2:+-p"$2"} -e 'select 1' >/dev/null 2>&1; }

if ! pg_ok; then
  if is_root && command -v pg_ctlcluster >/dev/null; then
    log "starting PostgreSQL"
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start >/dev/null 2>&1 || true
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -q && break; sleep 1; done
  fi
fi
PGUSER_OUT=postgres; PGPASS_OUT=""
if ! pg_ok; then
  if is_root && pg_ok objectdesk_test objectdesk_test; then :; elif is_root; then
    log "PostgreSQL refuses postgres over TCP without a password; creating the test role objectdesk_test via the local socket"
    su postgres -c "psql -qc \"DO \\\$\\\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='objectdesk_test') THEN CREATE ROLE objectdesk_test LOGIN SUPERUSER PASSWORD 'objectdesk_test'; END IF; END\\\$\\\$;\"" >/dev/null
  fi
  PGUSER_OUT=objectdesk_test; PGPASS_OUT=objectdesk_test
  pg_ok "$PGPASS_OUT" "$PGUSER_OUT" || { log "PostgreSQL is not reachable on 127.0.0.1:5432"; exit 1; }
fi

if ! my_ok; then
  if is_root && [ -x /usr/sbin/mariadbd ]; then
    log "starting MariaDB"
    start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd >/dev/null 2>&1 || true
    for _ in $(seq 1 30); do mysqladmin -h 127.0.0.1 ping >/dev/null 2>&1 && break; sleep 1; done
  fi
fi
MYUSER_OUT=root; MYPASS_OUT=""
if ! my_ok; then
  if is_root; then
    log "MariaDB refuses root over TCP; creating the test login objectdesk_test via the local socket"
    mysql -uroot -e "CREATE USER IF NOT EXISTS 'objectdesk_test'@'127.0.0.1' IDENTIFIED BY 'objectdesk_test'; CREATE USER IF NOT EXISTS 'objectdesk_test'@'localhost' IDENTIFIED BY 'objectdesk_test'; GRANT ALL ON *.* TO 'objectdesk_test'@'127.0.0.1' WITH GRANT OPTION; GRANT ALL ON *.* TO 'objectdesk_test'@'localhost' WITH GRANT OPTION;" >/dev/null
  fi
  MYUSER_OUT=objectdesk_test; MYPASS_OUT=objectdesk_test
  my_ok "$MYUSER_OUT" "$MYPASS_OUT" || { log "MariaDB is not reachable on 127.0.0.1:3306"; exit 1; }
fi

echo "export PGHOST=127.0.0.1 PGPORT=5432 PGUSER=$PGUSER_OUT PGPASSWORD=$PGPASS_OUT"
echo "export MYSQL_HOST=127.0.0.1 MYSQL_PORT=3306 MYSQL_USER=$MYUSER_OUT MYSQL_PASSWORD=$MYPASS_OUT"
