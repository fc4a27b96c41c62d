#!/usr/bin/env bash
# Conveyor's local stack: private RabbitMQ and PostgreSQL instances run as plain processes,
# configured from the same files as the compose stack (deploy/rabbitmq, deploy/postgres).
# Used by the tests (deploy/test.sh) and by anyone without Docker. `stack.sh help` lists
# the commands; the settings are described there too.
set -euo pipefail

# ---------------------------------------------------------------------------------------
# Paths and settings

SELF=$(realpath "${BASH_SOURCE[0]}")
LOCAL_DIR=$(dirname "$SELF")
DEPLOY_DIR=$(dirname "$LOCAL_DIR")
STATE_DIR="$LOCAL_DIR/.state"
ENV_FILE="$LOCAL_DIR/.env"
SETTINGS_FILE="$STATE_DIR/settings.env"
RUN_DIR="$STATE_DIR/run"
LOG_DIR="$STATE_DIR/logs"
MAIL_DIR="$STATE_DIR/mail"
RUN_SETTINGS_FILE="$RUN_DIR/settings.env"
PACKAGE_DIR=$(dirname "$DEPLOY_DIR")
# Short, stable id of this checkout: names per-checkout paths outside it.
CHECKOUT_ID=$(printf '%s' "$LOCAL_DIR" | sha256sum | cut -c1-12)

RABBITMQ_USERS=(conveyor-admin api-gateway order-processor notifier dlq-replayer)
POSTGRES_ROLES=(conveyor conveyor_api_gateway conveyor_order_processor conveyor_notifier conveyor_dlq_replayer)
SERVICES=(api-gateway order-processor notifier dlq-replayer)
SETTINGS=(
    CONVEYOR_LOCAL_POSTGRES_PORT CONVEYOR_LOCAL_AMQP_PORT CONVEYOR_LOCAL_AMQPS_PORT
    CONVEYOR_LOCAL_MANAGEMENT_PORT CONVEYOR_LOCAL_PROMETHEUS_PORT CONVEYOR_LOCAL_DIST_PORT
    CONVEYOR_LOCAL_EPMD_PORT CONVEYOR_LOCAL_NODENAME
)
# Settings of `run` (the services and the SMTP sink), remembered in .state/run/settings.env.
RUN_SETTINGS=(
    CONVEYOR_LOCAL_API_PORT CONVEYOR_LOCAL_OPS_PORT_ORDER_PROCESSOR CONVEYOR_LOCAL_OPS_PORT_NOTIFIER
    CONVEYOR_LOCAL_OPS_PORT_DLQ_REPLAYER CONVEYOR_LOCAL_SMTP_PORT CONVEYOR_LOCAL_BIN_DIR
    CONVEYOR_LOCAL_LOG_LEVEL
)

# Settings come from the environment, else from the last `up` and `run` (so `env`, `status` and the
# rest agree with what is running), else from the defaults.
for file in "$SETTINGS_FILE" "$RUN_SETTINGS_FILE"; do
    if [[ -f $file ]]; then
        # shellcheck source=/dev/null
        . "$file"
    fi
done
unset file
: "${CONVEYOR_LOCAL_POSTGRES_PORT:=5442}"
: "${CONVEYOR_LOCAL_AMQP_PORT:=5682}"
: "${CONVEYOR_LOCAL_AMQPS_PORT:=5683}"
: "${CONVEYOR_LOCAL_MANAGEMENT_PORT:=15682}"
: "${CONVEYOR_LOCAL_PROMETHEUS_PORT:=15702}"
: "${CONVEYOR_LOCAL_DIST_PORT:=25682}"
: "${CONVEYOR_LOCAL_EPMD_PORT:=4379}"
: "${CONVEYOR_LOCAL_NODENAME:=conveyor@localhost}"
: "${CONVEYOR_LOCAL_WAIT_SECONDS:=60}"
: "${CONVEYOR_LOCAL_API_PORT:=8080}"
: "${CONVEYOR_LOCAL_OPS_PORT_ORDER_PROCESSOR:=9091}"
: "${CONVEYOR_LOCAL_OPS_PORT_NOTIFIER:=9092}"
: "${CONVEYOR_LOCAL_OPS_PORT_DLQ_REPLAYER:=9093}"
: "${CONVEYOR_LOCAL_SMTP_PORT:=2525}"
: "${CONVEYOR_LOCAL_BIN_DIR:=$PACKAGE_DIR/.build/release}"
: "${CONVEYOR_LOCAL_LOG_LEVEL:=info}"
: "${CONVEYOR_LOCAL_BUILD:=1}"
: "${CONVEYOR_LOCAL_PYTHON:=/usr/bin/python3}"
: "${CONVEYOR_LOCAL_STOP_SECONDS:=20}"

PG_PORT=$CONVEYOR_LOCAL_POSTGRES_PORT
AMQP_PORT=$CONVEYOR_LOCAL_AMQP_PORT
AMQPS_PORT=$CONVEYOR_LOCAL_AMQPS_PORT
MANAGEMENT_PORT=$CONVEYOR_LOCAL_MANAGEMENT_PORT
PROMETHEUS_PORT=$CONVEYOR_LOCAL_PROMETHEUS_PORT
DIST_PORT=$CONVEYOR_LOCAL_DIST_PORT
EPMD_PORT=$CONVEYOR_LOCAL_EPMD_PORT
NODENAME=$CONVEYOR_LOCAL_NODENAME
WAIT_SECONDS=$CONVEYOR_LOCAL_WAIT_SECONDS
API_PORT=$CONVEYOR_LOCAL_API_PORT
SMTP_PORT=$CONVEYOR_LOCAL_SMTP_PORT
BIN_DIR=$CONVEYOR_LOCAL_BIN_DIR
STOP_SECONDS=$CONVEYOR_LOCAL_STOP_SECONDS
HOST=127.0.0.1

RABBITMQ_BIN=/usr/lib/rabbitmq/bin

# ---------------------------------------------------------------------------------------
# Messages

say() { printf 'stack: %s\n' "$*" >&2; }
die() {
    printf 'stack: error: %s\n' "$*" >&2
    exit 1
}

