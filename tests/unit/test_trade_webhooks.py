"""Merchant webhooks with fakes: signature, backoff schedule, the delivery state machine, the
worker round, listing and resend."""
from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import replace

import pytest

from servers.kernel.errors import InvalidArgument, NotFound
from servers.kernel.money import Money
from servers.trade import webhooks
from servers.trade.domain import Order, OrderState
from tools import webhook_receiver

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
POLICY = webhooks.RetryPolicy.parse(webhooks.DEFAULT_BACKOFF, 12, 3 * 24 * 3600)


class FakeStore:
    def __init__(self):
        self.rows: dict[str, webhooks.Delivery] = {}
        self.versions: dict[str, int] = {}

    async def lease_due(self, now, limit, lease_seconds):
        due = sorted((d for d in self.rows.values() if d.state == webhooks.PENDING and d.next_attempt_time <= now),
                     key=lambda d: d.next_attempt_time)[:limit]
        for d in due:
            self.rows[d.delivery_id] = replace(d, next_attempt_time=now + dt.timedelta(seconds=lease_seconds))
        return [replace(d, secret_version=self.versions.get(d.merchant_id, 1)) for d in due]

    async def record(self, before, after):
        if self.rows[before.delivery_id].attempts != before.attempts:
            return False
        self.rows[before.delivery_id] = after
        return True

    async def list(self, order_id, merchant_id, after, limit):
        rows = [d for d in self.rows.values()
                if (not order_id or d.order_id == order_id) and (not merchant_id or d.merchant_id == merchant_id)]
        rows.sort(key=lambda d: (d.create_time, d.delivery_id), reverse=True)
        if after:
            rows = [d for d in rows if (d.create_time, d.delivery_id) < after]
        return rows[:limit]

    async def requeue(self, delivery_id, now):
        d = self.rows.get(delivery_id)
        if d is None:
            return None
        self.rows[delivery_id] = replace(d, state=webhooks.PENDING, next_attempt_time=now, queued_time=now,
                                         max_attempts=max(d.max_attempts, d.attempts + 1))
        return self.rows[delivery_id]

    async def secret_version(self, merchant_id, rotate=False):
        self.versions.setdefault(merchant_id, 1)
        if rotate:
            self.versions[merchant_id] += 1
        return self.versions[merchant_id]


class FakeSender:
    def __init__(self, statuses):
        self.statuses, self.sent = list(statuses), []

    async def post(self, url, body, headers):
        self.sent.append((url, body, headers))
        status = self.statuses.pop(0) if self.statuses else 200
        return status, "" if 200 <= status < 300 else ("timeout" if status == 0 else f"HTTP {status}")


def order(**kw) -> Order:
    base = dict(order_id="ord_1", merchant_id="mch_1", out_trade_no="no1", product_code="DIGITAL_GOODS", subject="Tea",
                amount=Money("EUR", 1999), payer_member_id="mem_1", notify_url="http://127.0.0.1:1/hook", state=OrderState.PAID,
                expire_time=T0, payment_id="pay_1", refunded_minor=0)
    base.update(kw)
    return Order(**base)


def delivery(now=T0, **kw) -> webhooks.Delivery:
    d = webhooks.new_delivery("evt_1", "order.paid", order(), 12, now)
    return replace(d, create_time=now, **kw)


def test_signature_round_trip_and_rejections():
    body, ts = b'{"event_id":"evt_1"}', int(time.time())
    sig = webhooks.sign("whsec_x", ts, body)
    assert sig.startswith("v1=") and len(sig) == 3 + 64
    assert webhooks.verify("whsec_x", str(ts), sig, body)
    assert webhook_receiver.verify("whsec_x", str(ts), sig, body)  # the example receiver agrees
    assert not webhooks.verify("whsec_y", str(ts), sig, body)
    assert not webhooks.verify("whsec_x", str(ts), sig, body + b" ")
    assert not webhooks.verify("whsec_x", str(ts - 301), webhooks.sign("whsec_x", ts - 301, body), body)  # outside the window
    assert not webhook_receiver.verify("whsec_x", "soon", sig, body)
    assert webhooks.verify("whsec_x", str(ts), f"v1=deadbeef, {sig}", body)  # several signatures (rotation)


def test_keyring_derives_stable_per_merchant_secrets_and_key_file_is_private(tmp_path):
    key = webhooks.load_master_key("", str(tmp_path))
    assert (tmp_path / "keys" / "trade-webhook.key").stat().st_mode & 0o777 == 0o600
    assert webhooks.load_master_key("", str(tmp_path)) == key  # created once
    ring = webhooks.Keyring(key)
    assert ring.secret("m1", 1) == ring.secret("m1", 1) != ring.secret("m2", 1) != ring.secret("m1", 2)
    assert "whsec" not in repr(ring)


def test_backoff_schedule_runs_for_hours_and_repeats_last_step():
    assert [POLICY.delay(n) for n in range(1, 10)] == [10, 30, 120, 600, 1800, 3600, 7200, 14400, 28800]
    assert POLICY.delay(20) == 28800
    assert sum(POLICY.delay(n) for n in range(1, 12)) > 12 * 3600
    assert webhooks.RetryPolicy.parse("0.2, 0.5,1", 3, 60).backoff == (0.2, 0.5, 1.0)
    with pytest.raises(ValueError):
        webhooks.RetryPolicy.parse("", 3, 60)


