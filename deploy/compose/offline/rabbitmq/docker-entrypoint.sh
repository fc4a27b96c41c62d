#!/usr/bin/env bash
# Runs the command as the rabbitmq user, as the official image's entry point does, with
# rabbitmq-server in the foreground and its log on standard output. (Debian's
# /usr/sbin/rabbitmq-server wrapper would log to /var/log/rabbitmq instead.)
set -euo pipefail
if [[ ${1:-} == rabbitmq-server ]]; then
    shift
    set -- /usr/lib/rabbitmq/bin/rabbitmq-server "$@"
fi
if [[ $(id -u) == 0 ]]; then
    chown -R rabbitmq:rabbitmq /var/lib/rabbitmq
    export HOME=/var/lib/rabbitmq
    exec setpriv --reuid rabbitmq --regid rabbitmq --init-groups -- "$@"
fi
exec "$@"