usage() {
    cat <<EOF
Usage: ${SELF##*/} COMMAND

Private RabbitMQ and PostgreSQL for Conveyor, listening on $HOST only, with their data
in deploy/local/.state (per checkout) and generated credentials in deploy/local/.env;
"run" adds an SMTP sink and the four services on top.

Commands:
  up              install missing packages (as root), start both servers, apply the
                  configuration, wait until both answer, print the URLs (idempotent)
  run [--no-build]
                  the whole system: a static release build (unless --no-build), up,
                  the SMTP sink (mail in .state/mail) and the four services in the
                  background (logs in .state/logs, pids in .state/run), wait until every
                  /readyz answers 200, print the URLs (idempotent: what runs is kept)
  down            stop the services and the sink (SIGTERM, then KILL after
                  CONVEYOR_LOCAL_STOP_SECONDS), then both servers (data is kept)
  status          show what runs; exit status 0 only if both servers run (and, after
                  run, every service is ready)
  env             print export lines for tests and services (CONVEYOR_TEST_*, CONVEYOR_LOCAL_*)
  pids            print name=pid of each running server, the sink and each service
  logs [broker|db] [-f]
                  show the end of the server logs (-f: follow one of them)
  start-broker, stop-broker, restart-broker
  start-db, stop-db, restart-db
                  start/stop one server; start and restart wait until it answers,
                  stop returns only once it is gone
  reset           down, then delete all server data (.state); .env is kept, so the
                  next up recreates everything with the same credentials
  help            this text

Settings (environment variables; remembered from the last up):
  CONVEYOR_LOCAL_POSTGRES_PORT    PostgreSQL                 ($PG_PORT)
  CONVEYOR_LOCAL_AMQP_PORT        RabbitMQ AMQP              ($AMQP_PORT)
  CONVEYOR_LOCAL_AMQPS_PORT       RabbitMQ AMQP over TLS     ($AMQPS_PORT)
  CONVEYOR_LOCAL_MANAGEMENT_PORT  RabbitMQ management UI     ($MANAGEMENT_PORT)
  CONVEYOR_LOCAL_PROMETHEUS_PORT  RabbitMQ Prometheus        ($PROMETHEUS_PORT)
  CONVEYOR_LOCAL_DIST_PORT        Erlang distribution        ($DIST_PORT)
  CONVEYOR_LOCAL_EPMD_PORT        epmd of this node          ($EPMD_PORT)
  CONVEYOR_LOCAL_NODENAME         RabbitMQ node name         ($NODENAME)
  CONVEYOR_LOCAL_WAIT_SECONDS     start-up wait per server   ($WAIT_SECONDS)

Settings of run (environment variables; remembered from the last run):
  CONVEYOR_LOCAL_API_PORT         api-gateway HTTP           ($API_PORT)
  CONVEYOR_LOCAL_OPS_PORT_ORDER_PROCESSOR  ops endpoints     ($CONVEYOR_LOCAL_OPS_PORT_ORDER_PROCESSOR)
  CONVEYOR_LOCAL_OPS_PORT_NOTIFIER         ops endpoints     ($CONVEYOR_LOCAL_OPS_PORT_NOTIFIER)
  CONVEYOR_LOCAL_OPS_PORT_DLQ_REPLAYER     ops endpoints     ($CONVEYOR_LOCAL_OPS_PORT_DLQ_REPLAYER)
  CONVEYOR_LOCAL_SMTP_PORT        SMTP sink                  ($SMTP_PORT)
  CONVEYOR_LOCAL_BIN_DIR          the services' executables  ($BIN_DIR)
  CONVEYOR_LOCAL_LOG_LEVEL        the services' LOG_LEVEL    ($CONVEYOR_LOCAL_LOG_LEVEL)
Not remembered:
  CONVEYOR_LOCAL_BUILD            0: skip swift build        ($CONVEYOR_LOCAL_BUILD)
  CONVEYOR_LOCAL_PYTHON           python3 with aiosmtpd      ($CONVEYOR_LOCAL_PYTHON)
  CONVEYOR_LOCAL_STOP_SECONDS     SIGTERM grace per process  ($STOP_SECONDS)
  CONVEYOR_LOCAL_FAILURE_INJECTION
                                  order-processor's FAILURE_INJECTION (${CONVEYOR_LOCAL_FAILURE_INJECTION:-true})
EOF
}

# ---------------------------------------------------------------------------------------
# Helpers

is_root() { [[ $EUID -eq 0 ]]; }

# Environment variable suffix for a user or role name: order-processor -> ORDER_PROCESSOR.
var_suffix() { printf '%s' "$1" | tr 'a-z-' 'A-Z_'; }

# Percent-encodes a URL component (RFC 3986 unreserved characters stay).
urlencode() {
    local LC_ALL=C
    local s=$1 out="" c i
    for ((i = 0; i < ${#s}; i++)); do
        c=${s:i:1}
        case $c in
            [A-Za-z0-9._~-]) out+=$c ;;
            *) printf -v c '%%%02X' "'$c" && out+=$c ;;
        esac
    done
    printf '%s' "$out"
}

# True if process PID exists and has not exited. An exited process whose parent has not
# reaped it (a zombie) counts as gone: not every PID 1 reaps orphans promptly.
alive() {
    local stat
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) }
    [[ ${stat:0:1} != [ZX] ]]
}

# True if something accepts TCP connections on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }

# Command prefix that runs a command as USER (empty when we already are USER).
run_as_prefix() {
    local user=$1
    if [[ $user == "$(id -un)" ]]; then
        return 0
    fi
    printf '%s\n' setpriv "--reuid=$(id -u "$user")" "--regid=$(id -g "$user")" --init-groups --
}

validate_settings() {
    local var port seen=" "
    for var in CONVEYOR_LOCAL_POSTGRES_PORT CONVEYOR_LOCAL_AMQP_PORT CONVEYOR_LOCAL_AMQPS_PORT \
        CONVEYOR_LOCAL_MANAGEMENT_PORT CONVEYOR_LOCAL_PROMETHEUS_PORT CONVEYOR_LOCAL_DIST_PORT \
        CONVEYOR_LOCAL_EPMD_PORT; do
        port=${!var}
        [[ $port =~ ^[0-9]+$ ]] && ((port > 0 && port < 65536)) || die "$var=$port is not a port number"
        [[ $seen != *" $port "* ]] || die "$var=$port: port used twice in the settings"
        seen+="$port "
    done
    [[ $WAIT_SECONDS =~ ^[0-9]+$ ]] || die "CONVEYOR_LOCAL_WAIT_SECONDS=$WAIT_SECONDS is not a number"
    [[ $NODENAME == *@* ]] || die "CONVEYOR_LOCAL_NODENAME=$NODENAME must look like name@host"
}

save_settings() {
    local var
    {
        echo "# Settings of the last 'stack.sh up'; environment variables override them."
        for var in "${SETTINGS[@]}"; do
            printf ': "${%s:=%s}"\n' "$var" "${!var}"
        done
    } >"$SETTINGS_FILE"
}

