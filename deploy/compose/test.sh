#!/usr/bin/env bash
# Tests docker-compose.yml for real on a machine without a container registry:
#
#   1. starts Docker Engine if it is not running, and builds the local base images once
#      (debootstrap; kept by the engine between runs);
#   2. builds the services on the host (release) and packages them in the runtime image;
#   3. docker-compose -f docker-compose.yml -f deploy/compose/offline.yml up -d, with the
#      observability profile's Prometheus (not Grafana: it has no offline image), and waits
#      for every healthcheck;
#   4. runs scenario.py through the published ports: orders processed and e-mailed;
#      order-processor scaled to 3, all consuming, nothing processed twice; rabbitmq killed
#      in the middle of a stream of orders and started again, every accepted order
#      processed exactly once; a FAIL-ME order dead-lettered and replayed with
#      `docker-compose run --rm dlq-replayer`; Prometheus scrapes every replica, and every
#      metric the dashboard and the alert rules use exists;
#   5. tears everything down: no containers, networks or volumes are left (and an engine
#      it started is stopped again).
#
# Its own project name, ports and credentials, so it never touches a stack of yours.
# Settings: CONVEYOR_COMPOSE_PROJECT (conveyor-test), CONVEYOR_COMPOSE_API_PORT (18080),
# CONVEYOR_COMPOSE_MANAGEMENT_PORT (18672), CONVEYOR_COMPOSE_MAIL_UI_PORT (18025),
# CONVEYOR_COMPOSE_PROMETHEUS_PORT (18090),
# CONVEYOR_COMPOSE_KEEP=1 leaves the stack running for a look afterwards.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE=$ROOT/deploy/compose
STATE=$HERE/.state
DIST=$HERE/.dist
PROJECT=${CONVEYOR_COMPOSE_PROJECT:-conveyor-test}
API_PORT=${CONVEYOR_COMPOSE_API_PORT:-18080}
MANAGEMENT_PORT=${CONVEYOR_COMPOSE_MANAGEMENT_PORT:-18672}
MAIL_UI_PORT=${CONVEYOR_COMPOSE_MAIL_UI_PORT:-18025}
PROMETHEUS_PORT=${CONVEYOR_COMPOSE_PROMETHEUS_PORT:-18090}
BASE_IMAGE=conveyor-offline/debian:bookworm
SERVICES=(api-gateway order-processor notifier dlq-replayer)
HEALTH_TIMEOUT=300
STARTED_ENGINE=0

say() { printf '\n==> compose test: %s\n' "$*" >&2; }
die() { printf 'compose test: %s\n' "$*" >&2; exit 1; }

COMPOSE=(docker-compose --project-name "$PROJECT" --project-directory "$ROOT" --env-file "$STATE/test.env"
    -f "$ROOT/docker-compose.yml" -f "$HERE/offline.yml" --profile observability)
# Everything but Grafana, which cannot be had without a registry (offline.yml).
stack_services() { compose config --services | grep -vx grafana; }
compose() { "${COMPOSE[@]}" "$@"; }

