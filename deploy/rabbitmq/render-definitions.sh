#!/usr/bin/env bash
# Renders definitions.json into the file RabbitMQ imports at boot, filling in each
# user's password hash. The password of user NAME is read from the environment variable
# CONVEYOR_RABBITMQ_PASSWORD_<NAME in upper case, '-' as '_'>, for example
# CONVEYOR_RABBITMQ_PASSWORD_ORDER_PROCESSOR. Passwords never appear in the output,
# only salted SHA-256 hashes (rabbit_password_hashing_sha256).
#
# Usage: render-definitions.sh [TEMPLATE] OUTPUT
# Needs bash, coreutils and sed only, so it also runs inside a RabbitMQ container.
set -euo pipefail

if [[ $# -eq 1 ]]; then
    template="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/definitions.json"
    output=$1
elif [[ $# -eq 2 ]]; then
    template=$1
    output=$2
else
    echo "usage: ${0##*/} [TEMPLATE] OUTPUT" >&2
    exit 64
fi

fail() {
    echo "render-definitions: $*" >&2
    exit 1
}

# Writes the bytes a hex string spells to stdout.
hex_to_bytes() {
    printf '%b' "$(printf '%s' "$1" | sed 's/../\\x&/g')"
}

# base64(salt ++ sha256(salt ++ password)) with a random 4-byte salt, as RabbitMQ does.
password_hash() {
    local salt digest
    salt=$(od -An -N4 -tx1 /dev/urandom | tr -d ' \n')
    digest=$({ hex_to_bytes "$salt"; printf '%s' "$1"; } | sha256sum | cut -d' ' -f1)
    hex_to_bytes "$salt$digest" | base64 | tr -d '\n'
}

[[ -r $template ]] || fail "cannot read $template"

name_re='"name": *"([^"]+)"'
hash_re='^(.*"password_hash": *)""(.*)$'
tmp="$output.tmp.$$"
trap 'rm -f "$tmp"' EXIT
umask 077
while IFS= read -r line || [[ -n $line ]]; do
    if [[ $line =~ $hash_re ]]; then
        before=${BASH_REMATCH[1]}
        after=${BASH_REMATCH[2]}
        [[ $line =~ $name_re ]] || fail "a user without a name on the same line: $line"
        user=${BASH_REMATCH[1]}
        var="CONVEYOR_RABBITMQ_PASSWORD_$(printf '%s' "$user" | tr 'a-z-' 'A-Z_')"
        password=${!var:-}
        [[ -n $password ]] || fail "$var is not set (password of RabbitMQ user $user)"
        line="$before\"$(password_hash "$password")\"$after"
    fi
    printf '%s\n' "$line"
done <"$template" >"$tmp"
mv -f "$tmp" "$output"
trap - EXIT
