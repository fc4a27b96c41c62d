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

    smtp-sink.py --maildir DIR [--host 127.0.0.1] [--port 2525] [--port-file FILE]
                 [--reject REGEX] [--defer REGEX] [--auth USER:PASSWORD]
                 [--tls-cert PEM --tls-key PEM [--require-tls]]

--port 0 picks a free port; --port-file receives the port once the server listens.
SIGTERM or SIGINT stops it.
"""

import argparse
import asyncio
import datetime
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
        numbers = [int(name[:6]) for name in os.listdir(maildir) if re.fullmatch(r"\d{6}\.json", name)]
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

    stop = asyncio.Event()
    for signal_number in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signal_number, stop.set)
    # A parent may start us with these blocked (the mask is inherited): unblock them.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGTERM, signal.SIGINT})
    await stop.wait()
    server.close()
    await server.wait_closed()


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
    arguments = parser.parse_args()
    if bool(arguments.tls_cert) != bool(arguments.tls_key):
        parser.error("--tls-cert and --tls-key go together")
    os.makedirs(arguments.maildir, exist_ok=True)
    asyncio.run(serve(arguments))


if __name__ == "__main__":
    main()
