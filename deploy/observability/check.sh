#!/usr/bin/env bash
# Checks the observability configuration in this directory:
#
#   promtool check config   prometheus/prometheus.yml (and the rule file it loads)
#   promtool check rules    prometheus/alerts.yml
#   promtool test rules     prometheus/alerts.test.yml
#   the Grafana dashboard   valid JSON; every panel queries the conveyor-prometheus
#                           datasource and every query is valid PromQL (promtool parses it)
#   Grafana provisioning    the datasource has uid conveyor-prometheus; the dashboard
#                           provider loads files
#
# Usage:
#   deploy/observability/check.sh                   run every check; exit 1 on the first failure
#   deploy/observability/check.sh --list-metrics    print every metric name the alert rules and
#                                                   the dashboard query, one per line, sorted
#
# --list-metrics prints names exactly as the queries use them (histogram series with their
# _bucket suffix), limited to conveyor_*, process_*, rabbitmq_* and up, so a test can
# compare them with what /metrics of the services and RabbitMQ expose.
#
# Needs promtool (Debian: apt-get install prometheus) and python3.

set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
prometheus_dir="$here/prometheus"
dashboard="$here/grafana/dashboards/conveyor.json"
datasource="$here/grafana/provisioning/datasources/prometheus.yml"
provider="$here/grafana/provisioning/dashboards/conveyor.yml"

usage() {
    sed -n '/^# Usage:/,/^# Needs/p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

fail() {
    echo "check.sh: FAILED: $*" >&2
    exit 1
}

need() {
    command -v "$1" >/dev/null 2>&1 || fail "$1 is not installed ($2)"
}

# Runs "$@" under a heading; stops with a message naming the step when it fails.
step() {
    local what=$1
    shift
    echo "== $what"
    if ! "$@"; then
        fail "$what"
    fi
}

# The Python helper (standard library only). Modes:
#   validate OUT     check the dashboard and provisioning files, write the dashboard's queries
#                    to OUT as a Prometheus rule file (one recording rule per query)
#   list             print the metric names used by alerts.yml and the dashboard
helper() {
    python3 - "$@" "$prometheus_dir/alerts.yml" "$dashboard" "$datasource" "$provider" <<'PYTHON'
import json
import re
import sys

DATASOURCE_UID = "conveyor-prometheus"
# Grafana's interval variables, replaced by a fixed duration so promtool can parse the query.
GRAFANA_VARIABLES = {"$__rate_interval": "1m", "$__interval": "1m", "$__range": "1h"}
METRIC_NAME = re.compile(r"^(conveyor_|process_|rabbitmq_)[A-Za-z0-9_]*$|^up$")
KEYWORDS = {
    "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right",
    "offset", "bool", "atan2", "inf", "nan", "start", "end",
}

args = sys.argv[1:]
mode = args.pop(0)
output = args.pop(0) if mode == "validate" else None
alerts_path, dashboard_path, datasource_path, provider_path = args
errors = []


def rule_expressions(path):
    """The `expr` of every rule in a Prometheus rule file: single-line values and block
    scalars (`expr: |`). The files here are plain YAML written that way."""
    lines = open(path, encoding="utf-8").read().splitlines()
    expressions = []
    rules = 0
    i = 0
    while i < len(lines):
        line = lines[i]
        if re.match(r"^\s*-\s*(alert|record):", line):
            rules += 1
        match = re.match(r"^(\s*)expr:\s*(.*?)\s*$", line)
        i += 1
        if not match:
            continue
        indent, value = len(match.group(1)), match.group(2)
        if re.fullmatch(r"[|>][+-]?", value):
            block = []
            while i < len(lines) and (not lines[i].strip() or len(lines[i]) - len(lines[i].lstrip()) > indent):
                block.append(lines[i].strip())
                i += 1
            expressions.append(" ".join(part for part in block if part))
        else:
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            expressions.append(value)
    if rules != len(expressions) or not expressions:
        errors.append(f"{path}: found {rules} rules but {len(expressions)} expressions")
    return expressions


def panels_of(dashboard):
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])


