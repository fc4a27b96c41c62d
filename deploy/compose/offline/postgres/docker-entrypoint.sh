#!/usr/bin/env bash
# The official postgres image's start-up, reduced to what Conveyor uses: on an empty
# PGDATA, initdb with POSTGRES_PASSWORD for POSTGRES_USER, then every file in
# /docker-entrypoint-initdb.d in name order (*.sh executed, or sourced when not
# executable; *.sql through psql) against a server on the Unix socket only; then the
# server itself, listening on every address with scram-sha-256 passwords.
set -euo pipefail

: "${POSTGRES_USER:=postgres}"
: "${POSTGRES_DB:=$POSTGRES_USER}"
export POSTGRES_USER POSTGRES_DB

if [[ ! -s $PGDATA/PG_VERSION ]]; then
    if [[ -z ${POSTGRES_PASSWORD:-} ]]; then
        echo "docker-entrypoint: POSTGRES_PASSWORD is not set (the password of $POSTGRES_USER)" >&2
        exit 1
    fi
    initdb --username="$POSTGRES_USER" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") \
        --auth-local=trust --auth-host=scram-sha-256 --encoding=UTF8 >/dev/null
    printf '%s\n' "host all all all scram-sha-256" >>"$PGDATA/pg_hba.conf"
    pg_ctl --wait --silent --options "-c listen_addresses='' -c unix_socket_directories=/var/run/postgresql" start
    export PGHOST=/var/run/postgresql PGUSER=$POSTGRES_USER
    if [[ $POSTGRES_DB != postgres ]]; then
        psql --no-psqlrc -v ON_ERROR_STOP=1 --dbname postgres -c "CREATE DATABASE \"$POSTGRES_DB\"" >/dev/null
    fi
    for file in /docker-entrypoint-initdb.d/*; do
        case $file in
            *.sh)
                echo "docker-entrypoint: running $file"
                # shellcheck source=/dev/null
                if [[ -x $file ]]; then "$file"; else . "$file"; fi
                ;;
            *.sql)
                echo "docker-entrypoint: running $file"
                psql --no-psqlrc -v ON_ERROR_STOP=1 --dbname "$POSTGRES_DB" -f "$file" >/dev/null
                ;;
            *) [[ -e $file ]] && echo "docker-entrypoint: ignoring $file" ;;
        esac
    done
    unset PGHOST PGUSER
    pg_ctl --wait --silent --mode fast stop
    echo "docker-entrypoint: database initialised"
fi

if [[ ${1:-} == postgres ]]; then
    shift
    exec postgres -c listen_addresses='*' -c unix_socket_directories=/var/run/postgresql "$@"
fi
exec "$@"