# Installs Debian's packages for the servers when they are missing (root only).
ensure_packages() {
    local missing=()
    [[ -x $RABBITMQ_BIN/rabbitmq-server ]] || missing+=(rabbitmq-server)
    find_pg_bin >/dev/null 2>&1 || missing+=(postgresql)
    command -v setpriv >/dev/null || missing+=(util-linux)
    [[ ${#missing[@]} -eq 0 ]] && return 0
    is_root || die "missing packages: ${missing[*]} (install them, or run this as root once)"
    say "installing ${missing[*]} ..."
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    # Keep the packages' own system instances from starting: this stack runs its own.
    local guard=
    if [[ ! -e /usr/sbin/policy-rc.d ]]; then
        printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
        chmod 755 /usr/sbin/policy-rc.d
        guard=1
    fi
    local rc=0
    apt-get install -y -q --no-install-recommends "${missing[@]}" || rc=$?
    [[ -z $guard ]] || rm -f /usr/sbin/policy-rc.d
    ((rc == 0)) || die "apt-get install ${missing[*]} failed"
}

find_pg_bin() {
    local dir
    if [[ -n ${CONVEYOR_LOCAL_PG_BIN:-} ]]; then
        [[ -x $CONVEYOR_LOCAL_PG_BIN/initdb ]] && echo "$CONVEYOR_LOCAL_PG_BIN" && return 0
        return 1
    fi
    for dir in $(printf '%s\n' /usr/lib/postgresql/*/bin | sort -rV); do
        [[ -x $dir/initdb ]] && echo "$dir" && return 0
    done
    dir=$(command -v initdb 2>/dev/null) && dirname "$dir" && return 0
    return 1
}

# Generated credentials: created on first use, reused afterwards; missing keys are added.
ensure_env_file() {
    local name var added=0 created=0
    if [[ ! -f $ENV_FILE ]]; then
        (umask 077 && printf '# Credentials of the local stack (generated; keep private).\n' >"$ENV_FILE")
        created=1
    fi
    chmod 600 "$ENV_FILE"
    for name in "${RABBITMQ_USERS[@]/#/RABBITMQ_PASSWORD_}" "${POSTGRES_ROLES[@]/#/POSTGRES_PASSWORD_}"; do
        var="CONVEYOR_$(var_suffix "$name")"
        if ! grep -q "^$var=" "$ENV_FILE"; then
            printf '%s=%s\n' "$var" "$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')" >>"$ENV_FILE"
            added=1
        fi
    done
    if ((created == 1)); then
        say "generated credentials in $ENV_FILE"
    elif ((added == 1)); then
        say "added missing credentials to $ENV_FILE"
    fi
}

load_env_file() {
    [[ -f $ENV_FILE ]] || die "no $ENV_FILE yet: run '${SELF##*/} up' first"
    set -a
    # shellcheck source=/dev/null
    . "$ENV_FILE"
    set +a
}

password_of() {
    local var
    var="CONVEYOR_$1_PASSWORD_$(var_suffix "$2")"
    [[ -n ${!var:-} ]] || die "$var is missing from $ENV_FILE"
    printf '%s' "${!var}"
}

# Serialises commands that change the stack. The descriptor is closed for the servers.
take_lock() {
    mkdir -p "$STATE_DIR"
    exec 9>"$STATE_DIR/lock"
    flock -w 300 9 || die "another stack.sh is still running (lock $STATE_DIR/lock)"
}

# The directory holding one server's state, owned by the OS user that runs the server.
# It lives in .state/NAME when that user can reach .state; otherwise (a checkout in a
# private home directory, say) in /var/tmp/conveyor-<checkout id>/NAME, linked from
# .state/NAME, so each checkout still has its own.
server_dir() {
    local name=$1 user=$2 link="$STATE_DIR/$1" target
    if [[ -L $link ]]; then
        target=$(readlink "$link")
        mkdir -p "$target"
    elif [[ -d $link ]]; then
        target=$link
    else
        mkdir -p "$STATE_DIR"
        is_root && chmod 755 "$STATE_DIR"
        # shellcheck disable=SC2046
        if $(run_as_prefix "$user") test -x "$STATE_DIR"; then
            target=$link
            mkdir -p "$target"
        else
            target="/var/tmp/conveyor-$CHECKOUT_ID/$name"
            mkdir -p "$target"
            chmod 755 "$(dirname "$target")"
            ln -s "$target" "$link"
            say "$user cannot reach $STATE_DIR; $name data is in $target"
        fi
    fi
    chmod 700 "$target"
    is_root && chown "$user:" "$target"
    printf '%s' "$target"
}

# Prints the tail of a log file, for error messages.
show_tail() {
    local file
    for file in "$@"; do
        [[ -s $file ]] || continue
        printf -- '--- last lines of %s\n' "$file" >&2
        tail -n 40 "$file" >&2
    done
}

# ---------------------------------------------------------------------------------------
# PostgreSQL

pg_setup() {
    PG_OS_USER=postgres
    is_root || PG_OS_USER=$(id -un)
    id "$PG_OS_USER" >/dev/null 2>&1 || die "no OS user $PG_OS_USER (it comes with the postgresql package)"
    PG_BIN=$(find_pg_bin) || die "PostgreSQL binaries not found (set CONVEYOR_LOCAL_PG_BIN)"
    mapfile -t AS_PG < <(run_as_prefix "$PG_OS_USER")
    PG_DIR=$(server_dir postgres "$PG_OS_USER")
    PG_DATA="$PG_DIR/data"
    PG_LOG="$PG_DIR/postgres.log"
    # A Unix socket path has at most 107 bytes.
    PG_SOCKET_DIR="$PG_DIR/run"
    if ((${#PG_SOCKET_DIR} > 80)); then
        PG_SOCKET_DIR="/tmp/conveyor-pg-$PG_PORT-$CHECKOUT_ID"
    fi
}

pg_pid() {
    local pid
    pid=$(head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" || return 1
    [[ $(cat "/proc/$pid/comm" 2>/dev/null) == postgres* ]] || return 1
    printf '%s' "$pid"
}

pg_running() { pg_pid >/dev/null; }

# Runs a PostgreSQL server tool as the server's OS user, from a directory it can read.
pg_as() { (cd "$PG_DIR" && "${AS_PG[@]}" "$@"); }

pg_psql() {
    PGHOST=$PG_SOCKET_DIR PGPORT=$PG_PORT "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -U postgres "$@"
}

pg_initdb() {
    [[ -s $PG_DATA/PG_VERSION ]] && return 0
    say "initialising PostgreSQL in $PG_DATA"
    rm -rf "$PG_DATA"
    pg_as "$PG_BIN/initdb" -D "$PG_DATA" -U postgres -E UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >>"$PG_LOG" 2>&1 ||
        {
            show_tail "$PG_LOG"
            die "initdb failed"
        }
}

pg_start() {
    if pg_running; then
        say "PostgreSQL already runs (pid $(pg_pid))"
        return 0
    fi
    ! port_open "$PG_PORT" ||
        die "port $PG_PORT is already in use; pick another with CONVEYOR_LOCAL_POSTGRES_PORT"
    pg_initdb
    mkdir -p "$PG_SOCKET_DIR"
    chmod 700 "$PG_SOCKET_DIR"
    touch "$PG_LOG"
    is_root && chown "$PG_OS_USER:" "$PG_SOCKET_DIR" "$PG_LOG"
    say "starting PostgreSQL on $HOST:$PG_PORT"
    local opts="-p $PG_PORT -c listen_addresses=$HOST -c unix_socket_directories='$PG_SOCKET_DIR'"
    opts+=" -c unix_socket_permissions=0700"
    # pg_ctl waits until the server accepts connections, and starts it in its own session
    # (env --default-signal: see launch_detached).
    if ! pg_as env --default-signal "$PG_BIN/pg_ctl" start -D "$PG_DATA" -l "$PG_LOG" -o "$opts" \
        -w -t "$WAIT_SECONDS" >/dev/null 9>&-; then
        show_tail "$PG_LOG"
        die "PostgreSQL did not start within ${WAIT_SECONDS}s (log: $PG_LOG)"
    fi
    pg_wait
}

pg_wait() {
    local deadline=$((SECONDS + WAIT_SECONDS))
    until "$PG_BIN/pg_isready" -q -h "$HOST" -p "$PG_PORT" -t 2; do
        if ! pg_running || ((SECONDS >= deadline)); then
            show_tail "$PG_LOG"
            die "PostgreSQL does not answer on $HOST:$PG_PORT (log: $PG_LOG)"
        fi
        sleep 0.2
    done
}

pg_stop() {
    local pid deadline
    if ! pid=$(pg_pid); then
        say "PostgreSQL is not running"
        return 0
    fi
    say "stopping PostgreSQL (pid $pid)"
    pg_as "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m fast -w -t 30 >/dev/null 2>&1 ||
        pg_as "$PG_BIN/pg_ctl" stop -D "$PG_DATA" -m immediate -w -t 10 >/dev/null 2>&1 ||
        true
    if alive "$pid"; then
        say "PostgreSQL did not stop; killing pid $pid"
        kill -KILL "$pid" 2>/dev/null || true
    fi
    deadline=$((SECONDS + 10))
    while alive "$pid" || port_open "$PG_PORT"; do
        ((SECONDS < deadline)) || die "PostgreSQL (pid $pid) is still there"
        sleep 0.1
    done
}

# Runs deploy/postgres/init in order, as the postgres image does on first start, with the
# same variables. The scripts are idempotent, so this converges roles and passwords to .env.
pg_apply_init() {
    local file
    for file in "$DEPLOY_DIR"/postgres/init/*; do
        case $file in
            *.sh)
                PGHOST=$PG_SOCKET_DIR PGPORT=$PG_PORT POSTGRES_USER=postgres POSTGRES_DB=postgres \
                    bash "$file" || die "$file failed"
                ;;
            *.sql)
                pg_psql -d postgres -f "$file" || die "$file failed"
                ;;
        esac
    done
}

# ---------------------------------------------------------------------------------------
# RabbitMQ

rmq_setup() {
    RMQ_OS_USER=rabbitmq
    is_root || RMQ_OS_USER=$(id -un)
    id "$RMQ_OS_USER" >/dev/null 2>&1 || die "no OS user $RMQ_OS_USER (it comes with the rabbitmq-server package)"
    mapfile -t AS_RMQ < <(run_as_prefix "$RMQ_OS_USER")
    RMQ_DIR=$(server_dir rabbitmq "$RMQ_OS_USER")
    RMQ_LOG_DIR="$RMQ_DIR/log"
    RMQ_LAUNCHER_PID_FILE="$RMQ_DIR/launcher.pid"
    # Everything the server and its CLI tools read, so neither touches a system instance:
    # own config, plugins file, data, logs, Erlang cookie ($HOME), epmd and ports.
    RMQ_ENV=(
        "HOME=$RMQ_DIR/home"
        "RABBITMQ_NODENAME=$NODENAME"
        "RABBITMQ_CONF_ENV_FILE=$RMQ_DIR/rabbitmq-env.conf"
        "RABBITMQ_CONFIG_FILE=$RMQ_DIR/rabbitmq.conf"
        "RABBITMQ_ADVANCED_CONFIG_FILE=$RMQ_DIR/advanced.config"
        "RABBITMQ_ENABLED_PLUGINS_FILE=$RMQ_DIR/enabled_plugins"
        "RABBITMQ_MNESIA_BASE=$RMQ_DIR/mnesia"
        "RABBITMQ_LOG_BASE=$RMQ_LOG_DIR"
        "RABBITMQ_PID_FILE=$RMQ_DIR/rabbitmq.pid"
        "RABBITMQ_DIST_PORT=$DIST_PORT"
        "RABBITMQ_CTL_DIST_PORT_MIN=$((DIST_PORT + 10000))"
        "RABBITMQ_CTL_DIST_PORT_MAX=$((DIST_PORT + 10009))"
        "RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}"
        "RABBITMQ_CTL_ERL_ARGS=-kernel inet_dist_use_interface {127,0,0,1}"
        "ERL_EPMD_PORT=$EPMD_PORT"
        "ERL_EPMD_ADDRESS=$HOST"
    )
}

# Runs a RabbitMQ CLI tool (rabbitmqctl, rabbitmq-diagnostics, ...) against this node.
rmq_cli() {
    local tool=$1
    shift
    (cd "$RMQ_DIR" && "${AS_RMQ[@]}" env "${RMQ_ENV[@]}" "$RABBITMQ_BIN/$tool" -n "$NODENAME" "$@")
}

# The pid of our Erlang VM, or of the launcher while the VM is not up yet.
rmq_pid() {
    local pid file
    for file in "$RMQ_DIR/rabbitmq.pid" "$RMQ_LAUNCHER_PID_FILE"; do
        pid=$(cat "$file" 2>/dev/null) || continue
        [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" || continue
        # Guard against a recycled pid: the process must belong to this state directory.
        tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline" | grep -qF -- "$RMQ_DIR" ||
            tr '\0' '\n' 2>/dev/null <"/proc/$pid/environ" | grep -qxF -- "RABBITMQ_MNESIA_BASE=$RMQ_DIR/mnesia" ||
            continue
        printf '%s' "$pid"
        return 0
    done
    return 1
}

rmq_running() { rmq_pid >/dev/null; }

rmq_answers() {
    port_open "$AMQP_PORT" && port_open "$AMQPS_PORT" && port_open "$MANAGEMENT_PORT" && port_open "$PROMETHEUS_PORT"
}

# A private certificate authority and a server certificate for the TLS listener (made once;
# valid for 127.0.0.1 and localhost), and a second, unrelated authority that clients must not
# trust it with: the tests of amqps:// use both.
rmq_tls_files() {
    local dir=$RMQ_DIR/tls
    [[ -s $dir/server.pem && -s $dir/other-ca.pem ]] && return 0
    command -v openssl >/dev/null || die "openssl is missing (it makes the TLS listener's certificates)"
    mkdir -p "$dir"
    (
        cd "$dir"
        umask 077
        openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Conveyor local CA" \
            -keyout ca.key -out ca.pem 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr 2>/dev/null
        printf 'subjectAltName = IP:127.0.0.1, DNS:localhost\nextendedKeyUsage = serverAuth\n' >server.ext
        openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 \
            -extfile server.ext -out server.pem 2>/dev/null
        openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=Some other CA" \
            -keyout other-ca.key -out other-ca.pem 2>/dev/null
        chmod 644 ca.pem other-ca.pem server.pem
        rm -f server.csr server.ext ca.srl
    ) || die "could not make the TLS certificates in $dir"
}

# Checksum of what the definitions are rendered from: change either and they are re-applied.
rmq_definitions_source_sum() {
    cat "$DEPLOY_DIR/rabbitmq/definitions.json" "$ENV_FILE" | sha256sum | cut -d' ' -f1
}

rmq_render_definitions() {
    "$DEPLOY_DIR/rabbitmq/render-definitions.sh" "$DEPLOY_DIR/rabbitmq/definitions.json" \
        "$RMQ_DIR/definitions.json"
    rmq_definitions_source_sum >"$RMQ_DIR/definitions.sum"
    is_root && chown "$RMQ_OS_USER:" "$RMQ_DIR/definitions.json" "$RMQ_DIR/definitions.sum"
    return 0
}

rmq_prepare() {
    mkdir -p "$RMQ_DIR/home" "$RMQ_DIR/mnesia" "$RMQ_LOG_DIR"
    if [[ ! -s $RMQ_DIR/home/.erlang.cookie ]]; then
        (umask 077 && od -An -N20 -tx1 /dev/urandom | tr -d ' \n' | tr 'a-f' 'A-F' >"$RMQ_DIR/home/.erlang.cookie")
    fi
    chmod 400 "$RMQ_DIR/home/.erlang.cookie"
    : >"$RMQ_DIR/rabbitmq-env.conf"
    cp "$DEPLOY_DIR/rabbitmq/enabled_plugins" "$RMQ_DIR/enabled_plugins"
    rmq_tls_files
    {
        cat "$DEPLOY_DIR/rabbitmq/rabbitmq.conf"
        cat <<EOF

## deploy/local: listeners on $HOST only, this checkout's ports and definitions.
listeners.tcp.default = $HOST:$AMQP_PORT
listeners.ssl.default = $HOST:$AMQPS_PORT
ssl_options.cacertfile = $RMQ_DIR/tls/ca.pem
ssl_options.certfile = $RMQ_DIR/tls/server.pem
ssl_options.keyfile = $RMQ_DIR/tls/server.key
ssl_options.verify = verify_none
ssl_options.fail_if_no_peer_cert = false
management.tcp.ip = $HOST
management.tcp.port = $MANAGEMENT_PORT
prometheus.tcp.ip = $HOST
prometheus.tcp.port = $PROMETHEUS_PORT
load_definitions = $RMQ_DIR/definitions.json
log.console = false
log.file.level = info
EOF
    } >"$RMQ_DIR/rabbitmq.conf"
    rmq_render_definitions
    is_root && chown -R "$RMQ_OS_USER:" "$RMQ_DIR"
    return 0
}

# Starts the node in the background; rmq_wait waits for it.
rmq_launch() {
    if rmq_running; then
        say "RabbitMQ already runs (pid $(rmq_pid))"
        return 0
    fi
    local port
    for port in "$AMQP_PORT" "$AMQPS_PORT" "$MANAGEMENT_PORT" "$PROMETHEUS_PORT" "$DIST_PORT"; do
        ! port_open "$port" || die "port $port is already in use; see '${SELF##*/} help' for the port settings"
    done
    rmq_prepare
    rm -f "$RMQ_DIR/rabbitmq.pid"
    say "starting RabbitMQ $NODENAME on $HOST:$AMQP_PORT"
    # In its own session, so a Ctrl-C in the calling terminal does not reach it; with every
    # signal unblocked and handled by default (see launch_detached), so that stop's SIGTERM
    # reaches it.
    (
        cd "$RMQ_DIR"
        exec "${AS_RMQ[@]}" setsid env --default-signal "${RMQ_ENV[@]}" "$RABBITMQ_BIN/rabbitmq-server" \
            </dev/null >>"$RMQ_LOG_DIR/startup.log" 2>&1 9>&-
    ) &
    echo $! >"$RMQ_LAUNCHER_PID_FILE"
}

rmq_wait() {
    local deadline=$((SECONDS + WAIT_SECONDS))
    until rmq_answers; do
        if ! rmq_running; then
            show_tail "$RMQ_LOG_DIR/startup.log" "$RMQ_LOG_DIR/$NODENAME.log"
            die "RabbitMQ exited during start-up (logs: $RMQ_LOG_DIR)"
        fi
        if ((SECONDS >= deadline)); then
            show_tail "$RMQ_LOG_DIR/startup.log" "$RMQ_LOG_DIR/$NODENAME.log"
            die "RabbitMQ did not answer on $HOST:$AMQP_PORT within ${WAIT_SECONDS}s (logs: $RMQ_LOG_DIR;" \
                "it may still be starting: '${SELF##*/} down' stops it)"
        fi
        sleep 0.3
    done
}

rmq_start() {
    rmq_launch
    rmq_wait
}

# Re-applies the definitions to a running node when .env or definitions.json changed.
rmq_sync_definitions() {
    [[ $(cat "$RMQ_DIR/definitions.sum" 2>/dev/null) != "$(rmq_definitions_source_sum)" ]] || return 0
    say "importing changed RabbitMQ definitions"
    rmq_render_definitions
    rmq_cli rabbitmqctl -q import_definitions "$RMQ_DIR/definitions.json" >/dev/null ||
        die "importing $RMQ_DIR/definitions.json failed"
}

rmq_stop() {
    local pid group deadline
    if ! pid=$(rmq_pid); then
        say "RabbitMQ is not running"
        rmq_stop_epmd
        return 0
    fi
    group=$(cat "$RMQ_LAUNCHER_PID_FILE" 2>/dev/null || true)
    say "stopping RabbitMQ (pid $pid)"
    # SIGTERM makes the node shut down cleanly.
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + 30))
    while rmq_running; do
        if ((SECONDS >= deadline)); then
            say "RabbitMQ did not stop within 30s; killing it"
            [[ -z $group ]] || kill -KILL -- "-$group" 2>/dev/null || true
            kill -KILL "$(rmq_pid)" 2>/dev/null || true
            sleep 0.5
            break
        fi
        sleep 0.2
    done
    # The launcher's session may still hold helpers (erl_child_setup, inet_gethost).
    [[ -z $group ]] || kill -KILL -- "-$group" 2>/dev/null || true
    deadline=$((SECONDS + 10))
    while rmq_running || port_open "$AMQP_PORT"; do
        ((SECONDS < deadline)) || die "RabbitMQ (pid $pid) is still there"
        sleep 0.1
    done
    rm -f "$RMQ_LAUNCHER_PID_FILE" "$RMQ_DIR/rabbitmq.pid"
    rmq_stop_epmd
}

# The node started an epmd on EPMD_PORT; it exits only when asked, and refuses while any
# node is registered with it.
rmq_stop_epmd() {
    local epmd
    epmd=$(command -v epmd || printf '%s' /usr/lib/erlang/erts-*/bin/epmd)
    [[ -x $epmd ]] || return 0
    local deadline=$((SECONDS + 5))
    while port_open "$EPMD_PORT" && ((SECONDS < deadline)); do
        "$epmd" -port "$EPMD_PORT" -kill >/dev/null 2>&1 || sleep 0.2
    done
}

# ---------------------------------------------------------------------------------------
# Services and the SMTP sink (`run`)

validate_run_settings() {
    local var port seen=" "
    for var in CONVEYOR_LOCAL_POSTGRES_PORT CONVEYOR_LOCAL_AMQP_PORT CONVEYOR_LOCAL_MANAGEMENT_PORT \
        CONVEYOR_LOCAL_PROMETHEUS_PORT CONVEYOR_LOCAL_DIST_PORT CONVEYOR_LOCAL_EPMD_PORT \
        CONVEYOR_LOCAL_API_PORT CONVEYOR_LOCAL_OPS_PORT_ORDER_PROCESSOR CONVEYOR_LOCAL_OPS_PORT_NOTIFIER \
        CONVEYOR_LOCAL_OPS_PORT_DLQ_REPLAYER CONVEYOR_LOCAL_SMTP_PORT; do
        port=${!var}
        [[ $port =~ ^[0-9]+$ ]] && ((port > 0 && port < 65536)) || die "$var=$port is not a port number"
        [[ $seen != *" $port "* ]] || die "$var=$port: port used twice in the settings"
        seen+="$port "
    done
    [[ $STOP_SECONDS =~ ^[0-9]+$ ]] || die "CONVEYOR_LOCAL_STOP_SECONDS=$STOP_SECONDS is not a number"
    [[ $CONVEYOR_LOCAL_BUILD == [01] ]] || die "CONVEYOR_LOCAL_BUILD=$CONVEYOR_LOCAL_BUILD must be 0 or 1"
}

save_run_settings() {
    local var
    mkdir -p "$RUN_DIR"
    {
        echo "# Settings of the last 'stack.sh run'; environment variables override them."
        for var in "${RUN_SETTINGS[@]}"; do
            printf ': "${%s:=%s}"\n' "$var" "${!var}"
        done
    } >"$RUN_DIR/settings.env.tmp"
    mv "$RUN_DIR/settings.env.tmp" "$RUN_SETTINGS_FILE"
}

# The port a service answers /readyz on.
service_port() {
    case $1 in
        api-gateway) printf '%s' "$API_PORT" ;;
        *)
            local var
            var="CONVEYOR_LOCAL_OPS_PORT_$(var_suffix "$1")"
            printf '%s' "${!var}"
            ;;
    esac
}

pid_file() { printf '%s' "$RUN_DIR/$1.pid"; }

# The pid of a process started by `run` (a service or smtp-sink), if it still runs: the pid
# file's process must still be what was started (its command line names the same program),
# so a recycled pid is never taken for it.
run_pid() {
    local name=$1 pid expected
    pid=$(cat "$(pid_file "$name")" 2>/dev/null) || return 1
    [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" || return 1
    case $name in
        smtp-sink) expected="$LOCAL_DIR/smtp-sink.py" ;;
        *) expected=$name ;;
    esac
    tr '\0' '\n' 2>/dev/null <"/proc/$pid/cmdline" | grep -qE -- "(^|/)${expected//./\\.}\$" || return 1
    printf '%s' "$pid"
}

# The HTTP status of GET http://127.0.0.1:PORT/PATH, or nothing when no answer comes within
# two seconds. Plain bash (/dev/tcp), so it needs no HTTP client.
http_status() {
    local port=$1 path=$2
    (
        exec 3<>"/dev/tcp/$HOST/$port" || exit 1
        printf 'GET %s HTTP/1.1\r\nHost: %s:%s\r\nConnection: close\r\n\r\n' "$path" "$HOST" "$port" >&3
        local line
        IFS=' ' read -r -t 2 _ line _ <&3 || exit 1
        printf '%s' "$line"
    ) 2>/dev/null
}

service_ready() { [[ $(http_status "$(service_port "$1")" /readyz) == 200 ]]; }

# Starts PROGRAM ARGS... in the background, detached from the caller: its own session
# (setsid: no terminal signals), stdin from /dev/null, output to LOG, and no other
# descriptor of this shell (a caller waiting on a pipe is not held open by it). Every signal
# is unblocked and handled by default (env --default-signal): a caller may have blocked or
# ignored some (a thread of a Swift or Python program that runs this script, for one), and
# bash passes that on, so the program would never see the SIGTERM that stops it.
# ENV_ASSIGNMENTS (NAME=VALUE ...) is its whole environment. Writes the pid to PID_FILE.
launch_detached() { # PID_FILE LOG ENV_ARRAY_NAME PROGRAM ARGS...
    local pidfile=$1 log=$2 env_name=$3
    shift 3
    local -n launch_environment=$env_name
    (
        local fd
        for fd in /proc/"$BASHPID"/fd/*; do
            fd=${fd##*/}
            ((fd > 2)) && eval "exec $fd>&-"
        done
        cd "$PACKAGE_DIR"
        exec setsid env -i --default-signal "${launch_environment[@]}" "$@" </dev/null >>"$log" 2>&1
    ) &
    printf '%s\n' "$!" >"$pidfile"
}