def test_state_machine_delivered_retry_and_failed():
    d = delivery()
    ok = webhooks.after_attempt(d, 204, "", T0, POLICY)
    assert (ok.state, ok.attempts, ok.delivered_time) == (webhooks.DELIVERED, 1, T0)
    retry = webhooks.after_attempt(d, 500, "", T0, POLICY)
    assert (retry.state, retry.attempts, retry.last_error) == (webhooks.PENDING, 1, "HTTP 500")
    assert retry.next_attempt_time == T0 + dt.timedelta(seconds=10)
    again = webhooks.after_attempt(retry, 0, "timeout", T0, POLICY)
    assert again.next_attempt_time == T0 + dt.timedelta(seconds=30) and again.last_status_code == 0
    last = webhooks.after_attempt(replace(d, attempts=11), 503, "", T0, POLICY)
    assert last.state == webhooks.FAILED and last.attempts == 12 and last.next_attempt_time is None
    old = webhooks.after_attempt(d, 500, "", T0 + dt.timedelta(days=4), POLICY)
    assert old.state == webhooks.FAILED  # max age


def test_body_has_the_contract_fields():
    body = json.loads(delivery().body)
    assert set(body) == {"event_id", "event_type", "order_id", "merchant_id", "state", "amount", "refunded", "payment_id", "create_time"}
    assert body["amount"] == {"currency_code": "EUR", "amount_minor": "1999"} and body["state"] == "PAID"
    assert body["refunded"]["amount_minor"] == "0" and body["event_id"] == "evt_1"


async def test_worker_retries_until_delivered_with_signed_stable_body():
    store, sender, ring = FakeStore(), FakeSender([500, 0, 200]), webhooks.Keyring(b"k" * 32)
    d = delivery()
    store.rows[d.delivery_id] = d
    now = [T0]
    clock = lambda: now[0]  # noqa: E731
    assert await webhooks.send_due(store, sender, ring, POLICY, 30, clock=clock) == 1
    assert await webhooks.send_due(store, sender, ring, POLICY, 30, clock=clock) == 0  # not due yet
    now[0] = T0 + dt.timedelta(seconds=10)
    await webhooks.send_due(store, sender, ring, POLICY, 30, clock=clock)
    now[0] = T0 + dt.timedelta(seconds=40)
    await webhooks.send_due(store, sender, ring, POLICY, 30, clock=clock)
    final = store.rows[d.delivery_id]
    assert (final.state, final.attempts, final.last_status_code) == (webhooks.DELIVERED, 3, 200)
    bodies = {body for _, body, _ in sender.sent}
    assert len(sender.sent) == 3 and bodies == {d.body.encode()}
    for _, body, headers in sender.sent:
        assert webhooks.verify(ring.secret("mch_1", 1), headers["x-paymesh-timestamp"], headers["x-paymesh-signature"], body)


async def test_resend_requeues_even_failed_and_rotation_changes_the_secret():
    store, ring = FakeStore(), webhooks.Keyring(b"k" * 32)
    d = replace(delivery(), state=webhooks.FAILED, attempts=12)
    store.rows[d.delivery_id] = d
    again = await webhooks.resend(store, d.delivery_id, clock=lambda: T0)
    assert again.state == webhooks.PENDING and again.max_attempts == 13
    sender = FakeSender([200])
    secret_v1, _ = await webhooks.merchant_secret(store, ring, "mch_1")
    secret_v2, version = await webhooks.merchant_secret(store, ring, "mch_1", rotate=True)
    assert version == 2 and secret_v1 != secret_v2
    await webhooks.send_due(store, sender, ring, POLICY, 30, clock=lambda: T0)
    _, body, headers = sender.sent[0]
    assert webhooks.verify(secret_v2, headers["x-paymesh-timestamp"], headers["x-paymesh-signature"], body)
    assert store.rows[d.delivery_id].state == webhooks.DELIVERED
    with pytest.raises(NotFound):
        await webhooks.resend(store, "whd_missing")


async def test_list_pages_by_order_and_refuses_foreign_tokens():
    store = FakeStore()
    for i in range(3):
        d = replace(delivery(now=T0 + dt.timedelta(seconds=i)), delivery_id=f"whd_{i}", event_id=f"evt_{i}")
        store.rows[d.delivery_id] = d
    page, token = await webhooks.list_deliveries(store, "ord_1", "", 2, "")
    assert [d.delivery_id for d in page] == ["whd_2", "whd_1"] and token
    rest, end = await webhooks.list_deliveries(store, "ord_1", "", 2, token)
    assert [d.delivery_id for d in rest] == ["whd_0"] and end == ""
    with pytest.raises(InvalidArgument):
        await webhooks.list_deliveries(store, "", "mch_1", 2, token)
    with pytest.raises(InvalidArgument):
        await webhooks.list_deliveries(store, "", "", 2, "")
