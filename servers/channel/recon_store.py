"""Reconciliation storage and the set-based matching (schema `channel`). One SQL statement
joins a statement's lines to the institution orders (by our id, else the channel's reference),
classifies every line like recon.classify, finds the day's SUCCESS orders the statement lacks
(anti-join), inserts one case per difference (ON CONFLICT on its dedup key: never twice) and
returns the totals per class — no line ever travels to Python."""
from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from sqlalchemy import text

from servers.channel.recon import Case, CaseState, Kind, NOTES, Tolerance
from servers.kernel.db import Database
from servers.kernel.ids import new_id

RUNNING, COMPLETED, FAILED = 1, 2, 3
CASE_COLS = ("c.case_id, c.kind, c.order_type, c.state, c.channel_id, c.statement_date, c.currency_code, c.run_id, c.inst_order_id,"
             " c.channel_reference, c.line_number, c.local_amount_minor, c.channel_amount_minor, c.local_fee_minor,"
             " c.channel_fee_minor, c.local_state, c.channel_state, c.resolution, c.note, c.ledger_transfer_ids, c.adjustment,"
             " c.booked, c.context_id, c.version, c.create_time, c.update_time, coalesce(o.payment_id, '') AS payment_id,"
             " coalesce(o.order_id, '') AS order_id")
CASE_FROM = "recon_cases c LEFT JOIN inst_orders o ON o.inst_order_id = c.inst_order_id AND c.inst_order_id <> ''"
RUN_COLS = ("run_id, channel_id, statement_date, statement_id, state, line_count, totals, cases_opened, cases_settled,"
            " error_message, context_id, create_time, finish_time")

# kind → (state, resolution, booked) of a new case, as SQL (see recon.initial_state)
_STATE = "CASE WHEN {k} = 3 THEN 2 ELSE 1 END"
_RESOLUTION = "CASE {k} WHEN 3 THEN 'SUSPENSE_ADJUSTED' WHEN 1 THEN 'BOOKED_TO_SUSPENSE' ELSE '' END"
_BOOKED = "({k} NOT IN (1, 3))"
_NOTE = "CASE {k} " + " ".join("WHEN %d THEN '%s'" % (k.value, NOTES[k].replace("'", "''")) for k in Kind) + " END"
_CASE_INSERT = ("INSERT INTO recon_cases (case_id, kind, order_type, state, channel_id, statement_date, run_id, inst_order_id, channel_reference,"
                " line_number, currency_code, local_amount_minor, channel_amount_minor, local_fee_minor, channel_fee_minor,"
                " local_state, channel_state, resolution, note, booked, dedup_key, context_id)")

