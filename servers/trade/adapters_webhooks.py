"""Webhook adapters: the delivery log in PostgreSQL (enqueue in the caller's transaction,
leasing with FOR UPDATE SKIP LOCKED) and an httpx sender with a per-request timeout."""
from __future__ import annotations

import datetime as dt

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from servers.kernel.db import Database
from servers.trade.domain import Order
from servers.trade.webhooks import Delivery, new_delivery

_COLS = ("d.delivery_id, d.event_id, d.event_type, d.order_id, d.merchant_id, d.url, d.body, d.state, d.attempts, d.max_attempts,"
         " d.last_status_code, d.last_error, d.next_attempt_time, d.queued_time, d.delivered_time, d.create_time, d.update_time")


def _delivery(r, version: int = 1) -> Delivery:
    return Delivery(r.delivery_id, r.event_id, r.event_type, r.order_id, r.merchant_id, r.url, r.body, r.state, r.attempts,
                    r.max_attempts, r.last_status_code, r.last_error, r.next_attempt_time, r.queued_time, r.delivered_time,
                    r.create_time, r.update_time, version)


async def enqueue(conn: AsyncConnection, event_id: str, event_type: str, order: Order, max_attempts: int) -> None:
    """Writes the delivery in the transaction of the order change and its outbox event."""
    now = (await conn.execute(text("SELECT now()"))).scalar_one()
    d = new_delivery(event_id, event_type, order, max_attempts, now)
    await conn.execute(text(
        "INSERT INTO webhook_deliveries (delivery_id, event_id, event_type, order_id, merchant_id, url, body, state, max_attempts,"
        " next_attempt_time, queued_time) VALUES (:id, :e, :t, :o, :m, :u, :b, 'PENDING', :max, :now, :now)"
        " ON CONFLICT (event_id) DO NOTHING"),
        {"id": d.delivery_id, "e": event_id, "t": event_type, "o": order.order_id, "m": order.merchant_id, "u": order.notify_url,
         "b": d.body, "max": max_attempts, "now": now})


class SqlWebhookStore:
    def __init__(self, db: Database):
        self.db = db

    async def lease_due(self, now: dt.datetime, limit: int, lease_seconds: float) -> list[Delivery]:
        async def work(conn: AsyncConnection) -> list[Delivery]:
            rows = (await conn.execute(text(
                f"SELECT {_COLS}, COALESCE(s.version, 1) AS version FROM webhook_deliveries d"
                " LEFT JOIN webhook_secrets s ON s.merchant_id = d.merchant_id"
                " WHERE d.state = 'PENDING' AND d.next_attempt_time <= :now ORDER BY d.next_attempt_time LIMIT :n"
                " FOR UPDATE OF d SKIP LOCKED"), {"now": now, "n": limit})).all()
            if rows:
                await conn.execute(text(
                    "UPDATE webhook_deliveries SET next_attempt_time = :lease WHERE delivery_id = ANY(:ids)"),
                    {"lease": now + dt.timedelta(seconds=lease_seconds), "ids": [r.delivery_id for r in rows]})
            return [_delivery(r, r.version) for r in rows]
        return await self.db.run_in_transaction(work)

    async def record(self, before: Delivery, after: Delivery) -> bool:
        async def work(conn: AsyncConnection) -> bool:
            row = (await conn.execute(text(
                "UPDATE webhook_deliveries SET state = :st, attempts = :a, last_status_code = :sc, last_error = :err,"
                " next_attempt_time = COALESCE(:next, next_attempt_time), delivered_time = COALESCE(:dt, delivered_time),"
                " update_time = now() WHERE delivery_id = :id AND attempts = :prev RETURNING delivery_id"),
                {"st": after.state, "a": after.attempts, "sc": after.last_status_code, "err": after.last_error[:500],
                 "next": after.next_attempt_time, "dt": after.delivered_time, "id": before.delivery_id,
                 "prev": before.attempts})).first()
            return row is not None
        return await self.db.run_in_transaction(work)

    async def list(self, order_id: str, merchant_id: str, after: tuple[dt.datetime, str] | None, limit: int) -> list[Delivery]:
        where, params = [], {"n": limit}  # type: ignore[var-annotated]
        if order_id:
            where.append("d.order_id = :o")
            params["o"] = order_id
        if merchant_id:
            where.append("d.merchant_id = :m")
            params["m"] = merchant_id
        if after is not None:
            where.append("(d.create_time, d.delivery_id) < (:at, :aid)")
            params["at"], params["aid"] = after
        async def work(conn: AsyncConnection) -> list[Delivery]:
            rows = await conn.execute(text(
                f"SELECT {_COLS} FROM webhook_deliveries d WHERE {' AND '.join(where)}"
                " ORDER BY d.create_time DESC, d.delivery_id DESC LIMIT :n"), params)
            return [_delivery(r) for r in rows]
        return await self.db.run_in_transaction(work)

    async def requeue(self, delivery_id: str, now: dt.datetime) -> Delivery | None:
        async def work(conn: AsyncConnection) -> Delivery | None:
            row = (await conn.execute(text(
                "UPDATE webhook_deliveries d SET state = 'PENDING', next_attempt_time = :now, queued_time = :now,"
                " max_attempts = GREATEST(max_attempts, attempts + 1), update_time = now()"
                f" WHERE delivery_id = :id RETURNING {_COLS}"), {"id": delivery_id, "now": now})).first()
            return _delivery(row) if row else None
        return await self.db.run_in_transaction(work)

    async def secret_version(self, merchant_id: str, rotate: bool = False) -> int:
        async def work(conn: AsyncConnection) -> int:
            await conn.execute(text("INSERT INTO webhook_secrets (merchant_id) VALUES (:m) ON CONFLICT DO NOTHING"), {"m": merchant_id})
            if rotate:
                sql = "UPDATE webhook_secrets SET version = version + 1, rotate_time = now() WHERE merchant_id = :m RETURNING version"
            else:
                sql = "SELECT version FROM webhook_secrets WHERE merchant_id = :m"
            return int((await conn.execute(text(sql), {"m": merchant_id})).scalar_one())
        return await self.db.run_in_transaction(work)


class HttpxSender:
    """POSTs with a timeout; never follows redirects; error strings carry no secrets."""

    def __init__(self, timeout_seconds: float):
        self.client = httpx.AsyncClient(timeout=timeout_seconds, follow_redirects=False,
                                        headers={"user-agent": "paymesh-webhooks/1"})

    async def post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        try:
            reply = await self.client.post(url, content=body, headers=headers)
        except httpx.TimeoutException:
            return 0, "timeout"
        except httpx.HTTPError as exc:
            return 0, f"{type(exc).__name__}: {str(exc)[:200]}"
        return reply.status_code, "" if reply.is_success else f"HTTP {reply.status_code}"

    async def close(self) -> None:
        await self.client.aclose()