# Installs what the SMTP sink needs when missing (root only).
ensure_sink_packages() {
    local python=$CONVEYOR_LOCAL_PYTHON
    if [[ -x $python ]] && "$python" -c 'import aiosmtpd' 2>/dev/null; then
        return 0
    fi
    [[ $python == /usr/bin/python3 ]] && is_root ||
        die "$python with aiosmtpd is needed for the SMTP sink (Debian: apt-get install python3-aiosmtpd)"
    say "installing python3-aiosmtpd ..."
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3-aiosmtpd >&2 ||
        {
            DEBIAN_FRONTEND=noninteractive apt-get update -q >&2 &&
                DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends python3-aiosmtpd >&2
        } || die "apt-get install python3-aiosmtpd failed"
}

sink_start() {
    local pid
    if pid=$(run_pid smtp-sink); then
        say "SMTP sink already runs (pid $pid)"
        return 0
    fi
    ensure_sink_packages
    ! port_open "$SMTP_PORT" ||
        die "port $SMTP_PORT is already in use; pick another with CONVEYOR_LOCAL_SMTP_PORT"
    mkdir -p "$MAIL_DIR"
    say "starting the SMTP sink on $HOST:$SMTP_PORT (mail in $MAIL_DIR)"
    local environment=("PATH=/usr/bin:/bin" "LANG=C.UTF-8")
    launch_detached "$(pid_file smtp-sink)" "$LOG_DIR/smtp-sink.log" environment \
        "$CONVEYOR_LOCAL_PYTHON" "$LOCAL_DIR/smtp-sink.py" --maildir "$MAIL_DIR" --host "$HOST" --port "$SMTP_PORT"
    local deadline=$((SECONDS + WAIT_SECONDS))
    until port_open "$SMTP_PORT"; do
        if ! run_pid smtp-sink >/dev/null || ((SECONDS >= deadline)); then
            show_tail "$LOG_DIR/smtp-sink.log"
            die "the SMTP sink did not start (log: $LOG_DIR/smtp-sink.log)"
        fi
        sleep 0.1
    done
}

