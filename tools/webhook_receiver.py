"""Example receiver of paymesh merchant webhooks: verifies the signature and logs each request.

    python -m tools.webhook_receiver --port 9099 --secret whsec_... [--fail-first 1] [--tolerance 300]

A request is accepted when x-paymesh-timestamp is within the tolerance window of now and
x-paymesh-signature carries v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>, compared in
constant time. Accepted → 200 (duplicates by event_id are acknowledged, not re-processed);
rejected → 401. --fail-first N answers 500 to the first N valid requests (to see retries).
Stops on SIGINT/SIGTERM with exit status 0. Standard library only."""
from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import logging
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

log = logging.getLogger("webhook_receiver")


def verify(secret: str, timestamp: str, signature: str, body: bytes, tolerance: int = 300, now: float | None = None) -> bool:
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs((time.time() if now is None else now) - ts) > tolerance:
        return False
    expected = "v1=" + hmac.new(secret.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    return any(hmac.compare_digest(expected, part.strip()) for part in (signature or "").split(","))


class Receiver(ThreadingHTTPServer):
    """The server keeps what it saw: `accepted` (parsed events, first delivery of each event_id),
    `requests` (every (status, event_id)) — handy in tests."""

    daemon_threads = True

    def __init__(self, addr: tuple[str, int], secret: str, fail_first: int = 0, tolerance: int = 300):
        super().__init__(addr, _Handler)
        self.secret, self.fail_first, self.tolerance = secret, fail_first, tolerance
        self.accepted: list[dict] = []
        self.requests: list[tuple[int, str]] = []
        self.lock = threading.Lock()

    def decide(self, headers, body: bytes) -> tuple[int, str]:
        if not verify(self.secret, headers.get("x-paymesh-timestamp", ""), headers.get("x-paymesh-signature", ""), body,
                      self.tolerance):
            return 401, ""
        try:
            event = json.loads(body)
        except ValueError:
            return 400, ""
        event_id = str(event.get("event_id", ""))
        with self.lock:
            if self.fail_first > 0:
                self.fail_first -= 1
                return 500, event_id
            if all(e.get("event_id") != event_id for e in self.accepted):
                self.accepted.append(event)
        return 200, event_id


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:  # noqa: N802 — http.server's name
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        status, event_id = self.server.decide(self.headers, body)
        with self.server.lock:
            self.server.requests.append((status, event_id))
        log.info("%s %s event_id=%s", "accepted" if status == 200 else "rejected", status, event_id or "-")
        self.send_response(status)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *_args) -> None:  # quiet: decide() logs
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9099)
    parser.add_argument("--secret", required=True, help="the merchant's secret (paymesh trade webhook-secret <merchant>)")
    parser.add_argument("--fail-first", type=int, default=0)
    parser.add_argument("--tolerance", type=int, default=300, help="accepted clock skew in seconds")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    server = Receiver((args.host, args.port), args.secret, args.fail_first, args.tolerance)
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown, daemon=True).start())
    log.info("listening on http://%s:%d", args.host, server.server_address[1])
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