def dashboard_queries(path):
    """(panel, refId, expr) for every query of the dashboard, checking each panel."""
    try:
        dashboard = json.load(open(path, encoding="utf-8"))
    except (OSError, ValueError) as error:
        errors.append(f"{path}: not valid JSON: {error}")
        return []
    queries = []
    ids = set()
    panels = list(panels_of(dashboard))
    if not panels:
        errors.append(f"{path}: no panels")
    for panel in panels:
        title = panel.get("title", "?")
        where = f"{path}: panel {panel.get('id')} {title!r}"
        if "id" not in panel or panel["id"] in ids:
            errors.append(f"{where}: missing or duplicate id")
        ids.add(panel.get("id"))
        if "gridPos" not in panel:
            errors.append(f"{where}: no gridPos")
        if panel.get("type") == "row":
            if panel.get("targets"):
                errors.append(f"{where}: a row has no queries")
            continue
        if (panel.get("datasource") or {}).get("uid") != DATASOURCE_UID:
            errors.append(f"{where}: datasource uid is not {DATASOURCE_UID}")
        targets = panel.get("targets") or []
        if not targets:
            errors.append(f"{where}: no targets")
        for target in targets:
            expr = (target.get("expr") or "").strip()
            if not expr:
                errors.append(f"{where}: target {target.get('refId')} has no expr")
                continue
            uid = (target.get("datasource") or {}).get("uid", DATASOURCE_UID)
            if uid != DATASOURCE_UID:
                errors.append(f"{where}: target {target.get('refId')} uses datasource {uid}")
            queries.append((panel.get("id"), target.get("refId", "A"), expr))
    return queries


def metric_names(expr):
    """Metric names in a PromQL expression: identifiers that are not functions, keywords,
    label names (in matchers and grouping clauses) or inside strings and ranges."""
    text = re.sub(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`', '""', expr)
    text = re.sub(r"#[^\n]*", " ", text)
    text = re.sub(r"\{[^}]*\}", " ", text)
    text = re.sub(r"\[[^\]]*\]", " ", text)
    text = re.sub(r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    names = set()
    for match in re.finditer(r"[A-Za-z_:][A-Za-z0-9_:]*", text):
        name = match.group(0)
        if text[match.end():].lstrip().startswith("(") or name in KEYWORDS:
            continue
        if METRIC_NAME.match(name):
            names.add(name)
    return names


def check_provisioning():
    text = open(datasource_path, encoding="utf-8").read()
    if not re.search(r"^\s*uid:\s*" + re.escape(DATASOURCE_UID) + r"\s*$", text, re.M):
        errors.append(f"{datasource_path}: no datasource with uid {DATASOURCE_UID}")
    text = open(provider_path, encoding="utf-8").read()
    if not re.search(r"^\s*type:\s*file\s*$", text, re.M) or not re.search(r"^\s*path:\s*\S+", text, re.M):
        errors.append(f"{provider_path}: no file provider with a path")


alert_exprs = rule_expressions(alerts_path)
queries = dashboard_queries(dashboard_path)

if mode == "list":
    names = set()
    for expr in alert_exprs + [expr for _, _, expr in queries]:
        names |= metric_names(expr)
    if errors:
        sys.exit("\n".join(errors))
    print("\n".join(sorted(names)))
    sys.exit(0)

check_provisioning()
rules = []
for panel_id, ref_id, expr in queries:
    for variable, value in GRAFANA_VARIABLES.items():
        expr = expr.replace(variable, value)
    if "$" in expr:
        errors.append(f"{dashboard_path}: panel {panel_id} query {ref_id} uses an unknown variable: {expr}")
    rules.append({"record": f"dashboard:panel_{panel_id}_{ref_id}", "expr": expr})
if errors:
    sys.exit("\n".join(errors))
# JSON is YAML: promtool reads this file as a rule file.
with open(output, "w", encoding="utf-8") as out:
    json.dump({"groups": [{"name": "dashboard-queries", "rules": rules}]}, out, indent=1)
print(f"{dashboard_path}: {len(queries)} queries in panels using datasource {DATASOURCE_UID}")
PYTHON
}

mode=check
case "${1:-}" in
    "") ;;
    --list-metrics) mode=list ;;
    -h | --help)
        usage
        exit 0
        ;;
    *)
        usage >&2
        exit 2
        ;;
esac
if [ "$#" -gt 1 ]; then
    usage >&2
    exit 2
fi

need python3 "https://www.python.org"

if [ "$mode" = list ]; then
    helper list || fail "could not read the metric names"
    exit 0
fi

need promtool "Debian: apt-get install prometheus"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

step "promtool check config prometheus/prometheus.yml" promtool check config "$prometheus_dir/prometheus.yml"
step "promtool check rules prometheus/alerts.yml" promtool check rules "$prometheus_dir/alerts.yml"
step "promtool test rules prometheus/alerts.test.yml" promtool test rules "$prometheus_dir/alerts.test.yml"
step "dashboard and provisioning files" helper validate "$tmp/dashboard-queries.yml"
step "promtool check rules (every dashboard query)" promtool check rules "$tmp/dashboard-queries.yml"

echo "All observability checks passed."
