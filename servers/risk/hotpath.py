"""Assess's PostgreSQL work in two statements on the driver connection, outside an explicit
transaction (each statement is atomic on its own, so no BEGIN/COMMIT round trips):

1. `facts`: first-seen times (inserted if new), both ratings and every list lookup, one read;
2. `record`: claims the kernel idempotency key with the response, and inserts the decision and
   its challenge or ticket, one statement; nothing is written when the key was already claimed
   (a concurrent duplicate waits on the key's row lock, then sees the first one's response).
"""
from __future__ import annotations

import contextlib
import datetime as dt
from typing import AsyncIterator

import asyncpg

from paymesh.risk.v1 import risk_service_pb2 as api
from servers.kernel.db import Database
from servers.kernel.errors import AlreadyExists

METHOD = "risk.Assess"  # the kernel idempotency method name, as run_once used it

_CLAIM = ("WITH claim AS (INSERT INTO idempotency_keys (method, request_id, request_hash, response, context_id)"
          f" VALUES ('{METHOD}', $1::text, $2::bytea, $3::bytea, $4::text) ON CONFLICT DO NOTHING RETURNING request_id),"
          " dec AS (INSERT INTO decisions (decision_id, request_id, order_id, member_id, merchant_id, decision, score, rule_ids, body,"
          " currency_code, amount_minor) SELECT $5::text, request_id, $6::text, $7::text, $8::text, $9::smallint, $10::int, $11::text[],"
          " $12::bytea, $13::text, $14::bigint FROM claim RETURNING decision_id)")
_CHALLENGE = (", chl AS (INSERT INTO challenges (challenge_id, decision_id, allowed_types, state, attempts_remaining, expire_time)"
              " SELECT $15::text, decision_id, $16::smallint[], $17::smallint, $18::int, $19::timestamptz FROM dec)")
_TICKET = (", tkt AS (INSERT INTO tickets (ticket_id, decision_id, order_id, member_id, merchant_id, currency_code, amount_minor,"
           " verification, state, issue_time, expire_time) SELECT $15::text, decision_id, $6, $7, $8, $13, $14, $16::smallint,"
           " $17::smallint, $18::timestamptz, $19::timestamptz FROM dec)")
_DONE = " SELECT count(*) FROM dec"
_STORED = f"SELECT request_hash, response FROM idempotency_keys WHERE method = '{METHOD}' AND request_id = $1"
_SEEN = "SELECT first_seen FROM subjects_seen WHERE kind = $1 AND value = $2"


def _utc(ts) -> dt.datetime:
    return ts.ToDatetime(dt.timezone.utc)


class AssessStore:
    def __init__(self, db: Database):
        self.db = db

    @contextlib.asynccontextmanager
    async def _conn(self) -> AsyncIterator:
        async with self.db.engine.connect() as conn:  # pooled; no SQLAlchemy statement runs, so no BEGIN
            raw = await conn.get_raw_connection()
            try:
                yield raw.driver_connection
            except BaseException as exc:
                if not isinstance(exc, asyncpg.PostgresError):  # cancelled or broken mid-statement: never reuse it
                    await conn.invalidate()
                raise

    async def facts(self, seen: list[tuple[str, str]], ratings: list[tuple[int, str]], lists: list[tuple[str, str, bool]],
                    now: dt.datetime) -> tuple[dict[str, dt.datetime], dict[int, int], dict[str, int]]:
        """(kind → first seen) for `seen` (kind, value) pairs, recorded now if new; (subject type → level) of the
        rated `ratings`; (list_id → type) of the (list_id, value, value is an IP) lookups listed and not expired."""
        args: list = []

        def arg(value) -> str:
            args.append(value)
            return f"${len(args)}"
        head, parts = "", []
        if seen:
            head = (f"WITH want AS (SELECT * FROM unnest({arg([k for k, _ in seen])}::text[], {arg([v for _, v in seen])}::text[])"
                    " AS w(kind, value)), ins AS (INSERT INTO subjects_seen (kind, value) SELECT kind, value FROM want"
                    " ON CONFLICT DO NOTHING RETURNING kind, first_seen) ")
            parts += ["SELECT 's'::text AS what, kind AS k, first_seen AS t, 0 AS n FROM ins",
                      "SELECT 's', s.kind, s.first_seen, 0 FROM subjects_seen s JOIN want w ON s.kind = w.kind AND s.value = w.value"]
        if ratings:
            parts.append(f"SELECT 'r', r.subject_type::text, NULL::timestamptz, r.level::int FROM ratings r JOIN unnest("
                         f"{arg([t for t, _ in ratings])}::smallint[], {arg([s for _, s in ratings])}::text[]) AS x(t, s)"
                         " ON r.subject_type = x.t AND r.subject_id = x.s")
        if lists:
            at = arg(now)
            for list_id, value, is_ip in lists:
                lid, v = arg(list_id), arg(value)
                match = f"(e.value = {v}::text OR (strpos(e.value, '/') > 0 AND CAST({v}::text AS inet) <<= CAST(e.value AS cidr)))" \
                    if is_ip else f"e.value = {v}::text"
                parts.append(f"(SELECT 'l', l.list_id, NULL::timestamptz, l.type::int FROM list_entries e JOIN lists l USING (list_id)"
                             f" WHERE e.list_id = {lid}::text AND {match} AND (e.expire_time IS NULL OR e.expire_time > {at}::timestamptz)"
                             " LIMIT 1)")
        first: dict[str, dt.datetime] = {}
        levels: dict[int, int] = {}
        hits: dict[str, int] = {}
        if not parts:
            return first, levels, hits
        async with self._conn() as conn:
            for row in await conn.fetch(head + " UNION ALL ".join(parts), *args):
                what, key = row[0], row[1]
                if what == "s":
                    first[key] = row[2]
                elif what == "r":
                    levels[int(key)] = row[3]
                else:
                    hits[key] = row[3]
            for kind, value in seen:  # inserted by a concurrent first payment after this statement's snapshot
                if kind not in first:
                    first[kind] = await conn.fetchval(_SEEN, kind, value)
        return first, levels, hits

    async def record(self, request_id: str, digest: bytes, reply: api.AssessResponse, context_id: str) -> api.AssessResponse | None:
        """Stores the decision with the idempotency key in one statement. None when stored; the first response
        when the request id was already used by this same request (REQUEST_ID_REUSED when by another)."""
        d, p = reply.decision, reply.decision.payment
        args = [request_id, digest, reply.SerializeToString(), context_id, d.decision_id, p.order_id, p.member_id, p.merchant_id,
                d.decision, d.score, [m.rule_id for m in d.matched_rules], d.SerializeToString(), p.amount.currency_code,
                p.amount.amount_minor]
        sql = _CLAIM
        if d.challenge.challenge_id:
            c = d.challenge
            sql += _CHALLENGE
            args += [c.challenge_id, list(c.allowed_types), c.state, c.attempts_remaining, _utc(c.expire_time)]
        elif reply.risk_ticket.ticket:
            t = reply.risk_ticket
            sql += _TICKET
            args += [t.ticket.split(".")[1], t.verification, t.state, _utc(t.issue_time), _utc(t.expire_time)]
        async with self._conn() as conn:
            if await conn.fetchval(sql + _DONE, *args):
                return None
            row = await conn.fetchrow(_STORED, request_id)
        if bytes(row["request_hash"]) != digest:
            raise AlreadyExists("REQUEST_ID_REUSED", f"request_id {request_id!r} was already used with a different request",
                                {"request_id": request_id})
        return api.AssessResponse.FromString(bytes(row["response"]))

