"""Channel storage on PostgreSQL (schema `channel`): the repository of the async front, its
unit of work, and the catalog (configuration + today's quota use) refreshed in the background
so routing never touches the database."""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from typing import Any, Awaitable, Callable, TypeVar

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from paymesh.channel.v1 import channel_pb2 as pb
from servers.channel import convert
from servers.channel.domain import (Channel, CodeMapping, InstOrder, OrderType, RequiredAction, Result, RoutingRule, State)
from servers.kernel import events
from servers.kernel.db import Database
from servers.kernel.money import Money

T = TypeVar("T")
log = logging.getLogger("paymesh.channel.adapters")
TOPIC = "channel"
_COLS = ("inst_order_id, instruction_id, attempt, type, state, channel_id, order_id, payment_id, refund_id, merchant_id, member_id,"
         " method, verification_method, currency_code, amount_minor, settled_amount_minor, fee_minor, original_inst_order_id,"
         " channel_reference, channel_result_code, channel_result_message, result_code, retryable, required_action, routing_rule_id,"
         " superseded_by, quota_reserved_date, query_count, next_query_time, context_id, version, create_time, send_time,"
         " finish_time, update_time")


def order_from_row(r) -> InstOrder:
    cur = r.currency_code
    action = None
    if r.required_action:
        a = r.required_action
        expire = dt.datetime.fromisoformat(a["expire_time"]) if a.get("expire_time") else None
        action = RequiredAction(a.get("redirect_url", ""), a.get("http_method", "GET"), a.get("form_fields", {}), expire)
    return InstOrder(
        r.inst_order_id, r.instruction_id, r.attempt, OrderType(r.type), State(r.state), r.channel_id, Money(cur, r.amount_minor),
        r.method, r.verification_method, r.order_id, r.payment_id, r.refund_id, r.merchant_id, r.member_id, Money(cur, r.fee_minor),
        Money(cur, r.settled_amount_minor) if r.settled_amount_minor is not None else None, r.original_inst_order_id,
        r.channel_reference, r.channel_result_code, r.channel_result_message, Result(r.result_code), r.retryable, action,
        r.routing_rule_id, r.superseded_by, r.quota_reserved_date, r.query_count, r.next_query_time, r.context_id, r.version,
        r.create_time, r.send_time, r.finish_time, r.update_time)


def _column_value(name: str, value: Any) -> tuple[str, Any]:
    if name == "settled_amount":
        return "settled_amount_minor", value.amount_minor if value is not None else None
    if name == "result":
        return "result_code", int(value)
    if name == "required_action":
        return name, json.dumps({"redirect_url": value.redirect_url, "http_method": value.http_method,
                                 "form_fields": value.form_fields,
                                 "expire_time": value.expire_time.isoformat() if value.expire_time else None}) if value is not None else None
    if name == "state":
        return name, int(value)
    return name, value


