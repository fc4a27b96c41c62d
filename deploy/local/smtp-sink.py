#!/usr/bin/python3
"""A local SMTP server that keeps every message it receives, for the notifier's tests and
the local stack. Needs only python3 and aiosmtpd (Debian: python3-aiosmtpd).

Every accepted message is stored in MAILDIR as NNNNNN.eml (the data exactly as received,
after SMTP dot-unstuffing) and then NNNNNN.json (the envelope: mail_from, rcpt_tos, peer,
user, file, received_at). The .json is written last, each file atomically, so a reader that
sees the .json sees the whole message.

Recipients matching --reject get "550 5.1.1", those matching --defer "451 4.3.0"; with
--auth the server requires AUTH PLAIN or LOGIN (also over clear text); with --tls-cert and
--tls-key it offers STARTTLS.

With --http-port it also serves the stored mail over HTTP: a page listing it at /, and a
read-only JSON API shaped like a subset of Mailpit's (GET /api/v1/messages?limit=N, newest
first; GET /api/v1/message/ID with the plain-text body; GET /api/v1/message/ID/raw; GET
/livez), so tools written against Mailpit work with either.

    smtp-sink.py --maildir DIR [--host 127.0.0.1] [--port 2525] [--port-file FILE]
                 [--reject REGEX] [--defer REGEX] [--auth USER:PASSWORD]
                 [--tls-cert PEM --tls-key PEM [--require-tls]]
                 [--http-host 127.0.0.1 --http-port PORT]

--port 0 picks a free port; --port-file receives the port once the server listens.
SIGTERM or SIGINT stops it.
"""

import argparse
import asyncio
import datetime
import email
import email.policy
import email.utils
import html
import json
import logging
import os
import re
import signal
import ssl
import sys
import warnings

try:
    from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword
except ImportError:
    sys.exit("smtp-sink: the aiosmtpd module is missing (Debian: apt-get install python3-aiosmtpd)")


def write_atomically(path, data):
    temporary = path + ".tmp"
    with open(temporary, "wb") as file:
        file.write(data)
    os.replace(temporary, path)


class Sink:
    def __init__(self, maildir, reject, defer):
        self.maildir = maildir
        self.reject = re.compile(reject) if reject else None
        self.defer = re.compile(defer) if defer else None
        # Names have six digits or more: numbering goes on past 999999.
        numbers = [int(name[:-5]) for name in os.listdir(maildir) if re.fullmatch(r"\d{6,}\.json", name)]
        self.next_number = max(numbers, default=0) + 1

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.reject and self.reject.search(address):
            return f"550 5.1.1 <{address}>: recipient rejected"
        if self.defer and self.defer.search(address):
            return f"451 4.3.0 <{address}>: try again later"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        number = self.next_number
        self.next_number += 1
        name = f"{number:06d}"
        write_atomically(os.path.join(self.maildir, name + ".eml"), envelope.original_content)
        host, port = session.peer[:2]
        user = session.auth_data.login.decode() if isinstance(session.auth_data, LoginPassword) else None
        record = {
            "file": name + ".eml",
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "peer": f"{host}:{port}",
            "user": user,
            "tls": session.ssl is not None,
            "received_at": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        }
        write_atomically(os.path.join(self.maildir, name + ".json"), json.dumps(record).encode() + b"\n")
        print(f"smtp-sink: stored {name}.eml from {envelope.mail_from} to {', '.join(envelope.rcpt_tos)}", flush=True)
        return "250 2.0.0 OK: queued as " + name


class MailView:
    """What the HTTP side shows of the stored mail; reads MAILDIR on every request."""

    def __init__(self, maildir):
        self.maildir = maildir

    def ids(self):
        names = (name for name in os.listdir(self.maildir) if re.fullmatch(r"\d{6,}\.json", name))
        return sorted((name[:-5] for name in names), key=int, reverse=True)

    def parsed(self, message_id):
        with open(os.path.join(self.maildir, message_id + ".json"), encoding="utf-8") as file:
            record = json.load(file)
        with open(os.path.join(self.maildir, record["file"]), "rb") as file:
            raw = file.read()
        return record, raw, email.message_from_bytes(raw, policy=email.policy.default)

    @staticmethod
    def addresses(value):
        return [{"Name": name, "Address": address} for name, address in email.utils.getaddresses([value or ""]) if address]

    def summary(self, message_id):
        record, raw, message = self.parsed(message_id)
        sender = self.addresses(message.get("From"))
        return {
            "ID": message_id,
            "MessageID": (message.get("Message-ID") or "").strip("<>"),
            "From": sender[0] if sender else {"Name": "", "Address": record["mail_from"]},
            "To": self.addresses(message.get("To")) or [{"Name": "", "Address": a} for a in record["rcpt_tos"]],
            "Subject": str(message.get("Subject") or ""),
            "Created": record["received_at"],
            "Size": len(raw),
        }

    def detail(self, message_id):
        record, raw, message = self.parsed(message_id)
        body = message.get_body(preferencelist=("plain",))
        detail = self.summary(message_id)
        detail.update(
            Text=body.get_content() if body is not None else "",
            Headers={key: [str(value) for value in message.get_all(key, [])] for key in dict.fromkeys(message.keys())},
            Envelope={"MailFrom": record["mail_from"], "Recipients": record["rcpt_tos"]},
        )
        return detail

    def page(self):
        rows = "".join(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td><a href=\"/api/v1/message/{}/raw\">{}</a></td></tr>".format(
                html.escape(item["Created"]),
                html.escape(", ".join(to["Address"] for to in item["To"])),
                html.escape(item["From"]["Address"]),
                item["ID"],
                html.escape(item["Subject"] or "(no subject)"),
            )
            for item in map(self.summary, self.ids()[:500])
        )
        return (
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>Conveyor mail</title>"
            "<style>body{font-family:sans-serif}td,th{padding:2px 8px;text-align:left}</style></head>"
            "<body><h1>Mail received</h1><table><tr><th>received</th><th>to</th><th>from</th><th>subject</th></tr>"
            f"{rows}</table></body></html>"
        )

    def respond(self, path):
        """(status, content type, body) for a GET of path."""
        route, _, query = path.partition("?")
        parameters = dict(part.partition("=")[::2] for part in query.split("&") if part)
        if route in ("/livez", "/readyz"):
            return 200, "text/plain", b"ok\n"
        if route == "/":
            return 200, "text/html; charset=utf-8", self.page().encode()
        if route == "/api/v1/messages":
            try:
                limit = max(0, int(parameters.get("limit", "50")))
            except ValueError:
                return 400, "text/plain", b"limit must be a number\n"
            ids = self.ids()
            messages = [self.summary(message_id) for message_id in ids[:limit]]
            document = {"total": len(ids), "count": len(messages), "messages": messages}
            return 200, "application/json", json.dumps(document).encode()
        match = re.fullmatch(r"/api/v1/message/(\d{6,})(/raw)?", route)
        if match and os.path.exists(os.path.join(self.maildir, match.group(1) + ".json")):
            if match.group(2):
                return 200, "message/rfc822", self.parsed(match.group(1))[1]
            return 200, "application/json", json.dumps(self.detail(match.group(1))).encode()
        return 404, "text/plain", b"not found\n"