# The environment of one service: its own broker user and database role.
service_environment() { # SERVICE ARRAY_NAME
    local service=$1
    local -n out=$2
    out=(
        "PATH=/usr/local/bin:/usr/bin:/bin"
        "LANG=C.UTF-8"
        "HOME=${HOME:-/}"
        "LOG_LEVEL=$CONVEYOR_LOCAL_LOG_LEVEL"
        "LOG_FORMAT=json"
        # libpq's LDAP library pulls in GnuTLS, whose constructor would start it (1.3 MB
        # resident) although nothing here uses it.
        "GNUTLS_NO_IMPLICIT_INIT=1"
        # No per-thread malloc caches: what they hold after a busy spell stays resident.
        "GLIBC_TUNABLES=glibc.malloc.tcache_count=0"
        "AMQP_URL=$(amqp_url "$service")"
        "DATABASE_URL=$(postgres_url "conveyor_${service//-/_}")"
    )
    case $service in
        api-gateway)
            out+=("HTTP_HOST=$HOST" "HTTP_PORT=$API_PORT" "DATABASE_MIGRATION_URL=$(postgres_url conveyor)")
            ;;
        *)
            out+=("OPS_HOST=$HOST" "OPS_PORT=$(service_port "$service")")
            ;;
    esac
    case $service in
        order-processor) out+=("FAILURE_INJECTION=${CONVEYOR_LOCAL_FAILURE_INJECTION:-true}") ;;
        notifier)
            out+=("SMTP_URL=smtp://$HOST:$SMTP_PORT?starttls=off"
                "NOTIFY_FALLBACK_RECIPIENT=orders@conveyor.local")
            ;;
    esac
}