class SqlRepository:
    def __init__(self, conn: AsyncConnection):
        self.conn = conn

    async def _rows(self, sql: str, **params):
        return (await self.conn.execute(text(sql), params)).all()

    async def insert_instruction(self, instruction_id, request_hash, order_type, request, max_attempts) -> bool:
        rows = await self._rows("INSERT INTO instructions (instruction_id, request_hash, type, request, max_attempts)"
                                " VALUES (:i, :h, :t, CAST(:r AS JSONB), :m) ON CONFLICT DO NOTHING RETURNING instruction_id",
                                i=instruction_id, h=request_hash, t=order_type, r=json.dumps(request), m=max_attempts)
        return bool(rows)

    async def get_instruction(self, instruction_id):
        rows = await self._rows("SELECT request_hash, request, max_attempts FROM instructions WHERE instruction_id = :i", i=instruction_id)
        return (bytes(rows[0].request_hash), rows[0].request, rows[0].max_attempts) if rows else None

    async def insert_order(self, o: InstOrder) -> None:
        await self.conn.execute(text(
            "INSERT INTO inst_orders (inst_order_id, instruction_id, attempt, type, state, channel_id, order_id, payment_id, refund_id,"
            " merchant_id, member_id, method, verification_method, currency_code, amount_minor, fee_minor, original_inst_order_id,"
            " result_code, routing_rule_id, context_id) VALUES (:id, :ins, :att, :t, :s, :ch, :o, :p, :rf, :m, :mem, :meth, :v, :c, :a,"
            " :f, :orig, :rc, :rule, :ctx)"),
            {"id": o.inst_order_id, "ins": o.instruction_id, "att": o.attempt, "t": int(o.type), "s": int(o.state), "ch": o.channel_id,
             "o": o.order_id, "p": o.payment_id, "rf": o.refund_id, "m": o.merchant_id, "mem": o.member_id, "meth": o.method,
             "v": o.verification_method, "c": o.amount.currency_code, "a": o.amount.amount_minor,
             "f": o.fee.amount_minor if o.fee else 0, "orig": o.original_inst_order_id, "rc": int(o.result), "rule": o.routing_rule_id,
             "ctx": o.context_id})

    async def get_order(self, inst_order_id, for_update=False):
        rows = await self._rows(f"SELECT {_COLS} FROM inst_orders WHERE inst_order_id = :i{' FOR UPDATE' if for_update else ''}",
                                i=inst_order_id)
        return order_from_row(rows[0]) if rows else None

    async def first_order(self, instruction_id):
        rows = await self._rows(f"SELECT {_COLS} FROM inst_orders WHERE instruction_id = :i AND attempt = 1", i=instruction_id)
        return order_from_row(rows[0]) if rows else None

    async def orders_of(self, instruction_id):
        rows = await self._rows(f"SELECT {_COLS} FROM inst_orders WHERE instruction_id = :i ORDER BY attempt", i=instruction_id)
        return [order_from_row(r) for r in rows]

    async def cas(self, order: InstOrder, **changes: Any):
        sets = ["version = version + 1", "update_time = now()"]
        params: dict[str, Any] = {"id": order.inst_order_id, "st": int(order.state), "ver": order.version}
        for name, value in changes.items():
            column, value = _column_value(name, value)
            cast = "CAST(:{0} AS JSONB)" if column == "required_action" else ":{0}"
            sets.append(f"{column} = {cast.format('v_' + column)}")
            params["v_" + column] = value
        rows = await self._rows(f"UPDATE inst_orders SET {', '.join(sets)} WHERE inst_order_id = :id AND state = :st AND version = :ver"
                                f" RETURNING {_COLS}", **params)
        return order_from_row(rows[0]) if rows else None

    async def claim_init(self, limit):
        rows = await self._rows(f"SELECT {_COLS} FROM inst_orders WHERE state = 1 ORDER BY create_time LIMIT :n FOR UPDATE SKIP LOCKED",
                                n=limit)
        return [order_from_row(r) for r in rows]

    async def claim_due(self, now, lease_seconds, limit):
        rows = await self._rows(
            f"UPDATE inst_orders SET next_query_time = :lease WHERE inst_order_id IN (SELECT inst_order_id FROM inst_orders"
            f" WHERE next_query_time <= :now AND state IN (2, 3, 4, 7) ORDER BY next_query_time LIMIT :n FOR UPDATE SKIP LOCKED)"
            f" RETURNING {_COLS}", now=now, lease=now + dt.timedelta(seconds=lease_seconds), n=limit)
        return [order_from_row(r) for r in rows]

    async def reserve_quota(self, channel_id, currency, day, amount_minor, quota_minor) -> bool:
        if amount_minor > quota_minor:
            return False
        rows = await self._rows(
            "INSERT INTO channel_quota_usage AS u (channel_id, currency_code, usage_date, used_minor) VALUES (:ch, :c, :d, :a)"
            " ON CONFLICT (channel_id, currency_code, usage_date) DO UPDATE SET used_minor = u.used_minor + :a"
            " WHERE u.used_minor + :a <= :q RETURNING used_minor", ch=channel_id, c=currency, d=day, a=amount_minor, q=quota_minor)
        return bool(rows)

    async def release_quota(self, channel_id, currency, day, amount_minor) -> None:
        await self.conn.execute(text("UPDATE channel_quota_usage SET used_minor = GREATEST(0, used_minor - :a)"
                                     " WHERE channel_id = :ch AND currency_code = :c AND usage_date = :d"),
                                {"a": amount_minor, "ch": channel_id, "c": currency, "d": day})

    async def record_notification(self, channel_id, notification_id, inst_order_id, result) -> bool:
        rows = await self._rows("INSERT INTO channel_notifications (channel_id, notification_id, inst_order_id, result)"
                                " VALUES (:ch, :n, :o, :r) ON CONFLICT DO NOTHING RETURNING notification_id",
                                ch=channel_id, n=notification_id, o=inst_order_id, r=result)
        return bool(rows)

    async def set_notification_result(self, channel_id, notification_id, result) -> None:
        await self.conn.execute(text("UPDATE channel_notifications SET result = :r WHERE channel_id = :ch AND notification_id = :n"),
                                {"r": result, "ch": channel_id, "n": notification_id})

    async def refunded_minor(self, original_inst_order_id) -> int:
        rows = await self._rows("SELECT COALESCE(SUM(amount_minor), 0) AS s FROM inst_orders WHERE original_inst_order_id = :o"
                                " AND type = 2 AND state <> 6", o=original_inst_order_id)
        return int(rows[0].s)

    async def add_event(self, order: InstOrder, previous: State, cause: str) -> None:
        event = pb.InstOrderEvent(inst_order=convert.inst_order_pb(order), previous_state=int(previous), cause=cause,
                                  event_time=convert.ts(dt.datetime.now(dt.timezone.utc)))
        await events.add_event(self.conn, TOPIC, f"inst_order.{order.state.name.lower()}", convert.to_json(event))


