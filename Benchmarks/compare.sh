#!/usr/bin/env bash
# Runs the raw C baseline (Benchmarks/raw/raw-bench.c: rabbitmq-c and libpq called directly)
# and conveyor-bench (the same workloads through Conveyor's Messaging and Storage modules)
# against the private servers of deploy/local, alternating, and prints one line per run.
#
#   Benchmarks/compare.sh [runs (default 3)] [extra flags for both, e.g. --messages 200000]
#
# Builds conveyor-bench in release mode (the Swift runtime linked statically, as the services
# are) and raw-bench with gcc -O2 first. Leaves the servers running if they were running,
# stops them if it started them.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STACK="$ROOT/deploy/local/stack.sh"
runs=${1:-3}
shift || true

command -v swift >/dev/null || PATH="/opt/swift/usr/bin:$PATH"
swift build --package-path "$ROOT" -c release --static-swift-stdlib --product conveyor-bench >&2
raw="$ROOT/.build/raw-bench"
# shellcheck disable=SC2046 # pkg-config prints several flags
gcc -O2 -Wall -Wextra "$ROOT/Benchmarks/raw/raw-bench.c" -o "$raw" $(pkg-config --cflags libpq) -lrabbitmq -lpq -lpthread

started=0
if ! "$STACK" status >/dev/null 2>&1; then
    "$STACK" up >&2
    started=1
fi
cleanup() { if ((started)); then "$STACK" down >&2; fi; }
trap cleanup EXIT
eval "$("$STACK" env)"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(cut -d' ' -f1-3 /proc/loadavg)"
for ((run = 1; run <= runs; run++)); do
    echo "raw  $run: $("$raw" --amqp-url "$CONVEYOR_TEST_AMQP_URL" --postgres-url "$CONVEYOR_TEST_POSTGRES_URL" --json "$@")"
    echo "swift $run: $("$ROOT/.build/release/conveyor-bench" --amqp-url "$CONVEYOR_TEST_AMQP_URL" --postgres-url "$CONVEYOR_TEST_POSTGRES_URL" --json "$@")"
done
