"""Assess's PostgreSQL work, on the driver connection outside an explicit transaction (each
statement is atomic on its own, so no BEGIN/COMMIT round trips):

1. `facts`: first-seen times (inserted if new), ratings and list lookups, one read — only for
   list rules in scope and for facts the Redis cache misses (see handlers._facts);
2. `record`: claims the kernel idempotency key with the response, and inserts the decision and
   its challenge or ticket, one statement; nothing is written when the key was already claimed
   (a concurrent duplicate waits on the key's row lock, then sees the first one's response).
   `DecisionWriter` group-commits the records of concurrent Assess calls (see its docstring).
"""
from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections import deque
from dataclasses import dataclass, field
from typing import AsyncIterator

import asyncpg

from paymesh.risk.v1 import risk_service_pb2 as api
from servers.kernel.db import Database
from servers.kernel.errors import AlreadyExists, Unavailable

log = logging.getLogger("paymesh.risk.hotpath")

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
_STORED_MANY = f"SELECT request_id, request_hash, response FROM idempotency_keys WHERE method = '{METHOD}' AND request_id = ANY($1::text[])"
# The same statement for a group of records: one row of arrays per column (per-row arrays as comma-joined text).
_GROUP = (
    "WITH i AS (SELECT * FROM unnest($1::text[], $2::bytea[], $3::bytea[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[],"
    " $9::smallint[], $10::int[], $11::text[], $12::bytea[], $13::text[], $14::bigint[], $15::smallint[], $16::text[], $17::text[],"
    " $18::smallint[], $19::int[], $20::smallint[], $21::timestamptz[], $22::timestamptz[]) AS i(rid, digest, resp, ctx, did, oid, mid,"
    " mch, dec, score, rules, body, cur, amt, kind, xid, types, state, attempts, verif, issued, expires)),"
    f" claim AS (INSERT INTO idempotency_keys (method, request_id, request_hash, response, context_id) SELECT '{METHOD}', rid, digest,"
    " resp, ctx FROM i ON CONFLICT DO NOTHING RETURNING request_id),"
    " dec AS (INSERT INTO decisions (decision_id, request_id, order_id, member_id, merchant_id, decision, score, rule_ids, body,"
    " currency_code, amount_minor) SELECT did, rid, oid, mid, mch, dec, score, string_to_array(rules, ','), body, cur, amt"
    " FROM i JOIN claim ON claim.request_id = i.rid RETURNING decision_id),"
    " chl AS (INSERT INTO challenges (challenge_id, decision_id, allowed_types, state, attempts_remaining, expire_time)"
    " SELECT xid, did, string_to_array(types, ',')::smallint[], state, attempts, expires FROM i JOIN dec ON dec.decision_id = i.did"
    " WHERE kind = 1),"
    " tkt AS (INSERT INTO tickets (ticket_id, decision_id, order_id, member_id, merchant_id, currency_code, amount_minor, verification,"
    " state, issue_time, expire_time) SELECT xid, did, oid, mid, mch, cur, amt, verif, state, issued, expires"
    " FROM i JOIN dec ON dec.decision_id = i.did WHERE kind = 2)"
    " SELECT request_id FROM claim")
_SEEN = "SELECT first_seen FROM subjects_seen WHERE kind = $1 AND value = $2"


def _utc(ts) -> dt.datetime:
    return ts.ToDatetime(dt.timezone.utc)


