#!/usr/bin/python3
"""What deploy/compose/test.sh checks on a running compose stack, through its published
ports only (the API, RabbitMQ's management API, the mail UI's API), plus docker-compose
itself for scaling, killing the broker and running the dlq-replayer CLI.

Environment (test.sh sets it): CONVEYOR_COMPOSE_API_URL, CONVEYOR_COMPOSE_MANAGEMENT_URL,
CONVEYOR_COMPOSE_MAIL_URL, CONVEYOR_COMPOSE_PROMETHEUS_URL, CONVEYOR_COMPOSE_ENV_FILE (for
the admin password), CONVEYOR_COMPOSE_COMMAND (the docker-compose command line with its -f
and -p options) and CONVEYOR_COMPOSE_DASHBOARD_METRICS (the metric names the dashboard and
the alert rules use, from deploy/observability/check.sh --list-metrics).

Every wait is bounded; the first failed check stops the run with exit status 1.
Needs python3 only.
"""

import base64
import json
import os
import shlex
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid

API = os.environ["CONVEYOR_COMPOSE_API_URL"]
MANAGEMENT = os.environ["CONVEYOR_COMPOSE_MANAGEMENT_URL"]
MAIL = os.environ["CONVEYOR_COMPOSE_MAIL_URL"]
PROMETHEUS = os.environ["CONVEYOR_COMPOSE_PROMETHEUS_URL"]
DASHBOARD_METRICS = os.environ["CONVEYOR_COMPOSE_DASHBOARD_METRICS"].split()
COMPOSE = shlex.split(os.environ["CONVEYOR_COMPOSE_COMMAND"])
RUN = uuid.uuid4().hex[:8]


class Failure(Exception):
    pass


def log(message):
    print(f"scenario: {message}", flush=True)


def check(condition, message):
    if not condition:
        raise Failure(message)


def env_file_value(name):
    with open(os.environ["CONVEYOR_COMPOSE_ENV_FILE"], encoding="utf-8") as file:
        for line in file:
            key, _, value = line.strip().partition("=")
            if key == name:
                return value
    raise Failure(f"{name} is not in the env file")


def request(method, url, body=None, headers=None, timeout=10):
    """(status, parsed JSON or None). Connection errors raise OSError."""
    data = json.dumps(body).encode() if body is not None else None
    headers = dict(headers or {})
    if data is not None:
        headers["Content-Type"] = "application/json"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            payload = response.read()
            status = response.status
    except urllib.error.HTTPError as error:
        payload = error.read()
        status = error.code
    try:
        return status, json.loads(payload) if payload else None
    except ValueError:
        return status, None


def management(path):
    token = base64.b64encode(f"conveyor-admin:{env_file_value('CONVEYOR_RABBITMQ_PASSWORD_CONVEYOR_ADMIN')}".encode())
    status, document = request("GET", MANAGEMENT + path, headers={"Authorization": "Basic " + token.decode()})
    check(status == 200, f"GET {path} on the management API answered {status}")
    return document