install_tools() {
    local missing=()
    command -v dockerd >/dev/null || missing+=(docker.io)
    command -v docker-compose >/dev/null || missing+=(docker-compose)
    command -v debootstrap >/dev/null || missing+=(debootstrap)
    ((${#missing[@]} == 0)) && return
    [[ $(id -u) == 0 ]] || die "missing ${missing[*]}: install them (apt-get install ${missing[*]})"
    say "installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

start_engine() {
    if docker info >/dev/null 2>&1; then
        return
    fi
    [[ $(id -u) == 0 ]] || die "Docker Engine is not running and only root can start it here"
    say "starting Docker Engine (log: $STATE/dockerd.log)"
    rm -f /var/run/docker.pid
    dockerd >"$STATE/dockerd.log" 2>&1 &
    STARTED_ENGINE=1
    local deadline=$((SECONDS + 60))
    until docker info >/dev/null 2>&1; do
        ((SECONDS < deadline)) || die "Docker Engine did not start within 60 s: $(tail -5 "$STATE/dockerd.log")"
        sleep 1
    done
}

stop_engine() {
    ((STARTED_ENGINE)) || return 0
    say "stopping the Docker Engine it started"
    local pid
    pid=$(cat /var/run/docker.pid 2>/dev/null) || return 0
    kill "$pid" 2>/dev/null || return 0
    local deadline=$((SECONDS + 30))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 1; done
}

# The local stand-in for the official base images: a minimal Debian bookworm.
build_base_image() {
    if docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
        return
    fi
    local mirror rootfs=$STATE/rootfs
    mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
    say "debootstrap of Debian bookworm from ${mirror:=http://deb.debian.org/debian} (once; the engine keeps the image)"
    rm -rf "$rootfs"
    debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$STATE/debootstrap.log" 2>&1 ||
        die "debootstrap failed: $(tail -5 "$STATE/debootstrap.log")"
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" -c . | docker import - "$BASE_IMAGE" >/dev/null
    rm -rf "$rootfs"
}

build_infrastructure_images() {
    say "building the RabbitMQ, PostgreSQL, mail sink and Prometheus images"
    local name tag
    for name in rabbitmq:conveyor-offline/rabbitmq:3.10 postgres:conveyor-offline/postgres:15 \
        mailpit:conveyor-offline/mail-sink:latest prometheus:conveyor-offline/prometheus:2.42; do
        tag=${name#*:}
        docker build --quiet --file "$HERE/offline/${name%%:*}/Dockerfile" --tag "$tag" "$ROOT" >/dev/null ||
            die "building $tag failed"
    done
}

build_services() {
    say "swift build -c release --static-swift-stdlib (the four services)"
    local service bin
    for service in "${SERVICES[@]}"; do
        swift build --package-path "$ROOT" -c release --static-swift-stdlib --product "$service" >&2 ||
            die "swift build of $service failed"
    done
    bin=$(swift build --package-path "$ROOT" -c release --static-swift-stdlib --show-bin-path)
    rm -rf "$DIST"
    for service in "${SERVICES[@]}"; do
        mkdir -p "$DIST/$service"
        cp "$bin/$service" "$DIST/$service/"
        strip "$DIST/$service/$service"
    done
    say "packaging the services in the runtime image"
    compose build "${SERVICES[@]}" >&2 || die "docker-compose build failed"
}

# Credentials of this run only (make-env.sh: one random password per user and role), and
# settings that keep it short.
write_env_file() {
    "$HERE/make-env.sh" --force "$STATE/test.env" 2>/dev/null
    printf '%s\n' "CONVEYOR_API_PORT=$API_PORT" "CONVEYOR_MANAGEMENT_PORT=$MANAGEMENT_PORT" \
        "CONVEYOR_MAIL_UI_PORT=$MAIL_UI_PORT" "CONVEYOR_PROMETHEUS_PORT=$PROMETHEUS_PORT" \
        "CONVEYOR_RETRY_DELAYS=1s,1s,2s,2s" >>"$STATE/test.env"
}

wait_healthy() {
    local deadline=$((SECONDS + HEALTH_TIMEOUT)) unhealthy
    while :; do
        unhealthy=$(compose ps -q | xargs -r docker inspect \
            --format '{{.Name}} {{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' |
            grep -v ' healthy$' || true)
        [[ -z $unhealthy ]] && return 0
        ((SECONDS < deadline)) || die "not healthy after ${HEALTH_TIMEOUT}s: $unhealthy"
        sleep 2
    done
}

teardown() {
    local status=$?
    trap - EXIT
    if ((status != 0)) && [[ -f $STATE/test.env ]] && docker info >/dev/null 2>&1; then
        say "failed: the stack as it was"
        compose ps >&2 || true
        compose logs --no-color --tail 60 >&2 || true
    fi
    if [[ ${CONVEYOR_COMPOSE_KEEP:-0} == 1 && $status == 0 ]]; then
        say "leaving the stack running (CONVEYOR_COMPOSE_KEEP=1): $(compose ps --services | tr '\n' ' ')"
        exit "$status"
    fi
    if [[ -f $STATE/test.env ]] && docker info >/dev/null 2>&1; then
        say "tearing down"
        compose down --volumes --remove-orphans --timeout 20 >&2 || status=1
        local left
        left=$(docker ps -aq --filter "label=com.docker.compose.project=$PROJECT"; \
            docker network ls -q --filter "label=com.docker.compose.project=$PROJECT")
        if [[ -n $left ]]; then
            echo "compose test: containers or networks left behind: $left" >&2
            status=1
        fi
    fi
    stop_engine
    exit "$status"
}

main() {
    mkdir -p "$STATE"
    install_tools
    command -v python3 >/dev/null || die "python3 is missing"
    trap teardown EXIT
    start_engine
    write_env_file
    # A run that died without cleaning up must not leak into this one.
    compose down --volumes --remove-orphans --timeout 10 >/dev/null 2>&1 || true

    local started=$SECONDS
    build_base_image
    build_infrastructure_images
    build_services
    say "images ready in $((SECONDS - started)) s; sizes:"
    docker image ls --format '{{.Repository}}:{{.Tag}} {{.Size}}' | grep '^conveyor-offline/' >&2

    say "docker-compose config"
    compose config --quiet || die "docker-compose config rejected the files"

    local services
    mapfile -t services < <(stack_services)
    say "docker-compose up -d ${services[*]}"
    started=$SECONDS
    compose up -d "${services[@]}" >&2
    wait_healthy
    say "every service healthy $((SECONDS - started)) s after up"

    say "scenario (through the published ports)"
    CONVEYOR_COMPOSE_API_URL="http://127.0.0.1:$API_PORT" \
        CONVEYOR_COMPOSE_MANAGEMENT_URL="http://127.0.0.1:$MANAGEMENT_PORT" \
        CONVEYOR_COMPOSE_MAIL_URL="http://127.0.0.1:$MAIL_UI_PORT" \
        CONVEYOR_COMPOSE_PROMETHEUS_URL="http://127.0.0.1:$PROMETHEUS_PORT" \
        CONVEYOR_COMPOSE_DASHBOARD_METRICS="$("$ROOT/deploy/observability/check.sh" --list-metrics | tr '\n' ' ')" \
        CONVEYOR_COMPOSE_ENV_FILE="$STATE/test.env" \
        CONVEYOR_COMPOSE_COMMAND="$(printf '%q ' "${COMPOSE[@]}")" \
        timeout 900 python3 "$HERE/scenario.py"
}

main "$@"
