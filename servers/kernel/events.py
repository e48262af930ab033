"""Events without dual writes: a service writes an outbox row in the same transaction as its
state change; a relay publishes committed rows to a Redis Stream; consumers in a group
handle each event at least once and record it in processed_events with their own effect,
so a redelivery changes nothing.

Stream key: `<producer app>:stream:<topic>`, trimmed to STREAM_LEN_MAX and given a TTL.
"""
from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

import redis.exceptions
from opentelemetry import trace
from opentelemetry.propagate import extract, inject
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from servers.kernel.cache import AppRedis
from servers.kernel.context import context_scope, current_context_id
from servers.kernel.db import Database
from servers.kernel.ids import new_id

log = logging.getLogger("paymesh.events")
STREAM_LEN_MAX = 100_000
STREAM_TTL_SECONDS = 7 * 24 * 3600
DELIVERIES_MAX = 10
NOTIFY_PREFIX = "paymesh_outbox_"
tracer = trace.get_tracer("paymesh.events")


@dataclass(frozen=True)
class Event:
    event_id: str
    topic: str
    event_type: str
    payload: dict[str, Any]
    context_id: str
    trace_parent: str = ""


def stream_key(producer: str, topic: str) -> str:
    return f"{producer}:stream:{topic}"


def outbox_insert(topic: str, event_type: str, payload: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    """(event id, SQL, params) of the outbox INSERT add_event runs, for a caller that folds
    it into a statement of its own (still in its transaction, still no dual write)."""
    carrier: dict[str, str] = {}
    inject(carrier)
    event_id = new_id("evt")
    return event_id, ("INSERT INTO outbox (event_id, topic, event_type, payload, context_id, trace_parent)"
                      " VALUES (:e, :t, :y, CAST(:p AS JSONB), :c, :tp)"), \
        {"e": event_id, "t": topic, "y": event_type, "p": json.dumps(payload), "c": current_context_id(),
         "tp": carrier.get("traceparent", "")}


async def add_event(conn: AsyncConnection, topic: str, event_type: str, payload: dict[str, Any], notify: bool = True) -> str:
    """Writes an event in the caller's transaction; it is published only if that commits.
    notify=False skips the wake-up: PostgreSQL serializes the commits of notifying
    transactions (one global lock held through the WAL flush, so no group commit); a
    high-rate producer lets its relay poll instead."""
    event_id, sql, params = outbox_insert(topic, event_type, payload)
    await conn.execute(text(sql), params)
    # Delivered by PostgreSQL only at commit: wakes this schema's relays without polling.
    if notify:
        await conn.execute(text("SELECT pg_notify(:ch || current_schema(), '')"), {"ch": NOTIFY_PREFIX})
    return event_id


class OutboxRelay:
    """Publishes committed outbox rows in order. Safe with several replicas (SKIP LOCKED);
    a crash between XADD and marking the row republishes it, which consumers absorb."""

    def __init__(self, db: Database, cache: AppRedis, batch_max: int = 200, poll_seconds: float = 1.0):
        self.db, self.cache, self.batch_max, self.poll_seconds = db, cache, batch_max, poll_seconds
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        listener = await self._listen()
        try:
            while True:
                try:
                    while await self.publish_batch() == self.batch_max:
                        pass
                except Exception:  # keep relaying after a transient Redis/DB failure
                    log.exception("outbox relay failed; retrying")
                try:
                    await asyncio.wait_for(self._wake.wait(), self.poll_seconds)
                except asyncio.TimeoutError:
                    pass
                self._wake.clear()
        finally:
            if listener is not None:
                await listener.close()

    async def _listen(self):
        import asyncpg

        url = self.db.engine.url.set(drivername="postgresql")
        try:
            conn = await asyncpg.connect(url.render_as_string(hide_password=False), server_settings={"search_path": self.db.schema})
            await conn.add_listener(NOTIFY_PREFIX + self.db.schema, lambda *_: self._wake.set())
            return conn
        except Exception:  # polling still works
            log.warning("outbox LISTEN unavailable; polling", exc_info=True)
            return None

    async def publish_batch(self) -> int:
        async with self.db.transaction() as conn:
            rows = (await conn.execute(text(
                "SELECT seq, event_id, topic, event_type, payload, context_id, trace_parent FROM outbox"
                " WHERE publish_time IS NULL ORDER BY seq LIMIT :n FOR UPDATE SKIP LOCKED"), {"n": self.batch_max})).all()
            if not rows:
                return 0
            pipe = self.cache.client.pipeline(transaction=False)
            for row in rows:
                key = stream_key(self.cache.app, row.topic)
                pipe.xadd(key, {"event_id": row.event_id, "event_type": row.event_type, "payload": json.dumps(row.payload),
                                "context_id": row.context_id, "trace_parent": row.trace_parent},
                          maxlen=STREAM_LEN_MAX, approximate=True)
                pipe.expire(key, STREAM_TTL_SECONDS)
            await pipe.execute()
            await conn.execute(text("UPDATE outbox SET publish_time = now() WHERE seq = ANY(:s)"), {"s": [r.seq for r in rows]})
            return len(rows)


# A handler applies the event's effect in the given transaction; it may return an async callable
# to run after that transaction commits (e.g. calls to other services that read the effect).
Handler = Callable[[AsyncConnection, Event], Awaitable[Callable[[], Awaitable[None]] | None]]


class Consumer:
    """One consumer group member. The handler runs in a transaction together with the
    processed_events insert, under the event's context id and trace."""

    def __init__(self, db: Database, cache: AppRedis, producer: str, topic: str, group: str, handler: Handler,
                 consumer_name: str | None = None, block_ms: int = 1000, batch_max: int = 50, idle_reclaim_ms: int = 30_000):
        self.db, self.cache, self.group, self.handler = db, cache, group, handler
        self.key = stream_key(producer, topic)
        self.name = consumer_name or new_id("con")
        self.block_ms, self.batch_max, self.idle_reclaim_ms = block_ms, batch_max, idle_reclaim_ms

    async def ensure_group(self) -> None:
        try:
            await self.cache.client.xgroup_create(self.key, self.group, id="0", mkstream=True)
            await self.cache.client.expire(self.key, STREAM_TTL_SECONDS)
        except redis.exceptions.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    async def run(self) -> None:
        await self.ensure_group()
        rounds = 0
        while True:
            try:
                if rounds % 30 == 0:
                    await self.reclaim()
                rounds += 1
                batches = await self.cache.client.xreadgroup(self.group, self.name, {self.key: ">"},
                                                              count=self.batch_max, block=self.block_ms)
                for _key, messages in batches or []:
                    for message_id, fields in messages:
                        await self.handle(message_id, fields)
            except asyncio.CancelledError:
                raise
            except redis.exceptions.ResponseError as exc:
                if "NOGROUP" in str(exc):  # stream expired or was trimmed away
                    await self.ensure_group()
                    continue
                log.exception("consumer failed; retrying")
                await asyncio.sleep(1)
            except Exception:
                log.exception("consumer failed; retrying")
                await asyncio.sleep(1)

    async def reclaim(self) -> None:
        """Takes over messages another member left pending (it crashed), and parks poison ones."""
        _next, messages, *_ = await self.cache.client.xautoclaim(self.key, self.group, self.name, self.idle_reclaim_ms,
                                                                  start_id="0-0", count=self.batch_max)
        for message_id, fields in messages:
            if not fields:
                continue
            pending = await self.cache.client.xpending_range(self.key, self.group, min=message_id, max=message_id, count=1)
            if pending and pending[0]["times_delivered"] > DELIVERIES_MAX:
                await self.cache.client.xadd(f"{self.key}:dead", fields, maxlen=STREAM_LEN_MAX, approximate=True)
                await self.cache.client.expire(f"{self.key}:dead", STREAM_TTL_SECONDS)
                await self.cache.client.xack(self.key, self.group, message_id)
                log.error("event parked after too many deliveries", extra={"message_id": str(message_id)})
                continue
            await self.handle(message_id, fields)

    async def handle(self, message_id, fields: dict) -> None:
        f = {(k.decode() if isinstance(k, bytes) else k): (v.decode() if isinstance(v, bytes) else v) for k, v in fields.items()}
        event = Event(f["event_id"], self.key.rsplit(":", 1)[-1], f["event_type"], json.loads(f["payload"]),
                      f.get("context_id", ""), f.get("trace_parent", ""))
        parent = extract({"traceparent": event.trace_parent}) if event.trace_parent else None
        with context_scope(event.context_id), tracer.start_as_current_span(
                f"consume {event.topic} {event.event_type}", context=parent, kind=trace.SpanKind.CONSUMER,
                attributes={"paymesh.context_id": event.context_id, "messaging.message.id": event.event_id}):
            try:
                after_commit = await self.db.run_in_transaction(lambda conn: self._apply(conn, event))
                if after_commit is not None:  # work the handler asked to run once its effect is committed
                    await after_commit()
            except Exception:
                log.exception("event handler failed; will be redelivered", extra={"event_id": event.event_id})
                return
        await self.cache.client.xack(self.key, self.group, message_id)

    async def _apply(self, conn: AsyncConnection, event: Event):
        first = await conn.execute(
            text("INSERT INTO processed_events (consumer, event_id, context_id) VALUES (:g, :e, :c)"
                 " ON CONFLICT DO NOTHING RETURNING event_id"), {"g": self.group, "e": event.event_id, "c": event.context_id})
        if first.first() is None:
            return None  # already applied: at-least-once delivery, exactly-once effect
        return await self.handler(conn, event)