class AssessStore:
    """`records`: a pool whose sessions commit asynchronously (see Settings.decision_commit) for the Assess
    records; None: they share the service's durable pool."""

    def __init__(self, db: Database, records=None):
        self.db, self.records = db, records

    @contextlib.asynccontextmanager
    async def _record_conn(self) -> AsyncIterator:
        if self.records is None:
            async with self._conn() as conn:
                yield conn
        else:
            async with self.records.acquire() as conn:
                yield conn

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
                    now: dt.datetime) -> tuple[dict[str, dt.datetime], dict[int, tuple[int, dt.datetime]], dict[str, int]]:
        """(kind → first seen) for `seen` (kind, value) pairs, recorded now if new; (subject type → (level, update
        time)) of the rated `ratings`; (list_id → type) of the (list_id, value, value is an IP) lookups listed and not expired."""
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
            parts.append(f"SELECT 'r', r.subject_type::text, r.update_time, r.level::int FROM ratings r JOIN unnest("
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
        levels: dict[int, tuple[int, dt.datetime]] = {}
        hits: dict[str, int] = {}
        if not parts:
            return first, levels, hits
        async with self._conn() as conn:
            for row in await conn.fetch(head + " UNION ALL ".join(parts), *args):
                what, key = row[0], row[1]
                if what == "s":
                    first[key] = row[2]
                elif what == "r":
                    levels[int(key)] = (row[3], row[2])
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
        async with self._record_conn() as conn:
            if await conn.fetchval(sql + _DONE, *args):
                return None
            row = await conn.fetchrow(_STORED, request_id)
        return _replay(request_id, digest, row)

    async def record_group(self, group: list[Record]) -> list[api.AssessResponse | None | AlreadyExists]:
        """`record` for several records (distinct request ids) in one statement: one commit for all of them."""
        cols: list[list] = [[] for _ in range(22)]
        for r in group:
            d, p = r.reply.decision, r.reply.decision.payment
            row = [r.request_id, r.digest, r.reply.SerializeToString(), r.context_id, d.decision_id, p.order_id, p.member_id,
                   p.merchant_id, d.decision, d.score, ",".join(m.rule_id for m in d.matched_rules), d.SerializeToString(),
                   p.amount.currency_code, p.amount.amount_minor]
            if d.challenge.challenge_id:
                c = d.challenge
                row += [1, c.challenge_id, ",".join(str(t) for t in c.allowed_types), c.state, c.attempts_remaining, 0, None,
                        _utc(c.expire_time)]
            elif r.reply.risk_ticket.ticket:
                t = r.reply.risk_ticket
                row += [2, t.ticket.split(".")[1], "", t.state, 0, t.verification, _utc(t.issue_time), _utc(t.expire_time)]
            else:
                row += [0, "", "", 0, 0, 0, None, None]
            for col, value in zip(cols, row):
                col.append(value)
        async with self._record_conn() as conn:
            claimed = {row[0] for row in await conn.fetch(_GROUP, *cols)}
            others = [r.request_id for r in group if r.request_id not in claimed]
            stored = {row[0]: row for row in await conn.fetch(_STORED_MANY, others)} if others else {}
        out: list = []
        for r in group:
            try:
                out.append(None if r.request_id in claimed else _replay(r.request_id, r.digest, stored[r.request_id]))
            except AlreadyExists as exc:
                out.append(exc)
        return out


def _replay(request_id: str, digest: bytes, row) -> api.AssessResponse:
    """The stored response of an already claimed request id, if it was claimed by this same request."""
    if bytes(row["request_hash"]) != digest:
        raise AlreadyExists("REQUEST_ID_REUSED", f"request_id {request_id!r} was already used with a different request",
                            {"request_id": request_id})
    return api.AssessResponse.FromString(bytes(row["response"]))


@dataclass
class Record:
    request_id: str
    digest: bytes
    reply: api.AssessResponse
    context_id: str
    future: asyncio.Future | None = field(default=None, repr=False)


class DecisionWriter:
    """Group commit of Assess records: a caller gets its response only after the statement that stores
    its idempotency key, decision and challenge or ticket has committed (with the store's `records` pool,
    asynchronously — Settings.decision_commit says why that is safe; without it, after the WAL flush).

    - An idle writer stores a lone record at once (the one-record statement); records that arrive
      while `inflight_max` statements wait for their commits are stored together by the next one
      (at most `group_max` per statement) — the flush that one commit pays is shared.
    - A request id appears at most once per group; a duplicate waits for the next group, where it
      sees the first one's stored response (or REQUEST_ID_REUSED), as it would serially.
    - At most `queue_max` records wait: beyond that Assess fails fast with UNAVAILABLE
      (DECISIONS_BACKLOG, retryable with the same request id) instead of queueing without bound.
    - If a group statement fails as a whole, each of its records is stored alone, so one poison
      record cannot fail its neighbours. A caller that gives up does not cancel its record.
    """

    def __init__(self, store: AssessStore, inflight_max: int = 2, group_max: int = 256, queue_max: int = 4096):
        self.store, self.inflight_max, self.group_max, self.queue_max = store, inflight_max, group_max, queue_max
        self._queue: deque[Record] = deque()
        self._inflight = 0
        self._tasks: set[asyncio.Task] = set()  # strong references: the loop keeps only weak ones
        self.statements = self.records = 0  # counters: statements committed, records they carried

    async def record(self, request_id: str, digest: bytes, reply: api.AssessResponse, context_id: str) -> api.AssessResponse | None:
        """As AssessStore.record, shared with the records of concurrent calls."""
        if len(self._queue) >= self.queue_max:
            raise Unavailable("DECISIONS_BACKLOG", "too many decisions waiting to be recorded; retry with the same request_id")
        future = asyncio.get_running_loop().create_future()
        self._queue.append(Record(request_id, digest, reply, context_id, future))
        if self._inflight < self.inflight_max:
            self._inflight += 1
            task = asyncio.create_task(self._drain())  # starts next tick: records of this tick join its group
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return await asyncio.shield(future)

    def _take(self) -> list[Record]:
        group, ids, later = [], set(), []
        while self._queue and len(group) < self.group_max:
            r = self._queue.popleft()
            (later if r.request_id in ids else group).append(r)
            ids.add(r.request_id)
        self._queue.extendleft(reversed(later))
        return group

    async def _drain(self) -> None:
        try:
            while group := self._take():
                await self._write(group)
        finally:
            self._inflight -= 1

    async def _write(self, group: list[Record]) -> None:
        if len(group) == 1:
            await self._alone(group[0])
            return
        try:
            results = await self.store.record_group(group)
        except Exception:  # noqa: BLE001 — the statement failed as a whole: each record alone
            log.warning("group of %d decisions failed; recording them one by one", len(group), exc_info=True)
            for r in group:
                await self._alone(r)
            return
        self.statements += 1
        self.records += len(group)
        for r, result in zip(group, results):
            _settle(r.future, result)

    async def _alone(self, r: Record) -> None:
        try:
            result = await self.store.record(r.request_id, r.digest, r.reply, r.context_id)
        except Exception as exc:  # noqa: BLE001 — handed to the caller
            result = exc
        else:
            self.statements += 1
            self.records += 1
        _settle(r.future, result)


def _settle(future: asyncio.Future | None, result) -> None:
    if future is None or future.done():
        return
    if isinstance(result, BaseException):
        future.set_exception(result)
    else:
        future.set_result(result)

