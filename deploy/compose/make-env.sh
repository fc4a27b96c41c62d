#!/usr/bin/env bash
# Writes .env for docker-compose.yml from .env.example, with a random password for every
# RabbitMQ user and PostgreSQL role (32 hex digits each). Keeps an existing .env unless
# --force is given.
#
# Usage: deploy/compose/make-env.sh [--force] [OUTPUT]   (OUTPUT defaults to ./.env at the top)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
force=0
if [[ ${1:-} == --force ]]; then
    force=1
    shift
fi
output=${1:-$ROOT/.env}

if [[ -e $output && $force == 0 ]]; then
    echo "make-env: $output exists; keeping it (--force replaces it)" >&2
    exit 1
fi

password_re='^(CONVEYOR_[A-Z_]*_PASSWORD_[A-Z_]*)='
tmp="$output.tmp.$$"
trap 'rm -f "$tmp"' EXIT
umask 077
while IFS= read -r line || [[ -n $line ]]; do
    if [[ $line =~ $password_re ]]; then
        line="${BASH_REMATCH[1]}=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
    fi
    printf '%s\n' "$line"
done <"$ROOT/.env.example" >"$tmp"
mv -f "$tmp" "$output"
trap - EXIT
echo "make-env: wrote $output with new passwords" >&2