service_start() {
    local service=$1 pid port binary=$BIN_DIR/$1
    if pid=$(run_pid "$service"); then
        say "$service already runs (pid $pid)"
        return 0
    fi
    [[ -x $binary ]] || die "$binary not found: build it (swift build -c release --static-swift-stdlib) or set CONVEYOR_LOCAL_BIN_DIR"
    port=$(service_port "$service")
    ! port_open "$port" || die "port $port ($service) is already in use; see '${SELF##*/} help' for the port settings"
    # shellcheck disable=SC2034 # filled by service_environment, read by launch_detached
    local environment=() arguments=()
    service_environment "$service" environment
    [[ $service != dlq-replayer ]] || arguments=(serve)
    say "starting $service on $HOST:$port"
    launch_detached "$(pid_file "$service")" "$LOG_DIR/$service.log" environment "$binary" "${arguments[@]}"
}

# Waits until every service answers /readyz with 200, at most WAIT_SECONDS in all.
services_wait() {
    local deadline=$((SECONDS + WAIT_SECONDS)) service pending
    while :; do
        pending=()
        for service in "${SERVICES[@]}"; do
            run_pid "$service" >/dev/null || {
                show_tail "$LOG_DIR/$service.log"
                die "$service exited during start-up (log: $LOG_DIR/$service.log)"
            }
            service_ready "$service" || pending+=("$service")
        done
        ((${#pending[@]} > 0)) || return 0
        if ((SECONDS >= deadline)); then
            for service in "${pending[@]}"; do
                show_tail "$LOG_DIR/$service.log"
            done
            die "not ready within ${WAIT_SECONDS}s: ${pending[*]} (logs: $LOG_DIR; '${SELF##*/} down' stops everything)"
        fi
        sleep 0.3
    done
}

# Stops one process started by `run`: SIGTERM, at most STOP_SECONDS, then SIGKILL.
run_stop() {
    local name=$1 pid deadline
    if ! pid=$(run_pid "$name"); then
        rm -f "$(pid_file "$name")"
        return 0
    fi
    say "stopping $name (pid $pid)"
    kill -TERM "$pid" 2>/dev/null || true
    deadline=$((SECONDS + STOP_SECONDS))
    while alive "$pid"; do
        if ((SECONDS >= deadline)); then
            say "$name did not stop within ${STOP_SECONDS}s; killing it"
            kill -KILL "$pid" 2>/dev/null || true
            sleep 0.2
            break
        fi
        sleep 0.1
    done
    rm -f "$(pid_file "$name")"
}

# The gateway first, so no new orders arrive, then the workers, then the sink.
services_stop() {
    local name
    [[ -d $RUN_DIR ]] || return 0
    for name in "${SERVICES[@]}" smtp-sink; do
        run_stop "$name"
    done
}

build_release() {
    command -v swift >/dev/null || PATH="/opt/swift/usr/bin:$PATH"
    command -v swift >/dev/null || die "swift not found (not on PATH, not in /opt/swift/usr/bin)"
    # The Swift runtime linked statically, as in the container images: faster (no calls
    # through the PLT into libswiftCore for every retain and release) and one build for both.
    say "swift build -c release --static-swift-stdlib (CONVEYOR_LOCAL_BUILD=0 or --no-build skips it)"
    swift build --package-path "$PACKAGE_DIR" -c release --static-swift-stdlib >&2 9>&- ||
        die "swift build -c release --static-swift-stdlib failed"
}

# ---------------------------------------------------------------------------------------
# URLs

amqp_url() { # USER
    printf 'amqp://%s:%s@%s:%s/conveyor' "$(urlencode "$1")" \
        "$(urlencode "$(password_of RABBITMQ "$1")")" "$HOST" "$AMQP_PORT"
}

amqps_url() { # USER: the TLS listener, verified against the local CA. By name: rabbitmq-c checks
    # the certificate against DNS names only, never IP addresses.
    printf 'amqps://%s:%s@localhost:%s/conveyor?cacertfile=%s' "$(urlencode "$1")" \
        "$(urlencode "$(password_of RABBITMQ "$1")")" "$AMQPS_PORT" "$(urlencode "$RMQ_DIR/tls/ca.pem")"
}

postgres_url() { # ROLE
    printf 'postgres://%s:%s@%s:%s/conveyor?sslmode=disable' "$(urlencode "$1")" \
        "$(urlencode "$(password_of POSTGRES "$1")")" "$HOST" "$PG_PORT"
}

# ---------------------------------------------------------------------------------------
# Commands

cmd_up() {
    servers_up
    print_urls
}

# Starts both servers (what `up` does, without the summary).
servers_up() {
    validate_settings
    ensure_packages
    take_lock
    if [[ -f $SETTINGS_FILE ]] && ! diff -q <(save_settings_text) "$SETTINGS_FILE" >/dev/null; then
        pg_setup
        rmq_setup
        if pg_running || rmq_running; then
            die "the stack runs with other settings ($SETTINGS_FILE); run '${SELF##*/} down' first"
        fi
    fi
    save_settings
    ensure_env_file
    load_env_file
    pg_setup
    rmq_setup
    # The broker boots while PostgreSQL initialises.
    rmq_launch
    pg_start
    pg_apply_init
    rmq_wait
    rmq_sync_definitions
}

cmd_run() {
    local build=$CONVEYOR_LOCAL_BUILD service
    while [[ $# -gt 0 ]]; do
        case $1 in
            --no-build) build=0 ;;
            *) die "run: unknown argument $1 (use: run [--no-build])" ;;
        esac
        shift
    done
    validate_settings
    validate_run_settings
    ((build == 0)) || build_release
    servers_up
    mkdir -p "$RUN_DIR" "$LOG_DIR"
    save_run_settings
    sink_start
    # api-gateway applies the migrations; the workers wait for the schema meanwhile.
    for service in "${SERVICES[@]}"; do
        service_start "$service"
    done
    services_wait
    print_run_urls
}

print_run_urls() {
    cat <<EOF
Conveyor runs.
  API               http://$HOST:$API_PORT/orders  (/healthz, /readyz, /metrics)
  order-processor   http://$HOST:$CONVEYOR_LOCAL_OPS_PORT_ORDER_PROCESSOR/readyz  (/healthz, /metrics)
  notifier          http://$HOST:$CONVEYOR_LOCAL_OPS_PORT_NOTIFIER/readyz  (/healthz, /metrics)
  dlq-replayer      http://$HOST:$CONVEYOR_LOCAL_OPS_PORT_DLQ_REPLAYER/readyz  (/healthz, /metrics)
  Management UI     http://$HOST:$MANAGEMENT_PORT/  (user conveyor-admin, password in $ENV_FILE)
  PostgreSQL        postgres://conveyor:***@$HOST:$PG_PORT/conveyor?sslmode=disable
  SMTP sink         smtp://$HOST:$SMTP_PORT, mail in $MAIL_DIR
  Logs              $LOG_DIR/<service>.log
  Pids              $RUN_DIR/<service>.pid
  Stop everything   $SELF down
EOF
}

save_settings_text() {
    local SETTINGS_FILE=/dev/stdout
    save_settings
}

cmd_down() {
    take_lock
    services_stop
    pg_setup
    rmq_setup
    rmq_stop
    pg_stop
    say "stopped (data kept in $STATE_DIR)"
}

cmd_status() {
    local rc=0 pid
    pg_setup_quiet
    rmq_setup_quiet
    if [[ -n ${RMQ_DIR:-} ]] && pid=$(rmq_pid); then
        if rmq_answers; then
            printf 'broker    running   pid %-7s amqp://%s:%s/conveyor  http://%s:%s  (node %s)\n' \
                "$pid" "$HOST" "$AMQP_PORT" "$HOST" "$MANAGEMENT_PORT" "$NODENAME"
        else
            printf 'broker    starting  pid %-7s (not answering on %s:%s yet)\n' "$pid" "$HOST" "$AMQP_PORT"
            rc=3
        fi
    else
        printf 'broker    stopped\n'
        rc=3
    fi
    if [[ -n ${PG_DATA:-} ]] && pid=$(pg_pid); then
        if "$PG_BIN/pg_isready" -q -h "$HOST" -p "$PG_PORT" -t 2; then
            printf 'postgres  running   pid %-7s postgres://%s:%s/conveyor\n' "$pid" "$HOST" "$PG_PORT"
        else
            printf 'postgres  starting  pid %-7s (not answering on %s:%s yet)\n' "$pid" "$HOST" "$PG_PORT"
            rc=3
        fi
    else
        printf 'postgres  stopped\n'
        rc=3
    fi
    local name port
    if [[ -d $RUN_DIR ]]; then
        for name in smtp-sink "${SERVICES[@]}"; do
            [[ -f $(pid_file "$name") ]] || continue
            if ! pid=$(run_pid "$name"); then
                printf '%-17s stopped\n' "$name"
                rc=3
            elif [[ $name == smtp-sink ]]; then
                printf '%-17s running   pid %-7s smtp://%s:%s  mail in %s\n' "$name" "$pid" "$HOST" "$SMTP_PORT" "$MAIL_DIR"
            else
                port=$(service_port "$name")
                if service_ready "$name"; then
                    printf '%-17s ready     pid %-7s http://%s:%s\n' "$name" "$pid" "$HOST" "$port"
                else
                    printf '%-17s running   pid %-7s http://%s:%s/readyz does not answer 200\n' "$name" "$pid" "$HOST" "$port"
                    rc=3
                fi
            fi
        done
    fi
    printf 'state     %s\n' "$STATE_DIR"
    return "$rc"
}

# For read-only commands: find the directories without creating anything.
pg_setup_quiet() {
    [[ -d $STATE_DIR/postgres ]] || return 0
    pg_setup
}
rmq_setup_quiet() {
    [[ -d $STATE_DIR/rabbitmq ]] || return 0
    rmq_setup
}

print_urls() {
    cat <<EOF
Conveyor local stack is up.
  RabbitMQ AMQP     amqp://conveyor-admin:***@$HOST:$AMQP_PORT/conveyor
  Management UI     http://$HOST:$MANAGEMENT_PORT/  (user conveyor-admin)
  Prometheus        http://$HOST:$PROMETHEUS_PORT/metrics
  PostgreSQL        postgres://conveyor:***@$HOST:$PG_PORT/conveyor?sslmode=disable
  Passwords         $ENV_FILE
  Full URLs         eval "\$($SELF env)"
EOF
}

cmd_env() {
    local service suffix
    load_env_file
    export_line CONVEYOR_TEST_STACK "$SELF"
    export_line CONVEYOR_TEST_AMQP_URL "$(amqp_url conveyor-admin)"
    rmq_setup_quiet
    if [[ -n ${RMQ_DIR:-} ]]; then
        export_line CONVEYOR_TEST_AMQPS_URL "$(amqps_url conveyor-admin)"
        export_line CONVEYOR_TEST_TLS_CA "$RMQ_DIR/tls/ca.pem"
        export_line CONVEYOR_TEST_TLS_OTHER_CA "$RMQ_DIR/tls/other-ca.pem"
    fi
    export_line CONVEYOR_TEST_MANAGEMENT_URL "http://$HOST:$MANAGEMENT_PORT"
    export_line CONVEYOR_TEST_POSTGRES_URL "$(postgres_url conveyor)"
    for service in "${SERVICES[@]}"; do
        suffix=$(var_suffix "$service")
        export_line "CONVEYOR_LOCAL_AMQP_URL_$suffix" "$(amqp_url "$service")"
        export_line "CONVEYOR_LOCAL_POSTGRES_URL_$suffix" "$(postgres_url "conveyor_${service//-/_}")"
    done
    export_line CONVEYOR_LOCAL_API_URL "http://$HOST:$API_PORT"
    export_line CONVEYOR_LOCAL_MAIL_DIR "$MAIL_DIR"
    export_line CONVEYOR_LOCAL_LOG_DIR "$LOG_DIR"
}

# name=pid of every running process of the stack: servers, sink, services.
cmd_pids() {
    local pid name
    pg_setup_quiet
    rmq_setup_quiet
    if [[ -n ${RMQ_DIR:-} ]] && pid=$(rmq_pid); then
        printf 'rabbitmq=%s\n' "$pid"
    fi
    if [[ -n ${PG_DATA:-} ]] && pid=$(pg_pid); then
        printf 'postgres=%s\n' "$pid"
    fi
    for name in smtp-sink "${SERVICES[@]}"; do
        if pid=$(run_pid "$name"); then
            printf '%s=%s\n' "$name" "$pid"
        fi
    done
}

# export NAME='VALUE', safe for eval and readable.
export_line() {
    local q="'\\''"
    printf "export %s='%s'\n" "$1" "${2//\'/$q}"
}

cmd_logs() {
    local target=all follow=
    while [[ $# -gt 0 ]]; do
        case $1 in
            broker | db | all) target=$1 ;;
            -f | --follow) follow=1 ;;
            *) die "logs: unknown argument $1 (use: logs [broker|db] [-f])" ;;
        esac
        shift
    done
    pg_setup_quiet
    rmq_setup_quiet
    local files=()
    if [[ $target != db && -n ${RMQ_DIR:-} ]]; then
        files+=("$RMQ_LOG_DIR/$NODENAME.log" "$RMQ_LOG_DIR/startup.log")
    fi
    if [[ $target != broker && -n ${PG_LOG:-} ]]; then
        files+=("$PG_LOG")
    fi
    local existing=() file
    for file in "${files[@]}"; do
        [[ -f $file ]] && existing+=("$file")
    done
    [[ ${#existing[@]} -gt 0 ]] || die "no logs yet"
    if [[ -n $follow ]]; then
        exec tail -n 50 -F "${existing[@]}"
    fi
    tail -n 50 "${existing[@]}"
}

cmd_reset() {
    cmd_down
    local name target
    for name in postgres rabbitmq; do
        if [[ -L $STATE_DIR/$name ]]; then
            target=$(readlink "$STATE_DIR/$name")
            [[ $target == /var/tmp/conveyor-"$CHECKOUT_ID"/* ]] && rm -rf -- "$target"
            rmdir "/var/tmp/conveyor-$CHECKOUT_ID" 2>/dev/null || true
        fi
    done
    [[ -z ${PG_SOCKET_DIR:-} || $PG_SOCKET_DIR == "$STATE_DIR"/* ]] || rm -rf -- "$PG_SOCKET_DIR"
    rm -rf -- "$STATE_DIR"
    say "deleted $STATE_DIR (credentials in $ENV_FILE kept)"
}

with_server() { # ACTION SERVER
    local action=$1 server=$2
    take_lock
    case $server in
        broker)
            rmq_setup
            case $action in
                start)
                    load_env_file
                    rmq_start
                    ;;
                stop) rmq_stop ;;
                restart)
                    load_env_file
                    rmq_stop
                    rmq_start
                    ;;
            esac
            ;;
        db)
            pg_setup
            case $action in
                start) pg_start ;;
                stop) pg_stop ;;
                restart)
                    pg_stop
                    pg_start
                    ;;
            esac
            ;;
    esac
}

main() {
    local command=${1:-help}
    [[ $# -eq 0 ]] || shift
    case $command in
        up) cmd_up "$@" ;;
        run) cmd_run "$@" ;;
        down) cmd_down ;;
        status) cmd_status ;;
        env) cmd_env ;;
        pids) cmd_pids ;;
        logs) cmd_logs "$@" ;;
        reset) cmd_reset ;;
        start-broker | stop-broker | restart-broker) with_server "${command%%-*}" broker ;;
        start-db | stop-db | restart-db) with_server "${command%%-*}" db ;;
        help | -h | --help) usage ;;
        *)
            usage >&2
            die "unknown command: $command"
            ;;
    esac
}

main "$@"
