#!/usr/bin/env bash
# The one test command. Builds the package and its tests, starts the local stack
# (deploy/local/stack.sh: private RabbitMQ and PostgreSQL), runs every test against it
# (unit, integration, end to end), and stops the stack again whatever happens.
#
# Environment:
#   CONVEYOR_TEST_FILTER      run only the tests matching this (swift test --filter)
#   CONVEYOR_TEST_KEEP_STACK  1: leave the servers running afterwards (for debugging)
#   CONVEYOR_TEST_COMPOSE     0: skip the compose stack's test (deploy/compose/test.sh)
#   CONVEYOR_TEST_LOG         where swift test's output is kept as well (default
#                             .build/test-output.log); a failed run ends with its failures
#   CONVEYOR_LOCAL_*          ports and other settings of the stack (stack.sh help)
#
# Exit status: that of swift test, or of the step that failed before it.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STACK="$ROOT/deploy/local/stack.sh"

step() { printf '\n==> %s\n' "$*" >&2; }

# Runs a command as a child and waits for it, so a signal to this script is handled at
# once (bash runs traps only between commands) and on_exit can stop the child.
child=
run() {
    local status=0
    "$@" &
    child=$!
    wait "$child" || status=$?
    child=
    return "$status"
}

# Where the servers come from is kept to these two functions.
start_servers() {
    step "starting the local stack"
    "$STACK" up
    eval "$("$STACK" env)"
}

stop_servers() {
    if [[ ${CONVEYOR_TEST_KEEP_STACK:-0} == 1 ]]; then
        step "leaving the local stack running (CONVEYOR_TEST_KEEP_STACK=1); stop it with: $STACK down"
        return 0
    fi
    step "stopping the local stack"
    "$STACK" down
}

build() {
    step "swift build --build-tests"
    run swift build --package-path "$ROOT" --build-tests
}

# swift test's output goes to the terminal and to this file; a run that failed ends by
# repeating from it what failed, so the end of a long log (all a CI page may show) says it.
TEST_LOG=${CONVEYOR_TEST_LOG:-$ROOT/.build/test-output.log}

swift_test() {
    local status=0 out line waited=0
    exec {out}> >(tee -a "$TEST_LOG")
    run swift test --package-path "$ROOT" --skip-build "$@" >&"$out" 2>&1 || status=$?
    # Waits (at most 10 s) until tee has written everything, up to a closing line of this
    # phase, before the next step prints. Not for tee to exit: servers the tests restarted
    # hold the pipe open until the stack stops.
    line="==> swift test $*: exit status $status"
    printf '%s\n' "$line" >&"$out"
    exec {out}>&-
    until grep -qxF -- "$line" "$TEST_LOG" || ((waited++ >= 100)); do
        sleep 0.1
    done
    return "$status"
}

report_failures() {
    [[ -s $TEST_LOG ]] || return 0
    local failures
    # Failed tests with the details that follow them, crashes, and the driver's errors.
    failures=$(awk 'lines >= 100 { exit }
                    /✘/ { print; lines++; detail = 1; next }
                    detail && /^[[:space:]]*↳/ { print; lines++; next }
                    { detail = 0 }
                    /Fatal error|^error: / { print; lines++ }' "$TEST_LOG")
    [[ -n $failures ]] || return 0
    step "what failed (from $TEST_LOG)"
    printf '%s\n' "$failures" >&2
}

# Tests whose suite name contains "Outage" stop or restart a server: they run on their own,
# one at a time, after everything else has run in parallel.
OUTAGE_PATTERN=Outage

run_tests() {
    if [[ -n ${CONVEYOR_TEST_FILTER:-} ]]; then
        step "swift test --filter $CONVEYOR_TEST_FILTER --no-parallel"
        swift_test --filter "$CONVEYOR_TEST_FILTER" --no-parallel
        return
    fi
    local status=0 phase
    step "swift test --skip $OUTAGE_PATTERN (in parallel)"
    swift_test --skip "$OUTAGE_PATTERN" --parallel || status=$?
    step "swift test --filter $OUTAGE_PATTERN (one at a time)"
    phase=0
    swift_test --filter "$OUTAGE_PATTERN" --no-parallel || phase=$?
    ((status != 0)) || status=$phase
    return "$status"
}

on_exit() {
    local status=$?
    trap - EXIT INT TERM
    if [[ -n $child ]] && kill -0 "$child" 2>/dev/null; then
        kill -TERM "$child" 2>/dev/null || true
        wait "$child" 2>/dev/null || true
    fi
    if [[ ${servers_started:-0} == 1 ]]; then
        stop_servers || status=$((status == 0 ? 1 : status))
    fi
    if ((status == 0)); then
        step "tests passed"
    else
        report_failures
        step "FAILED (exit status $status)"
    fi
    exit "$status"
}

command -v swift >/dev/null || PATH="/opt/swift/usr/bin:$PATH"
command -v swift >/dev/null || {
    echo "test.sh: swift not found (not on PATH, not in /opt/swift/usr/bin)" >&2
    exit 1
}

trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The compose stack's own test (deploy/compose/test.sh): Docker Engine, images built here,
# docker-compose.yml with deploy/compose/offline.yml. Skipped with a filter, or with
# CONVEYOR_TEST_COMPOSE=0.
compose_enabled() {
    [[ -z ${CONVEYOR_TEST_FILTER:-} && ${CONVEYOR_TEST_COMPOSE:-1} != 0 ]]
}

# Failures of this run only: a log left by an earlier run is emptied first.
mkdir -p "$(dirname "$TEST_LOG")"
: >"$TEST_LOG"
# Build first: a compile error needs no servers, and none sit idle during the build.
step "deploy/observability/check.sh (Prometheus configuration, alert rule tests, dashboard)"
run "$ROOT/deploy/observability/check.sh"
build
servers_started=1
start_servers
status=0
run_tests || status=$?
servers_started=0
stop_servers || status=$((status == 0 ? 1 : status))
if compose_enabled; then
    step "deploy/compose/test.sh"
    phase=0
    run "$ROOT/deploy/compose/test.sh" || phase=$?
    ((status != 0)) || status=$phase
fi
exit "$status"
