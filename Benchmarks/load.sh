#!/usr/bin/env bash
# Measures Conveyor end to end on this machine: starts the whole system in release mode
# with the Swift runtime linked statically, as in the container images (deploy/local/stack.sh run), posts orders with conveyor-load once with few skus (hot
# inventory rows) and once with many, prints both reports, and stops the stack again.
#
# Environment:
#   CONVEYOR_LOAD_ORDERS        orders per run                     (20000)
#   CONVEYOR_LOAD_CONCURRENCY   requests in flight                 (64)
#   CONVEYOR_LOAD_RATE          orders per second to post; empty: as fast as answered ("")
#   CONVEYOR_LOAD_SPREADS       the runs, in order                 ("few many")
#   CONVEYOR_LOAD_TIMEOUT       seconds to wait for the e-mails    (600)
#   CONVEYOR_LOAD_JSON          1: print each report as JSON       (0)
#   CONVEYOR_LOAD_KEEP_STACK    1: leave the stack running         (0)
#   CONVEYOR_LOCAL_*            ports and other settings of the stack (stack.sh help);
#                               CONVEYOR_LOCAL_BUILD=0 skips the release build
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STACK="$ROOT/deploy/local/stack.sh"
ORDERS=${CONVEYOR_LOAD_ORDERS:-20000}
CONCURRENCY=${CONVEYOR_LOAD_CONCURRENCY:-64}
RATE=${CONVEYOR_LOAD_RATE:-}
SPREADS=${CONVEYOR_LOAD_SPREADS:-few many}
TIMEOUT=${CONVEYOR_LOAD_TIMEOUT:-600}
JSON=${CONVEYOR_LOAD_JSON:-0}

step() { printf '\n==> %s\n' "$*" >&2; }

on_exit() {
    local status=$?
    trap - EXIT
    if [[ ${CONVEYOR_LOAD_KEEP_STACK:-0} == 1 ]]; then
        step "leaving the stack running (CONVEYOR_LOAD_KEEP_STACK=1); stop it with: $STACK down"
    else
        step "stopping the stack"
        "$STACK" down || status=$((status == 0 ? 1 : status))
    fi
    exit "$status"
}

machine() {
    local model
    model=$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
    printf 'machine: %s cores, %s, %s MiB memory, %s\n' "$(nproc)" "$model" \
        "$(awk '/^MemTotal/ {print int($2 / 1024)}' /proc/meminfo)" "$(uname -sr)"
    printf 'versions: %s; %s; %s\n' "$(swift --version 2>/dev/null | head -n 1)" \
        "$("$(dirname "$(command -v pg_ctl || ls /usr/lib/postgresql/*/bin/pg_ctl | sort -V | tail -n 1)")/postgres" --version)" \
        "RabbitMQ $(dpkg-query -W -f '${Version}' rabbitmq-server 2>/dev/null || echo '?')"
}

command -v swift >/dev/null || PATH="/opt/swift/usr/bin:$PATH"
trap on_exit EXIT

step "starting Conveyor (stack.sh run: release build, servers, SMTP sink, services)"
"$STACK" run
eval "$("$STACK" env)"
LOAD="$ROOT/.build/release/conveyor-load"
[[ -x $LOAD ]] || {
    step "building conveyor-load"
    swift build --package-path "$ROOT" -c release --static-swift-stdlib --product conveyor-load
}

step "$(machine)"
for spread in $SPREADS; do
    # The services settle between runs (outbox relays drained, connections idle).
    sleep 5
    step "$ORDERS orders, concurrency $CONCURRENCY${RATE:+, $RATE orders/s}, $spread skus"
    arguments=(
        --api "$CONVEYOR_LOCAL_API_URL" --orders "$ORDERS" --concurrency "$CONCURRENCY"
        --sku-spread "$spread" --postgres-url "$CONVEYOR_TEST_POSTGRES_URL" --restock
        --timeout "$TIMEOUT" --pids "$("$STACK" pids | paste -sd, -)" --mail-dir "$CONVEYOR_LOCAL_MAIL_DIR"
    )
    [[ -n $RATE ]] && arguments+=(--rate "$RATE")
    if [[ $JSON == 1 ]]; then
        "$LOAD" "${arguments[@]}" --json
    else
        "$LOAD" "${arguments[@]}"
    fi
done