MATCH_SQL = f"""
WITH lines AS (
    SELECT l.line_number, l.channel_reference, l.type AS ltype, l.state AS cstate, l.currency_code, l.amount_minor AS camount, l.fee_minor AS cfee,
           COALESCE(NULLIF(l.inst_order_id, ''), (SELECT o2.inst_order_id FROM inst_orders o2
                    WHERE o2.channel_reference = l.channel_reference AND l.channel_reference <> '' LIMIT 1), '') AS ioid
    FROM statement_lines l WHERE l.statement_id = :s
), j AS MATERIALIZED (
    SELECT x.*, o.state AS lstate, COALESCE(o.settled_amount_minor, o.amount_minor) AS lamount, o.fee_minor AS lfee,
           CASE WHEN o.inst_order_id IS NULL THEN CASE WHEN x.cstate = 5 THEN 1 ELSE 0 END
                WHEN o.state <> x.cstate THEN 4
                WHEN x.cstate = 6 THEN -1
                WHEN abs(x.camount - COALESCE(o.settled_amount_minor, o.amount_minor)) > :at THEN 3
                WHEN abs(x.cfee - o.fee_minor) > :ft THEN 5
                ELSE -1 END AS kind
    FROM lines x LEFT JOIN inst_orders o ON o.inst_order_id = x.ioid AND o.channel_id = :c
), missing AS MATERIALIZED (
    SELECT o.inst_order_id, o.type, o.channel_reference, o.currency_code, COALESCE(o.settled_amount_minor, o.amount_minor) AS lamount,
           o.fee_minor AS lfee
    FROM inst_orders o
    WHERE o.channel_id = :c AND o.state = 5 AND o.finish_time >= :t0 AND o.finish_time < :t1
      AND NOT EXISTS (SELECT 1 FROM statement_lines l WHERE l.statement_id = :s AND l.inst_order_id = o.inst_order_id)
      AND NOT EXISTS (SELECT 1 FROM statement_lines l WHERE l.statement_id = :s AND o.channel_reference <> ''
                      AND l.channel_reference = o.channel_reference)
), ins_lines AS (
    {_CASE_INSERT}
    SELECT 'rcc_' || replace(gen_random_uuid()::text, '-', ''), kind, ltype, {_STATE.format(k='kind')}, :c, :d, :run, ioid,
           channel_reference, line_number, currency_code, lamount, camount, lfee, cfee, coalesce(lstate, 0), cstate,
           {_RESOLUTION.format(k='kind')}, {_NOTE.format(k='kind')}, {_BOOKED.format(k='kind')},
           kind || ':' || :c || ':' || COALESCE(NULLIF(ioid, ''), NULLIF(channel_reference, ''), :s || ':' || line_number), :ctx
    FROM j WHERE kind > 0
    ON CONFLICT (dedup_key) DO NOTHING RETURNING 1
), ins_missing AS (
    {_CASE_INSERT}
    SELECT 'rcc_' || replace(gen_random_uuid()::text, '-', ''), 2, type, 1, :c, :d, :run, inst_order_id, channel_reference, 0,
           currency_code, lamount, NULL, lfee, NULL, 5, 0, '', {_NOTE.format(k='2')}, true, '2:' || :c || ':' || inst_order_id, :ctx
    FROM missing
    ON CONFLICT (dedup_key) DO NOTHING RETURNING 1
)
SELECT kind, currency_code, count(*) AS n, coalesce(sum(camount), 0) AS amount FROM j GROUP BY kind, currency_code
UNION ALL SELECT 2, currency_code, count(*), coalesce(sum(lamount), 0) FROM missing GROUP BY currency_code
UNION ALL SELECT -100, '', (SELECT count(*) FROM ins_lines) + (SELECT count(*) FROM ins_missing), 0
"""

# Older CHANNEL_MISSING cases: resolved if a later statement of the channel (up to this date) has them,
# else reversed through suspense (booked later by recon.book_pending).
SETTLE_SQL = """
WITH older AS (
    SELECT c.case_id, EXISTS (SELECT 1 FROM statement_lines l JOIN statements s ON s.statement_id = l.statement_id
                              WHERE s.channel_id = c.channel_id AND s.statement_date > c.statement_date
                                AND s.statement_date <= CAST(:d AS DATE) AND s.state = 2
                                AND (l.inst_order_id = c.inst_order_id
                                     OR (c.channel_reference <> '' AND l.channel_reference = c.channel_reference))) AS appeared
    FROM recon_cases c WHERE c.channel_id = :c AND c.kind = 2 AND c.state = 1 AND c.statement_date < CAST(:d AS DATE)
)
UPDATE recon_cases c SET state = 2, version = c.version + 1, update_time = now(),
       resolution = CASE WHEN older.appeared THEN 'APPEARED_LATER' ELSE 'REVERSED_TO_SUSPENSE' END,
       booked = older.appeared,
       note = c.note || CASE WHEN older.appeared THEN ' | found in a later statement'
                             ELSE ' | still missing from the statement of ' || :ds || ': reversed through suspense' END
FROM older WHERE c.case_id = older.case_id AND c.state = 1
RETURNING c.case_id
"""


MATCH_WORK_MEM = "128MB"  # the day's join and the materialized classification stay in memory (server side)
MATCH_TIMEOUT_SECONDS = 3600  # a large statement's matching may outlive the engine's 30 s command timeout
_PARAM = re.compile(r"(?<!:):([a-z_][a-z0-9_]*)")


def positional(sql: str, params: dict) -> tuple[str, list]:
    """`:name` → `$n` for a statement sent on the raw asyncpg connection (own timeout)."""
    names: list[str] = []

    def sub(m: re.Match) -> str:
        if m.group(1) not in names:
            names.append(m.group(1))
        return f"${names.index(m.group(1)) + 1}"
    return _PARAM.sub(sub, sql), [params[n] for n in names]