class SqlUnitOfWork:
    def __init__(self, db: Database):
        self.db = db

    async def __call__(self, work: Callable[[SqlRepository], Awaitable[T]]) -> T:
        return await self.db.run_in_transaction(lambda conn: work(SqlRepository(conn)))


class SqlCatalog:
    """Channels, active rules, code mappings and today's quota use, held in memory for routing.
    Reloaded every refresh_seconds and at once after a local admin change; other replicas
    see a change within refresh_seconds. The quota reservation at dispatch is the real check."""

    def __init__(self, db: Database, refresh_seconds: float = 0.5):
        self.db, self.refresh_seconds = db, refresh_seconds
        self.channels: dict[str, Channel] = {}
        self.rules: list[RoutingRule] = []
        self.mappings: dict[tuple[str, str], CodeMapping] = {}
        self.used: dict[tuple[str, str], int] = {}

    async def refresh(self) -> None:
        async with self.db.transaction() as conn:
            chans = (await conn.execute(text("SELECT channel_id, state, spec, version FROM channels"))).all()
            rules = (await conn.execute(text("SELECT rule_id, state, spec, version FROM routing_rules"))).all()
            maps = (await conn.execute(text("SELECT channel_id, channel_code, result_code, retryable FROM error_code_mappings"))).all()
            used = (await conn.execute(text("SELECT channel_id, currency_code, used_minor FROM channel_quota_usage"
                                            " WHERE usage_date = (now() AT TIME ZONE 'UTC')::date"))).all()
        self.channels = {r.channel_id: convert.channel_from_spec(r.channel_id, r.state, convert.from_json(r.spec, pb.ChannelSpec), r.version)
                         for r in chans}
        self.rules = [convert.rule_from_spec(r.rule_id, r.state, convert.from_json(r.spec, pb.RoutingRuleSpec), r.version) for r in rules]
        self.mappings = {(r.channel_id, r.channel_code): CodeMapping(Result(r.result_code), r.retryable) for r in maps}
        self.used = {(r.channel_id, r.currency_code.strip()): int(r.used_minor) for r in used}

    async def run(self) -> None:
        while True:
            await asyncio.sleep(self.refresh_seconds)
            try:
                await self.refresh()
            except Exception:
                log.exception("catalog refresh failed; keeping the last one")
