#!/usr/bin/env bash
# Make the PostgreSQL target usable: a server answering at PGHOST:PGPORT, the build role
# PGUSER (password PGPASSWORD, allowed to create databases: the test suite builds into
# throw-away ones), its database PGDATABASE, and the read-only BI role NPS_BI_ROLE.
#
# - A server that already answers is used as it is. When the build role can log in, nothing
#   else is done: on a shared server, roles and databases are the DBA's job.
# - Otherwise, on a machine with a local Debian cluster (pg_ctlcluster) and root or sudo, the
#   cluster is started if it is down, and the roles and database are created if missing.
#
# Exit codes: 0 ready; 1 no server and none to start, or the roles cannot be set up.
set -euo pipefail

PGHOST="${PGHOST:-localhost}"
PGPORT="${PGPORT:-5432}"
PGUSER="${PGUSER:-nps}"
PGPASSWORD="${PGPASSWORD:-nps}"
PGDATABASE="${PGDATABASE:-nps}"
NPS_BI_ROLE="${NPS_BI_ROLE:-nps_reader}"
NPS_BI_PASSWORD="${NPS_BI_PASSWORD:-nps_reader}"
PG_CLUSTER="${PG_CLUSTER:-15 main}"
export PGHOST PGPORT PGUSER PGPASSWORD PGDATABASE

log() { echo "postgres_local: $*" >&2; }

can_log_in() {
    psql --no-psqlrc --quiet --tuples-only --command "select 1" >/dev/null 2>&1
}

# Runs a command as the postgres OS user (the local superuser, by peer authentication).
as_postgres() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo -n -u postgres -- "$@"
    else
        return 1
    fi
}

superuser_sql() {
    # over the local socket, as the postgres user: not as the build role of the PG* variables
    as_postgres env -u PGHOST -u PGUSER -u PGPASSWORD -u PGDATABASE \
        psql --no-psqlrc --quiet --port "$PGPORT" --dbname postgres --set ON_ERROR_STOP=1 "$@"
}

if can_log_in; then
    exit 0
fi

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
    log "no PostgreSQL server answers at $PGHOST:$PGPORT as $PGUSER, and this machine has no"
    log "local cluster to start (pg_ctlcluster). Point PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE"
    log "at a server, or install PostgreSQL."
    exit 1
fi

if ! pg_isready --quiet --host "$PGHOST" --port "$PGPORT"; then
    log "starting the local cluster ($PG_CLUSTER)"
    # shellcheck disable=SC2086 # PG_CLUSTER is "<version> <name>"
    if [ "$(id -u)" -eq 0 ]; then
        pg_ctlcluster $PG_CLUSTER start
    elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        sudo -n pg_ctlcluster $PG_CLUSTER start
    else
        log "the local cluster is down and starting it needs root or sudo"
        exit 1
    fi
    for _ in $(seq 1 30); do
        pg_isready --quiet --host "$PGHOST" --port "$PGPORT" && break
        sleep 1
    done
    if ! pg_isready --quiet --host "$PGHOST" --port "$PGPORT"; then
        log "the local cluster did not start; see /var/log/postgresql/"
        exit 1
    fi
fi

log "creating role $PGUSER, database $PGDATABASE and read-only role $NPS_BI_ROLE if missing"
if ! superuser_sql \
    --set build_role="$PGUSER" --set build_password="$PGPASSWORD" \
    --set bi_role="$NPS_BI_ROLE" --set bi_password="$NPS_BI_PASSWORD" <<'SQL'
select format('create role %I login createdb password %L', :'build_role', :'build_password')
where not exists (select from pg_roles where rolname = :'build_role') \gexec
select format('alter role %I login createdb password %L', :'build_role', :'build_password') \gexec
select format('create role %I login password %L', :'bi_role', :'bi_password')
where not exists (select from pg_roles where rolname = :'bi_role') \gexec
SQL
then
    log "cannot act as the local superuser (postgres) to create the roles; run as root or with sudo"
    exit 1
fi
superuser_sql --set db="$PGDATABASE" --set owner="$PGUSER" <<'SQL'
select format('create database %I owner %I', :'db', :'owner')
where not exists (select from pg_database where datname = :'db') \gexec
SQL

if ! can_log_in; then
    log "the server runs, but $PGUSER still cannot log in to $PGDATABASE at $PGHOST:$PGPORT"
    exit 1
fi
log "ready: $PGUSER@$PGHOST:$PGPORT/$PGDATABASE"
