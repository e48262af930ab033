"""Signed merchant webhooks: signature, retry schedule, the delivery state machine and the
use cases (send due deliveries, list, resend, read/rotate a merchant's secret).

A delivery row is written with the order's outbox event, in the same transaction (see
adapters.SqlOrderRepository.add_event), so there is no dual write. The worker leases due rows
(FOR UPDATE SKIP LOCKED, pushing next_attempt_time past the request timeout), posts them
outside any transaction and records the outcome: 2xx → DELIVERED; otherwise the next attempt
follows the backoff schedule until max attempts or max age → FAILED.

Signature: x-paymesh-timestamp: <unix seconds>, x-paymesh-signature: v1=<hex HMAC-SHA256 over
"<timestamp>.<raw body>"> with the merchant's secret = HMAC-SHA256(master key,
"webhook:<merchant>:<version>"); only the version is stored.
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from servers.kernel.errors import NotFound, invalid
from servers.kernel.ids import new_id
from servers.kernel.money import Money
from servers.trade.domain import Order
from servers.kernel.keyfiles import load_or_create_key

log = logging.getLogger("paymesh.trade.webhooks")
EVENT_TYPES = ("order.paid", "order.refunded", "order.closed")
PENDING, DELIVERED, FAILED = "PENDING", "DELIVERED", "FAILED"
DEFAULT_BACKOFF = "10,30,120,600,1800,3600,7200,14400,28800"
SIGNATURE_HEADER, TIMESTAMP_HEADER = "x-paymesh-signature", "x-paymesh-timestamp"
PAGE_SIZE_DEFAULT = 50


# --- signature --------------------------------------------------------------------------------

def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"v1={mac}"


def verify(secret: str, timestamp_header: str, signature_header: str, body: bytes, now: float | None = None,
           tolerance_seconds: int = 300) -> bool:
    """Timestamp within the window and a v1 signature that matches (constant-time compare)."""
    try:
        timestamp = int(timestamp_header)
    except (TypeError, ValueError):
        return False
    if abs((time.time() if now is None else now) - timestamp) > tolerance_seconds:
        return False
    expected = sign(secret, timestamp, body)
    return any(hmac.compare_digest(expected, part.strip()) for part in (signature_header or "").split(","))


class Keyring:
    """Derives per-merchant secrets from one master key; nothing secret is stored in the database."""

    def __init__(self, master_key: bytes):
        if len(master_key) < 16:
            raise ValueError("webhook master key too short")
        self._master = master_key

    def secret(self, merchant_id: str, version: int) -> str:
        return "whsec_" + hmac.new(self._master, f"webhook:{merchant_id}:{version}".encode(), hashlib.sha256).hexdigest()

    def __repr__(self) -> str:
        return "Keyring(***)"


def load_master_key(setting: str, home: str) -> bytes:
    """The setting (base64) when given; else <home>/keys/trade-webhook.key, created once with mode 600."""
    return load_or_create_key(setting, Path(home) / "keys" / "trade-webhook.key")


# --- retry policy and the delivery state machine ---------------------------------------------

@dataclass(frozen=True)
class RetryPolicy:
    backoff: tuple[float, ...]
    max_attempts: int = 12
    max_age_seconds: float = 3 * 24 * 3600

    @classmethod
    def parse(cls, backoff: str, max_attempts: int, max_age_seconds: float) -> "RetryPolicy":
        delays = tuple(float(x) for x in backoff.replace(" ", "").split(",") if x)
        if not delays or any(d <= 0 for d in delays) or max_attempts < 1:
            raise ValueError(f"bad webhook retry policy: {backoff!r}, max_attempts={max_attempts}")
        return cls(delays, max_attempts, max_age_seconds)

    def delay(self, attempts: int) -> float:
        """Wait after the attempts-th failed attempt (the schedule's last step repeats)."""
        return self.backoff[min(max(attempts, 1), len(self.backoff)) - 1]


@dataclass(frozen=True)
class Delivery:
    delivery_id: str
    event_id: str
    event_type: str
    order_id: str
    merchant_id: str
    url: str
    body: str
    state: str = PENDING
    attempts: int = 0
    max_attempts: int = 12
    last_status_code: int = 0
    last_error: str = ""
    next_attempt_time: dt.datetime | None = None
    queued_time: dt.datetime | None = None
    delivered_time: dt.datetime | None = None
    create_time: dt.datetime | None = None
    update_time: dt.datetime | None = None
    secret_version: int = 1


def after_attempt(d: Delivery, status: int, error: str, now: dt.datetime, policy: RetryPolicy) -> Delivery:
    """The delivery after one attempt that got `status` (0: no answer) and `error`."""
    attempts = d.attempts + 1
    if 200 <= status < 300:
        return replace(d, state=DELIVERED, attempts=attempts, last_status_code=status, last_error="", delivered_time=now,
                       next_attempt_time=None)
    error = error or f"HTTP {status}"
    too_old = d.queued_time is not None and (now - d.queued_time).total_seconds() >= policy.max_age_seconds
    if attempts >= d.max_attempts or too_old:
        return replace(d, state=FAILED, attempts=attempts, last_status_code=status, last_error=error, next_attempt_time=None)
    return replace(d, state=PENDING, attempts=attempts, last_status_code=status, last_error=error,
                   next_attempt_time=now + dt.timedelta(seconds=policy.delay(attempts)))


def new_delivery(event_id: str, event_type: str, order: Order, max_attempts: int, now: dt.datetime) -> Delivery:
    """The notification of an order event; its body is fixed here (same bytes on every attempt)."""
    body = {"event_id": event_id, "event_type": event_type, "order_id": order.order_id, "merchant_id": order.merchant_id,
            "state": order.state.name, "amount": _money(order.amount),
            "refunded": _money(Money(order.amount.currency_code, order.refunded_minor)), "payment_id": order.payment_id,
            "create_time": now.isoformat().replace("+00:00", "Z")}
    return Delivery(new_id("whd"), event_id, event_type, order.order_id, order.merchant_id, order.notify_url,
                    json.dumps(body, separators=(",", ":"), sort_keys=True), max_attempts=max_attempts, next_attempt_time=now,
                    queued_time=now)


def _money(m: Money) -> dict[str, Any]:
    return {"currency_code": m.currency_code, "amount_minor": str(m.amount_minor)}


# --- ports --------------------------------------------------------------------------------------

class WebhookStore(Protocol):
    async def lease_due(self, now: dt.datetime, limit: int, lease_seconds: float) -> list[Delivery]:
        """Due PENDING deliveries, their next attempt pushed past the lease (replicas skip locked rows)."""

    async def record(self, before: Delivery, after: Delivery) -> bool:
        """Stores an attempt's outcome if nobody recorded one since `before` (CAS on attempts)."""

    async def list(self, order_id: str, merchant_id: str, after: tuple[dt.datetime, str] | None, limit: int) -> list[Delivery]: ...

    async def requeue(self, delivery_id: str, now: dt.datetime) -> Delivery | None: ...

    async def secret_version(self, merchant_id: str, rotate: bool = False) -> int: ...


class Sender(Protocol):
    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        """(HTTP status, error); status 0 when no answer (timeout, refused)."""


# --- use cases ------------------------------------------------------------------------------------

def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


async def attempt(store: WebhookStore, sender: Sender, keyring: Keyring, policy: RetryPolicy, d: Delivery,
                  clock=_now) -> Delivery:
    body = d.body.encode()
    timestamp = int(time.time())
    headers = {"content-type": "application/json", TIMESTAMP_HEADER: str(timestamp),
               SIGNATURE_HEADER: sign(keyring.secret(d.merchant_id, d.secret_version), timestamp, body),
               "x-paymesh-event-id": d.event_id, "x-paymesh-event-type": d.event_type}
    status, error = await sender.post(d.url, body, headers)
    outcome = after_attempt(d, status, error, clock(), policy)
    await store.record(d, outcome)
    log.info("webhook attempt", extra={"delivery_id": d.delivery_id, "status": status, "state": outcome.state,
                                       "attempt": outcome.attempts})
    return outcome


async def send_due(store: WebhookStore, sender: Sender, keyring: Keyring, policy: RetryPolicy, lease_seconds: float,
                   batch: int = 50, clock=_now) -> int:
    """One round of the worker: lease due deliveries, send them concurrently, record outcomes."""
    import asyncio

    due = await store.lease_due(clock(), batch, lease_seconds)
    if due:
        await asyncio.gather(*(attempt(store, sender, keyring, policy, d, clock) for d in due))
    return len(due)


def _filter_key(order_id: str, merchant_id: str) -> str:
    return hashlib.sha256(f"{order_id}|{merchant_id}".encode()).hexdigest()[:16]


async def list_deliveries(store: WebhookStore, order_id: str, merchant_id: str, page_size: int,
                          page_token: str) -> tuple[list[Delivery], str]:
    """By order or merchant, newest first; AIP-158 tokens bound to the filter."""
    if not order_id and not merchant_id:
        raise invalid("order_id", "give order_id or merchant_id", "FILTER_REQUIRED")
    limit, key, after = page_size or PAGE_SIZE_DEFAULT, _filter_key(order_id, merchant_id), None
    if page_token:
        try:
            raw = json.loads(base64.urlsafe_b64decode(page_token.encode()))
            after, valid = (dt.datetime.fromisoformat(raw["t"]), str(raw["id"])), raw["f"] == key
        except (ValueError, KeyError, TypeError):
            valid = False
        if not valid:
            raise invalid("page_token", "not a token of this query", "PAGE_TOKEN_INVALID")
    rows = await store.list(order_id, merchant_id, after, limit + 1)
    token = ""
    if len(rows) > limit:
        rows, last = rows[:limit], rows[limit - 1]
        assert last.create_time is not None
        raw_token = {"t": last.create_time.isoformat(), "id": last.delivery_id, "f": key}
        token = base64.urlsafe_b64encode(json.dumps(raw_token).encode()).decode()
    return rows, token


async def resend(store: WebhookStore, delivery_id: str, clock=_now) -> Delivery:
    """Re-queues a delivery now, whatever its state, with one more attempt allowed."""
    d = await store.requeue(delivery_id, clock())
    if d is None:
        raise NotFound("WEBHOOK_DELIVERY_NOT_FOUND", f"webhook delivery {delivery_id} does not exist", {"delivery_id": delivery_id})
    return d


async def merchant_secret(store: WebhookStore, keyring: Keyring, merchant_id: str, rotate: bool = False) -> tuple[str, int]:
    version = await store.secret_version(merchant_id, rotate)
    return keyring.secret(merchant_id, version), version
