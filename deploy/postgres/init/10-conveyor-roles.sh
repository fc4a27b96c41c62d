#!/usr/bin/env bash
# Creates Conveyor's login roles and its database, and sets the roles' passwords.
#
# Runs once from the postgres image's /docker-entrypoint-initdb.d and on every
# `deploy/local/stack.sh up`, so it is idempotent: it converges roles, passwords and
# ownership to what the environment says.
#
# The password of role NAME comes from CONVEYOR_POSTGRES_PASSWORD_<NAME in upper case>,
# for example CONVEYOR_POSTGRES_PASSWORD_CONVEYOR_NOTIFIER. They reach the server through
# psql's \getenv, never on a command line.
#
# Connects as POSTGRES_USER (default postgres) with the usual PG* variables.
set -euo pipefail

roles=(conveyor conveyor_api_gateway conveyor_order_processor conveyor_notifier conveyor_dlq_replayer)
for role in "${roles[@]}"; do
    var="CONVEYOR_POSTGRES_PASSWORD_${role^^}"
    if [[ -z ${!var:-} ]]; then
        echo "${0##*/}: $var is not set (password of PostgreSQL role $role)" >&2
        exit 1
    fi
done

psql -v ON_ERROR_STOP=1 --no-psqlrc --quiet \
    --username "${POSTGRES_USER:-postgres}" --dbname postgres <<'SQL'
\getenv pw_owner CONVEYOR_POSTGRES_PASSWORD_CONVEYOR
\getenv pw_api_gateway CONVEYOR_POSTGRES_PASSWORD_CONVEYOR_API_GATEWAY
\getenv pw_order_processor CONVEYOR_POSTGRES_PASSWORD_CONVEYOR_ORDER_PROCESSOR
\getenv pw_notifier CONVEYOR_POSTGRES_PASSWORD_CONVEYOR_NOTIFIER
\getenv pw_dlq_replayer CONVEYOR_POSTGRES_PASSWORD_CONVEYOR_DLQ_REPLAYER

SELECT format('CREATE ROLE %I', name)
  FROM (VALUES ('conveyor'), ('conveyor_api_gateway'), ('conveyor_order_processor'),
               ('conveyor_notifier'), ('conveyor_dlq_replayer')) AS wanted(name)
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = wanted.name)
\gexec

-- conveyor owns the database and runs the migrations; the services log in with their own roles.
ALTER ROLE conveyor WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'pw_owner';
ALTER ROLE conveyor_api_gateway WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'pw_api_gateway';
ALTER ROLE conveyor_order_processor WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'pw_order_processor';
ALTER ROLE conveyor_notifier WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'pw_notifier';
ALTER ROLE conveyor_dlq_replayer WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'pw_dlq_replayer';

SELECT 'CREATE DATABASE conveyor OWNER conveyor ENCODING ''UTF8'' TEMPLATE template0'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'conveyor')
\gexec
ALTER DATABASE conveyor OWNER TO conveyor;
SQL
