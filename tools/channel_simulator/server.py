"""A fault-injecting stand-in for external acquirers, over HTTP/JSON ("http-json-v1").
Never used by the channel service's logic: it is the other side of the wire in dev and tests.

Channel protocol (every request signed: x-sim-timestamp, x-sim-signature = HMAC-SHA256 of
"<ts>.<body>" with the shared key):
  POST /v1/{channel}/payments|refunds|payouts   {reference, amount_minor, currency_code, three_ds, ...}
  GET  /v1/{channel}/payments|refunds|payouts/{reference}
  GET  /v1/{channel}/statements/{YYYY-MM-DD}    daily CSV (with drift if configured), built from the
       simulator's own records of that UTC day (SUCCESS and DECLINED → FAIL); fee_minor =
       amount × fee_bps (half up) + fixed_fee_minor, from the channel's config.
       statement_drift: true (drop the first line, +1 on the next, add an unknown line) or an
       object naming references: {"drop": [ref], "amount": {ref: delta}, "status": [ref] (flip
       SUCCESS/FAIL), "fee": {ref: delta}, "add": [{"amount_minor": n, "currency_code": "EUR",
       "reference": "" or ref}]} — each added line is a SUCCESS with a fresh channel reference.
Answers: {status: SUCCESS|DECLINED|PENDING|REQUIRES_ACTION, code, message, channel_reference,
amount_minor, redirect_url}; 503 {status: REJECTED} = not processed; 500 = processed, unknown.
Notifications go to <notify-url with {channel}> signed with x-channel-timestamp/-signature.

Test control (unsigned, local only):
  POST /sim/config/{channel}   merge per-channel config (see DEFAULTS)
  POST /sim/3ds/{channel}/{reference}?result=pass|fail   the payer finishes the challenge
  GET  /sim/orders/{channel}/{reference}   what the simulator recorded

Scripted faults by amount (amount_minor % 100), when the channel's config has magic=true:
  51 decline "05" · 52 decline "91" · 53 decline "51" · 61 answer after hang_ms (caller times
  out; recorded SUCCESS) · 62 PENDING → notify SUCCESS · 63 … notified twice · 64 … SUCCESS
  then a stale PENDING (out of order) · 65 … notification lost (query finds SUCCESS) · 66 503
  REJECTED · 67 500 after processing (SUCCESS) · 71 wrong amount (-1) · 72 partial capture (half)
  · 73 over-capture (+1)
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import io
import json
import random
import threading
import time
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

DEFAULTS = {"latency_ms": 0, "jitter_ms": 0, "decline_rate": 0.0, "timeout_rate": 0.0, "unknown_rate": 0.0, "three_ds": True,
            "magic": True, "hang_ms": 3000, "notify_delay_ms": 100, "notify_duplicate": False, "notify_out_of_order": False,
            "notify_lost": False, "notify": True, "wrong_amount_rate": 0.0, "partial_capture_rate": 0.0, "statement_drift": False,
            "fee_bps": 0, "fixed_fee_minor": 0}
TYPES = {"payments": "PAY", "refunds": "REFUND", "payouts": "PAYOUT"}


def sign(key: bytes, stamp: str, body: bytes) -> str:
    return hmac.new(key, stamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class Simulator:
    def __init__(self, key: bytes, notify_url: str, public_url: str, seed: int | None = None):
        self.key, self.notify_url, self.public_url = key, notify_url, public_url
        self.config: dict[str, dict] = {}
        self.orders: dict[tuple[str, str], dict] = {}
        self.lock = threading.Lock()
        self.rng = random.Random(seed)

    def cfg(self, channel: str) -> dict:
        return {**DEFAULTS, **self.config.get(channel, {})}

    # --- the channel side ----------------------------------------------------------------
    def create(self, channel: str, kind: str, req: dict) -> tuple[int, dict, float]:
        """Returns (http status, body, seconds to wait before answering)."""
        cfg, ref, amount = self.cfg(channel), str(req["reference"]), int(req["amount_minor"])
        with self.lock:
            if (channel, ref) in self.orders:  # idempotent on our reference: same answer again
                return 200, self.public(self.orders[(channel, ref)]), 0.0
        magic = amount % 100 if cfg["magic"] else 0
        latency = max(0.0, (cfg["latency_ms"] + self.rng.uniform(-cfg["jitter_ms"], cfg["jitter_ms"])) / 1000)
        rec = {"channel": channel, "reference": ref, "type": TYPES[kind], "amount_minor": amount, "currency_code": req.get("currency_code", ""),
               "channel_reference": f"sim_{uuid.uuid4().hex[:20]}", "status": "SUCCESS", "code": "00", "message": "approved",
               "settled_minor": amount, "time": dt.datetime.now(dt.timezone.utc).isoformat(), "notify": None}
        roll = self.rng.random()
        if magic == 66 or (not magic and roll < cfg["unknown_rate"] / 2):
            return 503, {"status": "REJECTED", "code": "96", "message": "system malfunction, not processed"}, latency
        if magic in (51, 52, 53):
            rec.update(status="DECLINED", code={51: "05", 52: "91", 53: "51"}[magic], message="declined")
        elif not magic and roll < cfg["decline_rate"]:
            rec.update(status="DECLINED", code="05", message="do not honour")
        elif req.get("three_ds") and cfg["three_ds"] and kind == "payments":
            rec.update(status="REQUIRES_ACTION", code="", message="3DS challenge", redirect_url=f"{self.public_url}/sim/3ds/{channel}/{ref}")
        elif magic in (62, 63, 64, 65):
            rec.update(status="PENDING", code="", message="processing",
                       notify={62: "once", 63: "twice", 64: "out_of_order", 65: "lost"}[magic], final="SUCCESS")
        elif magic == 71 or (not magic and self.rng.random() < cfg["wrong_amount_rate"]):
            rec["settled_minor"] = amount - 1
        elif magic == 72 or (not magic and self.rng.random() < cfg["partial_capture_rate"]):
            rec["settled_minor"] = amount // 2
        elif magic == 73:
            rec["settled_minor"] = amount + 1
        with self.lock:
            self.orders[(channel, ref)] = rec
        if rec["notify"]:
            self.schedule(channel, ref, cfg)
        if magic == 61 or (not magic and roll > 1 - cfg["timeout_rate"]):
            return 200, self.public(rec), cfg["hang_ms"] / 1000
        if magic == 67:
            return 500, {"message": "internal error"}, latency
        return 200, self.public(rec), latency

    def public(self, rec: dict) -> dict:
        out = {k: rec[k] for k in ("status", "code", "message", "channel_reference", "reference")}
        if rec["status"] == "SUCCESS":
            out["amount_minor"] = rec["settled_minor"]
        if rec.get("redirect_url") and rec["status"] == "REQUIRES_ACTION":
            out["redirect_url"] = rec["redirect_url"]
        return out

    def get(self, channel: str, ref: str) -> dict | None:
        with self.lock:
            rec = self.orders.get((channel, ref))
            if rec and rec["status"] == "PENDING" and rec.get("final_at", 0) and time.time() >= rec["final_at"]:
                rec["status"], rec["code"], rec["message"] = rec["final"], "00", "approved"
            return rec

    def finish_3ds(self, channel: str, ref: str, passed: bool) -> dict | None:
        with self.lock:
            rec = self.orders.get((channel, ref))
            if rec is None or rec["status"] != "REQUIRES_ACTION":
                return rec
            rec.update(status="SUCCESS", code="00", message="approved") if passed else rec.update(status="DECLINED", code="N7",
                                                                                                   message="3DS authentication failed")
        threading.Thread(target=self.notify, args=(channel, self.public(rec)), daemon=True).start()
        return rec

    # --- notifications -------------------------------------------------------------------
    def schedule(self, channel: str, ref: str, cfg: dict) -> None:
        delay = cfg["notify_delay_ms"] / 1000
        rec = self.orders[(channel, ref)]
        rec["final_at"] = time.time() + delay
        mode = rec["notify"]
        if not cfg["notify"] or mode == "lost" or cfg["notify_lost"]:
            return

        def later() -> None:
            time.sleep(delay)
            final = self.public(self.get(channel, ref))
            if mode == "out_of_order" or cfg["notify_out_of_order"]:
                self.notify(channel, final)
                self.notify(channel, {**final, "status": "PENDING", "code": "", "message": "processing (late)"})
                return
            note_id = self.notify(channel, final)
            if mode == "twice" or cfg["notify_duplicate"]:
                self.notify(channel, final, note_id)
        threading.Thread(target=later, daemon=True).start()

    def notify(self, channel: str, answer: dict, notification_id: str | None = None) -> str:
        note_id = notification_id or f"ntf_{uuid.uuid4().hex}"
        body = json.dumps({**answer, "notification_id": note_id}).encode()
        stamp = str(int(time.time()))
        req = urllib.request.Request(self.notify_url.format(channel=channel), data=body, method="POST", headers={
            "content-type": "application/json", "x-channel-timestamp": stamp, "x-channel-signature": sign(self.key, stamp, body)})
        for attempt in range(3):  # like a real acquirer: retry a few times, then give up
            try:
                with urllib.request.urlopen(req, timeout=5) as resp:
                    resp.read()
                    break
            except Exception:
                time.sleep(0.2 * (attempt + 1))
        return note_id

    # --- statements ----------------------------------------------------------------------
    def statement(self, channel: str, date: str) -> str:
        cfg = self.cfg(channel)
        with self.lock:
            recs = [r for (c, _), r in self.orders.items() if c == channel and r["time"][:10] == date and r["status"] in ("SUCCESS", "DECLINED")]
        bps, fixed = cfg["fee_bps"], cfg["fixed_fee_minor"]
        rows = [[r["channel_reference"], r["reference"], r["type"], "SUCCESS" if r["status"] == "SUCCESS" else "FAIL",
                 r["settled_minor"], r["currency_code"], (r["amount_minor"] * bps + 5_000) // 10_000 + fixed if bps or fixed else 0,
                 r["time"]] for r in recs]
        drift = cfg["statement_drift"]
        if drift is True and rows:
            rows = rows[1:]  # a transaction missing on the channel side
            if rows:
                rows[0][4] = int(rows[0][4]) + 1  # an amount mismatch
            rows.append([f"sim_{uuid.uuid4().hex[:20]}", "", "PAY", "SUCCESS", 100, "EUR", 0, f"{date}T12:00:00+00:00"])  # unknown locally
        elif isinstance(drift, dict):
            rows = drifted(rows, drift, date)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["channel_reference", "reference", "type", "status", "amount_minor", "currency_code", "fee_minor", "transaction_time"])
        writer.writerows(rows)
        return out.getvalue()


def drifted(rows: list[list], drift: dict, date: str) -> list[list]:
    """Applies a statement drift naming our references (see the module doc)."""
    drop, status = set(drift.get("drop", [])), set(drift.get("status", []))
    amount, fee = drift.get("amount", {}), drift.get("fee", {})
    out = []
    for row in rows:
        ref = row[1]
        if ref in drop:
            continue
        row = list(row)
        if ref in amount:
            row[4] = int(row[4]) + int(amount[ref])
        if ref in fee:
            row[6] = int(row[6]) + int(fee[ref])
        if ref in status:
            row[3] = "FAIL" if row[3] == "SUCCESS" else "SUCCESS"
        out.append(row)
    for extra in drift.get("add", []):
        out.append([f"sim_{uuid.uuid4().hex[:20]}", extra.get("reference", ""), "PAY", "SUCCESS", int(extra.get("amount_minor", 100)),
                    extra.get("currency_code", "EUR"), int(extra.get("fee_minor", 0)), f"{date}T12:00:00+00:00"])
    return out


def make_handler(sim: Simulator):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:  # quiet
            pass

        def _send(self, status: int, body, ctype: str = "application/json") -> None:
            data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("content-type", ctype)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("content-length") or 0))

        def _signed(self, body: bytes) -> bool:
            stamp, sig = self.headers.get("x-sim-timestamp", ""), self.headers.get("x-sim-signature", "")
            return stamp.isdigit() and abs(time.time() - int(stamp)) < 300 and hmac.compare_digest(sign(sim.key, stamp, body), sig)

        def do_GET(self) -> None:
            parts = urlparse(self.path).path.strip("/").split("/")
            if parts == ["health"]:
                return self._send(200, {"ok": True})
            if len(parts) == 4 and parts[0] == "sim" and parts[1] == "orders":
                rec = sim.get(parts[2], parts[3])
                return self._send(200 if rec else 404, rec or {"code": "NOT_FOUND"})
            if len(parts) == 4 and parts[0] == "sim" and parts[1] == "3ds":
                return self._send(200, f"<html><body>3DS challenge for {parts[3]}</body></html>", "text/html")
            if not self._signed(b""):
                return self._send(401, {"code": "BAD_SIGNATURE"})
            if len(parts) == 4 and parts[0] == "v1" and parts[2] == "statements":
                return self._send(200, sim.statement(parts[1], parts[3]), "text/csv")
            if len(parts) == 4 and parts[0] == "v1" and parts[2] in TYPES:
                rec = sim.get(parts[1], parts[3])
                return self._send(200, sim.public(rec)) if rec else self._send(404, {"code": "NOT_FOUND"})
            self._send(404, {"code": "NO_ROUTE"})

        def do_POST(self) -> None:
            url = urlparse(self.path)
            parts, body = url.path.strip("/").split("/"), self._body()
            if len(parts) == 3 and parts[:2] == ["sim", "config"]:
                sim.config.setdefault(parts[2], {}).update(json.loads(body or b"{}"))
                return self._send(200, sim.cfg(parts[2]))
            if len(parts) == 4 and parts[:2] == ["sim", "3ds"]:
                passed = parse_qs(url.query).get("result", ["pass"])[0] == "pass"
                rec = sim.finish_3ds(parts[2], parts[3], passed)
                return self._send(200 if rec else 404, sim.public(rec) if rec else {"code": "NOT_FOUND"})
            if not self._signed(body):
                return self._send(401, {"code": "BAD_SIGNATURE"})
            if len(parts) == 3 and parts[0] == "v1" and parts[2] in TYPES:
                try:
                    req = json.loads(body)
                    status, answer, wait = sim.create(parts[1], parts[2], req)
                except (ValueError, KeyError, TypeError):
                    return self._send(400, {"status": "DECLINED", "code": "30", "message": "format error"})
                if wait:
                    time.sleep(wait)
                return self._send(status, answer)
            self._send(404, {"code": "NO_ROUTE"})

    return Handler


def serve(host: str, port: int, sim: Simulator) -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), make_handler(sim))
    server.daemon_threads = True
    return server