async def serve_http(view, reader, writer):
    try:
        request_line = (await reader.readline()).decode("latin-1").split()
        while (await reader.readline()) not in (b"\r\n", b"\n", b""):
            pass
        if len(request_line) < 2 or request_line[0] not in ("GET", "HEAD"):
            status, content_type, body = 405, "text/plain", b"only GET\n"
        else:
            try:
                status, content_type, body = view.respond(request_line[1])
            except (OSError, ValueError, KeyError) as error:
                status, content_type, body = 500, "text/plain", f"{error}\n".encode()
        reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}.get(status, "Error")
        head = f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        writer.write(head.encode() + (body if request_line[:1] != ["HEAD"] else b""))
        await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()


def authenticator_for(credentials):
    user, _, password = credentials.partition(":")

    def authenticate(server, session, envelope, mechanism, auth_data):
        if (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == user.encode()
            and auth_data.password == password.encode()
        ):
            return AuthResult(success=True, auth_data=auth_data)
        return AuthResult(success=False, handled=False)

    return authenticate


async def serve(arguments):
    loop = asyncio.get_running_loop()
    sink = Sink(arguments.maildir, arguments.reject, arguments.defer)
    tls_context = None
    if arguments.tls_cert:
        tls_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls_context.load_cert_chain(arguments.tls_cert, arguments.tls_key)
    options = {"hostname": "smtp-sink.localhost", "loop": loop}
    if tls_context:
        options.update(tls_context=tls_context, require_starttls=arguments.require_tls)
    if arguments.auth:
        # Clear-text AUTH is deliberate here: the sink is for local use.
        warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS")
        options.update(
            authenticator=authenticator_for(arguments.auth),
            auth_required=True,
            auth_require_tls=False,
        )

    server = await loop.create_server(lambda: SMTP(sink, **options), arguments.host, arguments.port)
    port = server.sockets[0].getsockname()[1]
    if arguments.port_file:
        write_atomically(arguments.port_file, f"{port}\n".encode())
    print(f"smtp-sink: listening on {arguments.host}:{port}, storing in {arguments.maildir}", flush=True)
    http_server = None
    if arguments.http_port is not None:
        view = MailView(arguments.maildir)
        http_server = await asyncio.start_server(
            lambda reader, writer: serve_http(view, reader, writer), arguments.http_host, arguments.http_port
        )
        print(f"smtp-sink: web UI and API on http://{arguments.http_host}:{arguments.http_port}/", flush=True)

    stop = asyncio.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signal_number, stop.set)
    # A parent may start us with these blocked (the mask is inherited): unblock them.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    await stop.wait()
    server.close()
    await server.wait_closed()
    if http_server:
        http_server.close()
        await http_server.wait_closed()


def main():
    # aiosmtpd warns about clear-text AUTH and its own deprecated attributes on every login.
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description="SMTP server that stores every message it receives.")
    parser.add_argument("--maildir", required=True, help="directory for NNNNNN.eml and NNNNNN.json")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2525, help="0 picks a free port")
    parser.add_argument("--port-file", help="write the listening port to this file")
    parser.add_argument("--reject", metavar="REGEX", help="answer 550 to recipients matching this")
    parser.add_argument("--defer", metavar="REGEX", help="answer 451 to recipients matching this")
    parser.add_argument("--auth", metavar="USER:PASSWORD", help="require AUTH with these credentials")
    parser.add_argument("--tls-cert", metavar="PEM", help="offer STARTTLS with this certificate chain")
    parser.add_argument("--tls-key", metavar="PEM", help="the certificate's private key")
    parser.add_argument("--require-tls", action="store_true", help="refuse mail before STARTTLS")
    parser.add_argument("--http-host", default="127.0.0.1", help="address of the web UI and API")
    parser.add_argument("--http-port", type=int, help="serve the web UI and API on this port")
    arguments = parser.parse_args()
    if bool(arguments.tls_cert) != bool(arguments.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    os.makedirs(arguments.maildir, exist_ok=True)
    asyncio.run(serve(arguments))


if __name__ == "__main__":
    main()
