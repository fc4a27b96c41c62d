#!/usr/bin/env bash
# Entry point of the rabbitmq service in docker-compose.yml, run as root before the
# image's own docker-entrypoint.sh: renders the definitions (users with their password
# hashes, permissions) from the CONVEYOR_RABBITMQ_PASSWORD_* variables, installs
# rabbitmq.conf and enabled_plugins from this folder, then hands over to the image.
#
# This folder is mounted read-only at CONVEYOR_RABBITMQ_CONFIG_DIR (default
# /etc/conveyor/rabbitmq). Works with the official rabbitmq:4.x images and with the
# Debian-based image of deploy/compose/offline.yml.
set -euo pipefail

config_dir=${CONVEYOR_RABBITMQ_CONFIG_DIR:-/etc/conveyor/rabbitmq}
definitions=/etc/rabbitmq/conveyor-definitions.json

mkdir -p /etc/rabbitmq/conf.d
"$config_dir/render-definitions.sh" "$config_dir/definitions.json" "$definitions"
chown rabbitmq:rabbitmq "$definitions"
chmod 0400 "$definitions"
{
    cat "$config_dir/rabbitmq.conf"
    printf '\n## Written by deploy/rabbitmq/docker-entrypoint.sh\n'
    printf 'load_definitions = %s\n' "$definitions"
} >/etc/rabbitmq/conf.d/90-conveyor.conf
cp "$config_dir/enabled_plugins" /etc/rabbitmq/enabled_plugins
chown rabbitmq:rabbitmq /etc/rabbitmq/enabled_plugins

exec docker-entrypoint.sh "$@"