def case_from_row(r) -> Case:
    return Case(r.case_id, Kind(r.kind), CaseState(r.state), r.channel_id, r.statement_date, r.currency_code, r.run_id,
                r.inst_order_id, r.channel_reference, r.line_number, r.local_amount_minor, r.channel_amount_minor,
                r.local_fee_minor, r.channel_fee_minor, r.local_state, r.channel_state, r.resolution, r.note,
                tuple(r.ledger_transfer_ids or ()), r.adjustment, r.booked, r.context_id, r.version, r.create_time, r.update_time,
                r.order_type, {"payment_id": r.payment_id, "order_id": r.order_id})


class SqlReconStore:
    def __init__(self, db: Database):
        self.db = db

    async def _one(self, sql: str, params: dict):
        async with self.db.transaction() as conn:
            return (await conn.execute(text(sql), params)).first()

    async def get_case(self, case_id: str) -> Case | None:
        row = await self._one(f"SELECT {CASE_COLS} FROM {CASE_FROM} WHERE c.case_id = :id", {"id": case_id})
        return case_from_row(row) if row else None

    async def cas_case(self, case: Case, **changes: Any) -> Case | None:
        sets, params = [], {"id": case.case_id, "v": case.version}
        for name, value in changes.items():
            if name == "adjustment":
                value = json.dumps(value)
                sets.append("adjustment = CAST(:adjustment AS JSONB)")
            else:
                sets.append(f"{name} = :{name}")
            params[name] = list(value) if name == "ledger_transfer_ids" else int(value) if name == "state" else value
        row = await self._one(f"UPDATE recon_cases SET {', '.join(sets)}, version = version + 1, update_time = now()"
                              " WHERE case_id = :id AND version = :v RETURNING case_id", params)
        return await self.get_case(case.case_id) if row else None

    async def unbooked(self, channel_id: str) -> list[Case]:
        async with self.db.transaction() as conn:
            rows = (await conn.execute(text(f"SELECT {CASE_COLS} FROM {CASE_FROM} WHERE NOT c.booked AND c.channel_id = :c"
                                            " ORDER BY c.create_time LIMIT 1000"), {"c": channel_id})).all()
        return [case_from_row(r) for r in rows]

    async def open_status_cases(self, channel_id: str) -> list[Case]:
        async with self.db.transaction() as conn:
            rows = (await conn.execute(text(f"SELECT {CASE_COLS} FROM {CASE_FROM} WHERE c.channel_id = :c AND c.kind = 4 AND c.state = 1"
                                            " AND c.resolution = '' AND c.order_type = 1 AND c.run_id <> '' ORDER BY c.create_time LIMIT 1000"),
                                       {"c": channel_id})).all()
        return [case_from_row(r) for r in rows]

    async def insert_case(self, case: Case) -> bool:
        key = f"{int(case.kind)}:{case.channel_id}:{case.inst_order_id or case.channel_reference}"
        row = await self._one(
            _CASE_INSERT + " VALUES (:id, :k, :ot, :st, :c, :d, '', :io, :cr, 0, :cur, :la, :ca, NULL, NULL, :ls, :cs, :res, :note, :b,"
            " :key, :ctx) ON CONFLICT (dedup_key) DO NOTHING RETURNING 1",
            {"id": case.case_id, "k": int(case.kind), "ot": case.order_type, "st": int(case.state), "c": case.channel_id, "d": case.statement_date,
             "io": case.inst_order_id, "cr": case.channel_reference, "cur": case.currency_code, "la": case.local_amount,
             "ca": case.channel_amount, "ls": case.local_state, "cs": case.channel_state, "res": case.resolution, "note": case.note,
             "b": case.booked, "key": key, "ctx": case.context_id})
        return row is not None

    async def tolerance(self, channel_id: str) -> Tolerance:
        row = await self._one("SELECT amount_tolerance_minor, fee_tolerance_minor FROM recon_config WHERE channel_id = :c",
                              {"c": channel_id})
        return Tolerance(row.amount_tolerance_minor, row.fee_tolerance_minor) if row else Tolerance()

    async def set_tolerance(self, channel_id: str, tol: Tolerance) -> None:
        await self._one("INSERT INTO recon_config VALUES (:c, :a, :f) ON CONFLICT (channel_id) DO UPDATE SET"
                        " amount_tolerance_minor = excluded.amount_tolerance_minor, fee_tolerance_minor = excluded.fee_tolerance_minor"
                        " RETURNING 1", {"c": channel_id, "a": tol.amount_minor, "f": tol.fee_minor})

    async def latest_run(self, channel_id: str, date: dt.date):
        return await self._one(f"SELECT {RUN_COLS} FROM recon_runs WHERE channel_id = :c AND statement_date = :d AND state = 2"
                               " ORDER BY create_time DESC LIMIT 1", {"c": channel_id, "d": date})

    async def get_run(self, run_id: str):
        return await self._one(f"SELECT {RUN_COLS} FROM recon_runs WHERE run_id = :r", {"r": run_id})

    async def list_runs(self, channel_id: str, limit: int):
        async with self.db.transaction() as conn:
            return (await conn.execute(text(f"SELECT {RUN_COLS} FROM recon_runs WHERE channel_id = :c"
                                            " ORDER BY statement_date DESC, create_time DESC LIMIT :n"), {"c": channel_id, "n": limit})).all()

    async def match(self, channel_id: str, date: dt.date, statement_id: str, line_count: int, tol: Tolerance, context_id: str):
        """Runs the matching in one transaction; returns the run row."""
        run_id, t0 = new_id("rcr"), dt.datetime.combine(date, dt.time(), dt.timezone.utc)
        async with self.db.transaction() as conn:
            sql, args = positional(MATCH_SQL, {
                "s": statement_id, "c": channel_id, "d": date, "run": run_id, "ctx": context_id, "at": tol.amount_minor,
                "ft": tol.fee_minor, "t0": t0, "t1": t0 + dt.timedelta(days=1)})
            raw = (await conn.get_raw_connection()).driver_connection
            await raw.execute(f"SET LOCAL work_mem = '{MATCH_WORK_MEM}'")
            rows = [tuple(r) for r in await raw.fetch(sql, *args, timeout=MATCH_TIMEOUT_SECONDS)]
            settled = (await conn.execute(text(SETTLE_SQL), {"c": channel_id, "d": date, "ds": date.isoformat()})).all()
            totals: dict[int, dict] = {}
            opened = 0
            for kind, currency, n, amount in rows:
                if kind == -100:
                    opened = n
                    continue
                t = totals.setdefault(kind, {"count": 0, "amounts": {}})
                t["count"] += n
                t["amounts"][currency] = t["amounts"].get(currency, 0) + int(amount)
            await conn.execute(text(
                "INSERT INTO recon_runs (run_id, channel_id, statement_date, statement_id, state, line_count, totals, cases_opened,"
                " cases_settled, context_id, finish_time) VALUES (:r, :c, :d, :s, 2, :n, CAST(:t AS JSONB), :o, :st, :ctx, now())"),
                {"r": run_id, "c": channel_id, "d": date, "s": statement_id, "n": line_count,
                 "t": json.dumps({str(k): v for k, v in totals.items()}), "o": opened, "st": len(settled), "ctx": context_id})
        return await self.get_run(run_id)

    async def list_cases(self, where: dict[str, Any], limit: int, after: str):
        clauses, params = ["c.case_id > :after"], {"after": after, "n": limit}
        for name, value in where.items():
            if value:
                clauses.append(f"c.{name} = :{name}")
                params[name] = value
        async with self.db.transaction() as conn:
            rows = (await conn.execute(text(f"SELECT {CASE_COLS} FROM {CASE_FROM} WHERE {' AND '.join(clauses)}"
                                            " ORDER BY c.case_id LIMIT :n"), params)).all()
        return [case_from_row(r) for r in rows]

    async def case_counts(self, channel_id: str, date: dt.date) -> tuple[int, int]:
        row = await self._one("SELECT count(*) FILTER (WHERE state = 1) AS open, count(*) FILTER (WHERE state <> 1) AS closed"
                              " FROM recon_cases WHERE channel_id = :c AND statement_date = :d", {"c": channel_id, "d": date})
        return row.open, row.closed