def eventually(what, condition, timeout, interval=1.0):
    """Polls condition() until it returns something truthy; fails after timeout seconds."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            result = condition()
            if result:
                return result
        except (OSError, Failure) as error:
            last_error = error
        time.sleep(interval)
    raise Failure(f"timed out after {timeout} s waiting for {what}" + (f" (last error: {last_error})" if last_error else ""))


def prometheus(expression):
    """The value of an instant query that returns one series (0 when it returns none)."""
    query = urllib.parse.urlencode({"query": expression})
    status, document = request("GET", f"{PROMETHEUS}/api/v1/query?{query}")
    check(status == 200 and document["status"] == "success", f"Prometheus query {expression} answered {status}: {document}")
    result = document["data"]["result"]
    check(len(result) <= 1, f"Prometheus query {expression} returned {len(result)} series")
    return float(result[0]["value"][1]) if result else 0.0


def compose(*arguments, timeout=300, check_status=True):
    result = subprocess.run(COMPOSE + list(arguments), capture_output=True, text=True, timeout=timeout)
    if check_status and result.returncode != 0:
        raise Failure(f"docker-compose {' '.join(arguments)} exited {result.returncode}: {result.stderr.strip()[-2000:]}")
    return result


def post_order(customer, items, timeout=10):
    body = {"customerId": customer, "customerEmail": f"{customer}@example.com", "items": items}
    status, document = request("POST", API + "/orders", body, timeout=timeout)
    check(status == 201, f"POST /orders answered {status}: {document}")
    return document["orderId"]


def order(order_id):
    status, document = request("GET", f"{API}/orders/{order_id}")
    check(status == 200, f"GET /orders/{order_id} answered {status}")
    return document


def mail_subjects():
    status, document = request("GET", MAIL + "/api/v1/messages?limit=100000")
    check(status == 200, f"the mail API answered {status}")
    return [message["Subject"] for message in document["messages"]]


def wait_all(order_ids, status, timeout):
    """Waits until every order has status and its e-mail; returns the orders."""
    pending = set(order_ids)
    orders = {}

    def done():
        for order_id in list(pending):
            document = order(order_id)
            sent = [n for n in document["notifications"] if n["status"] == "sent"]
            if document["status"] == status and sent:
                orders[order_id] = document
                pending.discard(order_id)
        return not pending

    eventually(f"{len(order_ids)} orders to be {status} and e-mailed ({len(pending)} left)", done, timeout)
    return orders


def check_exactly_once(orders, final_step):
    """Each order went through processing once, and got one e-mail."""
    subjects = mail_subjects()
    for order_id, document in orders.items():
        steps = [entry["step"] for entry in document["history"]]
        check(steps.count("started") == 1, f"order {order_id} was started {steps.count('started')} times: {steps}")
        check(steps.count(final_step) == 1, f"order {order_id} has {steps.count(final_step)} '{final_step}' steps")
        check(len(document["notifications"]) == 1, f"order {order_id} has {len(document['notifications'])} notifications")
        mails = [subject for subject in subjects if order_id in subject]
        check(len(mails) == 1, f"order {order_id} was e-mailed {len(mails)} times: {mails}")


def processors_in(orders):
    return {entry["actor"] for document in orders.values() for entry in document["history"] if entry["actor"].startswith("order-processor@")}


def happy_path():
    log("posting 5 orders")
    ids = [post_order(f"happy-{RUN}-{n}", [{"sku": "SKU-1", "qty": 2}, {"sku": "SKU-2", "qty": 1}]) for n in range(5)]
    orders = wait_all(ids, "PROCESSED", timeout=60)
    check_exactly_once(orders, "processed")
    log("5 orders PROCESSED, each e-mailed once")


def consumers_of(queue):
    """Distinct consumer connections (replicas) on a queue."""
    consumers = management("/api/consumers/conveyor")
    return {c["channel_details"]["connection_name"] for c in consumers if c["queue"]["name"] == queue}


def scaled_processors():
    log("scaling order-processor to 3")
    compose("up", "-d", "--no-recreate", "--scale", "order-processor=3", "order-processor")
    containers = compose("ps", "-q", "order-processor").stdout.split()
    check(len(containers) == 3, f"{len(containers)} order-processor containers after scaling")
    eventually("3 order-processor consumers on order-processor.work", lambda: len(consumers_of("order-processor.work")) == 3, 120)
    log("3 replicas consume order-processor.work: " + ", ".join(sorted(consumers_of("order-processor.work"))))

    log("posting 90 orders")
    ids = [post_order(f"scale-{RUN}-{n}", [{"sku": f"SKU-{n % 6 + 1}", "qty": 1}]) for n in range(90)]
    orders = wait_all(ids, "PROCESSED", timeout=180)
    check_exactly_once(orders, "processed")
    replicas = processors_in(orders)
    check(len(replicas) == 3, f"orders were processed by {len(replicas)} replicas, not 3: {sorted(replicas)}")
    log(f"90 orders PROCESSED once each, by all 3 replicas: {sorted(replicas)}")
    eventually(
        "Prometheus to scrape 3 order-processor replicas",
        lambda: prometheus('count(up{job="order-processor"} == 1)') == 3,
        60,
        interval=2,
    )
    log("Prometheus scrapes all 3 order-processor replicas")


def broker_outage():
    total, kill_after, outage_seconds = 150, 40, 10
    accepted, refused, errors = [], [], []

    def post_stream():
        for n in range(total):
            try:
                accepted.append(post_order(f"outage-{RUN}-{n}", [{"sku": "SKU-3", "qty": 1}]))
            except Failure as failure:
                refused.append(str(failure))
            except OSError as error:
                errors.append(str(error))
            time.sleep(0.05)

    log(f"posting {total} orders; killing rabbitmq after {kill_after}, starting it {outage_seconds} s later")
    poster = threading.Thread(target=post_stream)
    poster.start()
    eventually(f"{kill_after} accepted orders", lambda: len(accepted) + len(refused) >= kill_after, 60, interval=0.1)
    compose("kill", "rabbitmq")
    killed_at = len(accepted)
    time.sleep(outage_seconds)
    compose("start", "rabbitmq")
    poster.join(timeout=300)
    check(not poster.is_alive(), "the order stream did not finish")
    log(f"{len(accepted)} accepted ({killed_at} before the kill), {len(refused)} refused, {len(errors)} connection errors")
    check(not refused and not errors, f"orders refused during the broker outage: {(refused + errors)[:3]}")
    check(len(accepted) == total, f"{len(accepted)} of {total} orders accepted")
    orders = wait_all(accepted, "PROCESSED", timeout=300)
    check_exactly_once(orders, "processed")
    log(f"all {total} orders PROCESSED once and e-mailed once after the broker came back")


def replayer(*arguments):
    return compose("run", "--rm", "-T", "dlq-replayer", *arguments, timeout=180, check_status=False)


def dead_letter_and_replay():
    log("posting a FAIL-ME order")
    order_id = post_order(f"fail-{RUN}", [{"sku": "FAIL-ME", "qty": 1}])

    def dead_lettered():
        document = order(order_id)
        return document if document["processing"]["deadLettered"] else None

    document = eventually("the FAIL-ME order to be dead-lettered", dead_lettered, 120)
    entry = document["processing"]["entries"][0]
    check(entry["attempts"] == 5, f"dead-lettered after {entry['attempts']} attempts, not 5")
    listed = replayer("list", "--json", "--order-id", order_id)
    check(listed.returncode == 0, f"dlq-replayer list exited {listed.returncode}: {listed.stderr[-1000:]}")
    rows = json.loads(listed.stdout)
    check(len(rows) == 1, f"dlq-replayer list shows {len(rows)} dead letters of the order")
    log(f"dead-lettered after 5 attempts, listed by dlq-replayer (reason {entry['reason']})")
    # Before the processor is replaced, Prometheus must have scraped what it did.
    eventually(
        "Prometheus to see the retries and the dead letter",
        lambda: prometheus('sum(conveyor_messages_dead_lettered_total{reason="injected-failure"})') >= 1
        and prometheus('sum(conveyor_messages_retried_total{queue="order-processor.work"})') >= 4,
        60,
        interval=2,
    )
    log("Prometheus shows the 4 retries and the dead letter")

    log("turning failure injection off and replaying with docker-compose run --rm dlq-replayer")
    environment = dict(os.environ, CONVEYOR_FAILURE_INJECTION="false")
    result = subprocess.run(COMPOSE + ["up", "-d", "--no-deps", "order-processor"], capture_output=True, text=True, timeout=300, env=environment)
    check(result.returncode == 0, f"recreating order-processor failed: {result.stderr[-1000:]}")
    eventually("order-processor to consume again", lambda: len(consumers_of("order-processor.work")) >= 1, 120)
    replay = replayer("replay", "--order-id", order_id, "--actor", "compose-test")
    check(replay.returncode == 0, f"dlq-replayer replay exited {replay.returncode}: {replay.stdout[-500:]} {replay.stderr[-1000:]}")
    log("replay: " + replay.stdout.strip().splitlines()[-1])
    orders = wait_all([order_id], "PROCESSED", timeout=60)
    check(orders[order_id]["processing"]["entries"][0]["status"] == "replayed", "the dead letter is not marked replayed")
    log("the replayed order is PROCESSED and e-mailed")


def observability():
    """Prometheus scrapes every service and the broker, sees what the scenario did, and has
    every metric the dashboard and the alert rules query."""
    jobs = ["api-gateway", "order-processor", "notifier", "dlq-replayer", "rabbitmq", "rabbitmq-queues"]

    def all_up():
        return all(prometheus(f'min(up{{job="{job}"}})') == 1 for job in jobs)

    eventually("every Prometheus target to be up", all_up, 90, interval=2)
    log("Prometheus scrapes every job: " + ", ".join(jobs))

    # Containers replaced during the run keep their last samples: read counters over the run.
    window = "[30m]"
    moved = {
        "orders accepted (POST /orders 201)": f'sum(max_over_time(conveyor_http_requests_total{{route="/orders",method="POST",status="201"}}{window}))',
        "messages received by order-processor": f'sum(max_over_time(conveyor_amqp_delivered_total{{queue="order-processor.work"}}{window}))',
        "retries": f'sum(max_over_time(conveyor_messages_retried_total{{queue="order-processor.work"}}{window}))',
        "dead letters": f'sum(max_over_time(conveyor_messages_dead_lettered_total{{reason="injected-failure"}}{window}))',
        "dead letters recorded": f'sum(max_over_time(conveyor_dead_letters_recorded_total{{queue="order-processor.dlq"}}{window}))',
        "replays": f'max(max_over_time(conveyor_dead_letter_replays{{queue="order-processor.dlq"}}{window}))',
        "e-mails sent": f'sum(max_over_time(conveyor_notifications_total{{status="sent"}}{window}))',
    }
    minimum = {"orders accepted (POST /orders 201)": 246, "messages received by order-processor": 246, "retries": 4,
               "dead letters": 1, "dead letters recorded": 1, "replays": 1, "e-mails sent": 246}
    values = {}

    def counters_moved():
        values.update({name: prometheus(expression) for name, expression in moved.items()})
        return all(values[name] >= minimum[name] for name in moved)

    try:
        eventually("the counters to show the run", counters_moved, 60, interval=3)
    except Failure:
        raise Failure(f"counters in Prometheus {values}, expected at least {minimum}")
    log("counters moved: " + ", ".join(f"{name} {value:.0f}" for name, value in values.items()))

    status, document = request("GET", f"{PROMETHEUS}/api/v1/label/__name__/values")
    check(status == 200, f"Prometheus metric names answered {status}")
    known = set(document["data"])
    missing = sorted(set(DASHBOARD_METRICS) - known)
    check(not missing, f"the dashboard or the alert rules use metrics Prometheus does not have: {missing}")
    log(f"all {len(DASHBOARD_METRICS)} metrics the dashboard and the alert rules use exist")


def main():
    started = time.monotonic()
    try:
        for step in (happy_path, scaled_processors, broker_outage, dead_letter_and_replay, observability):
            step_started = time.monotonic()
            step()
            log(f"{step.__name__} passed in {time.monotonic() - step_started:.0f} s")
    except Failure as failure:
        log(f"FAILED: {failure}")
        return 1
    log(f"all passed in {time.monotonic() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
