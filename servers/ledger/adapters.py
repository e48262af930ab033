"""PostgreSQL implementation of the ledger repository (SQLAlchemy Core on one connection,
inside the caller's transaction). READ COMMITTED plus explicit row locks:

    lock                      taken by                              conflicts with
    FOR UPDATE                freeze / unfreeze / close             everything below
    FOR NO KEY UPDATE         postings a flag guards, roll-up        itself, FOR UPDATE
    FOR KEY SHARE             buffered postings to hot accounts      FOR UPDATE only

Batch writes go through unnest() so a 100-leg batch is a handful of statements. With
`deferred=True` (the RPC paths) the writes of a booking — balance updates, buffered deltas,
transfers, entries, outbox — are queued and sent as ONE statement (data-modifying CTEs) by
`flush()`, or before the next read; each round trip saved is lock time saved."""
from __future__ import annotations

import contextlib
import dataclasses
import json
import re
from datetime import datetime
from functools import lru_cache
from typing import Any, AsyncIterator

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from servers.kernel import events
from servers.kernel.db import Database
from servers.kernel.money import Money
from servers.ledger.domain import (Account, AccountState, AccountType, Delta, Entry, Leg, OwnerType, Transfer,
                                   TransferState)
from servers.ledger.verify_sql import run_checks

TOPIC = "ledger"
_A = ("a.account_id, a.owner_type, a.owner_id, a.account_type, a.currency_code, a.debits_must_not_exceed_credits,"
      " a.credits_must_not_exceed_debits, a.state, a.context_id, a.hot, a.create_time")
_BAL = "a.debits_posted, a.credits_posted, a.debits_pending, a.credits_pending"
# Balances as if every committed buffered delta were applied, in the statement's snapshot.
_BAL_BUFFERED = ("a.debits_posted + coalesce(d.dp, 0) AS debits_posted, a.credits_posted + coalesce(d.cp, 0) AS credits_posted,"
                 " a.debits_pending + coalesce(d.dq, 0) AS debits_pending, a.credits_pending + coalesce(d.cq, 0) AS credits_pending")
_DELTAS = ("LEFT JOIN LATERAL (SELECT sum(debits_posted) dp, sum(credits_posted) cp, sum(debits_pending) dq,"
           " sum(credits_pending) cq FROM account_deltas x WHERE x.account_id = a.account_id AND a.hot) d ON true")
_T = ("transfer_id, request_id, leg_index, debit_account_id, credit_account_id, currency_code, amount_minor, state,"
      " business_code, order_id, payment_id, refund_id, settlement_batch_id, reverses_transfer_id, context_id, create_time,"
      " pending, posted_amount_minor, timeout_time, resolve_time")
_T_INSERT = ("transfer_id, request_id, leg_index, debit_account_id, credit_account_id, currency_code, amount_minor, state,"
             " business_code, order_id, payment_id, refund_id, settlement_batch_id, reverses_transfer_id, context_id, pending,"
             " posted_amount_minor, timeout_time")
_ROLL_UP = (
    "WITH moved AS (DELETE FROM account_deltas WHERE account_id = ANY(:ids) RETURNING *),"
    " sums AS (SELECT account_id, sum(debits_posted) dp, sum(credits_posted) cp, sum(debits_pending) dq, sum(credits_pending) cq,"
    " count(*) n FROM moved GROUP BY account_id)"
    " UPDATE accounts a SET debits_posted = a.debits_posted + s.dp, credits_posted = a.credits_posted + s.cp,"
    " debits_pending = a.debits_pending + s.dq, credits_pending = a.credits_pending + s.cq FROM sums s"
    f" WHERE a.account_id = s.account_id RETURNING {_A}, {_BAL}, s.n")


# Immutable attributes (owner, type, currency, flags, hotness) of accounts seen, by id: accounts
# are never deleted and these never change, so a posting needs no read to plan its locks.
# Balances and state in these entries are stale and never used.
_FLAGS: dict[str, Account] = {}
_FLAGS_MAX = 200_000
_PARAM = re.compile(r":(\w+)")
# Parsed statements, reused: building a TextClause re-scans the SQL for binds every time.
_text = lru_cache(maxsize=1024)(text)


@lru_cache(maxsize=1024)
def _suffixed(sql: str, n: int, names: frozenset[str]) -> str:
    """`sql` with its :name binds renamed :name_n, to live beside other writes in one statement."""
    return _PARAM.sub(lambda m: f":{m.group(1)}_{n}" if m.group(1) in names else m.group(0), sql)


@contextlib.asynccontextmanager
async def snapshot(db: Database) -> AsyncIterator[AsyncConnection]:
    """A read-only REPEATABLE READ transaction: every statement sees the same committed state."""
    async with db.engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="REPEATABLE READ")
        async with conn.begin():
            yield conn


def _account(row) -> Account:
    return Account(row.account_id, OwnerType(row.owner_type), row.owner_id, AccountType(row.account_type), row.currency_code,
                   row.debits_must_not_exceed_credits, row.credits_must_not_exceed_debits, AccountState(row.state),
                   int(row.debits_posted), int(row.credits_posted), int(row.debits_pending), int(row.credits_pending),
                   row.context_id, row.hot, row.create_time)


def _transfer(row) -> Transfer:
    leg = Leg(row.debit_account_id, row.credit_account_id, Money(row.currency_code, row.amount_minor), row.business_code,
              pending=row.pending, order_id=row.order_id, payment_id=row.payment_id, refund_id=row.refund_id,
              settlement_batch_id=row.settlement_batch_id)
    return Transfer(row.transfer_id, row.request_id, row.leg_index, leg, TransferState(row.state), row.context_id,
                    row.create_time, row.reverses_transfer_id, row.posted_amount_minor, row.timeout_time, row.resolve_time)


class SqlLedgerRepository:
    def __init__(self, conn: AsyncConnection, deferred: bool = False):
        self.conn, self.deferred = conn, deferred
        self._pending: list[tuple[str, dict[str, Any], str, int | None]] = []  # (SQL, params, table it UPDATEs, rows expected)
        self._now: datetime | None = None  # now() is the transaction's start time: constant

    async def _rows(self, sql: str, params: dict[str, Any] | None = None) -> list:
        await self.flush()  # reads see this transaction's writes
        return (await self.conn.execute(_text(sql), params or {})).all()

    async def write(self, sql: str, params: dict[str, Any], updates: str = "", expect: int | None = None) -> None:
        """Runs a write now, or (deferred) queues it for flush(); an UPDATE of a table with an
        UPDATE already queued flushes first (one statement must not update a row twice).
        `expect`: the statement ends in `RETURNING 1` and must touch exactly that many rows."""
        if not self.deferred:
            result = await self.conn.execute(_text(sql), params)
            if expect is not None:
                assert len(result.all()) == expect, sql  # a crash, never a user error
            return
        if updates and any(u == updates for _, _, u, _ in self._pending):
            await self.flush()
        n = len(self._pending)
        self._pending.append((_suffixed(sql, n, frozenset(params)), {f"{k}_{n}": v for k, v in params.items()}, updates, expect))

    async def flush(self) -> None:
        """Sends the queued writes as one statement (data-modifying CTEs; a no-op when none are
        queued) and checks the row counts the writes expect."""
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        counted = [(i, e) for i, (_, _, _, e) in enumerate(pending) if e is not None]
        sql = ("WITH " + ", ".join(f"w{i} AS ({q})" for i, (q, _, _, _) in enumerate(pending))
               + " SELECT " + (", ".join(f"(SELECT count(*) FROM w{i})" for i, _ in counted) or "1"))
        row = (await self.conn.execute(_text(sql), {k: v for _, p, _, _ in pending for k, v in p.items()})).one()
        assert list(row)[:len(counted)] == [e for _, e in counted], [q for q, _, _, _ in pending]  # a crash, never a user error

    async def now(self) -> datetime:
        if self._now is None:
            self._now = (await self.conn.execute(_text("SELECT now()"))).scalar_one()
        return self._now

    async def account_flags(self, account_ids: list[str]) -> dict[str, Account]:
        missing = [i for i in account_ids if i not in _FLAGS]
        if missing:
            if len(_FLAGS) > _FLAGS_MAX:
                _FLAGS.clear()
            for r in await self._rows(f"SELECT {_A}, {_BAL} FROM accounts a WHERE a.account_id = ANY(:ids)", {"ids": missing}):
                _FLAGS[r.account_id] = _account(r)
        return {i: _FLAGS[i] for i in account_ids if i in _FLAGS}

    async def get_accounts(self, account_ids: list[str]) -> dict[str, Account]:
        rows = await self._rows(f"SELECT {_A}, {_BAL_BUFFERED} FROM accounts a {_DELTAS} WHERE a.account_id = ANY(:ids)",
                                {"ids": list(account_ids)})
        return {r.account_id: _account(r) for r in rows}

    async def find_account(self, owner_type, owner_id, account_type, currency_code) -> Account | None:
        rows = await self._rows(
            f"SELECT {_A}, {_BAL_BUFFERED} FROM accounts a {_DELTAS} WHERE a.owner_type = :ot AND a.owner_id = :o"
            " AND a.account_type = :at AND a.currency_code = :c",
            {"ot": int(owner_type), "o": owner_id, "at": int(account_type), "c": currency_code})
        return _account(rows[0]) if rows else None

    async def insert_account(self, account: Account) -> Account:
        await self.conn.execute(_text(
            "INSERT INTO accounts (account_id, owner_type, owner_id, account_type, currency_code, debits_must_not_exceed_credits,"
            " credits_must_not_exceed_debits, state, context_id, hot) VALUES (:a, :ot, :o, :at, :c, :d, :cr, :s, :ctx, :hot)"
            " ON CONFLICT (owner_type, owner_id, account_type, currency_code) DO NOTHING"),
            {"a": account.account_id, "ot": int(account.owner_type), "o": account.owner_id, "at": int(account.account_type),
             "c": account.currency_code, "d": account.debits_must_not_exceed_credits, "cr": account.credits_must_not_exceed_debits,
             "s": int(account.state), "ctx": account.context_id, "hot": account.hot})
        found = await self.find_account(account.owner_type, account.owner_id, account.account_type, account.currency_code)
        assert found is not None, "account vanished after insert"
        return found

    async def list_accounts(self, owner_type, owner_id, page_size, after) -> list[Account]:
        clauses, params = ["a.account_id > :after"], {"after": after, "n": page_size}
        if owner_type:
            clauses.append("a.owner_type = :ot")
            params["ot"] = int(owner_type)
        if owner_id:
            clauses.append("a.owner_id = :o")
            params["o"] = owner_id
        rows = await self._rows(f"SELECT {_A}, {_BAL_BUFFERED} FROM accounts a {_DELTAS} WHERE {' AND '.join(clauses)}"
                                " ORDER BY a.account_id LIMIT :n", params)
        return [_account(r) for r in rows]

    async def lock_accounts(self, row_locked: list[str], shared: list[str]) -> dict[str, Account]:
        """One statement takes both kinds of lock (and reads the transaction's clock). A
        shared-locked account gets only safe changes, which keep any valid balance valid, so
        its row (valid by the CHECK constraints) is enough: no Σ deltas read on the hot path."""
        rows = await self._rows(
            f"WITH x AS (SELECT {_A}, {_BAL} FROM accounts a WHERE a.account_id = ANY(:r) ORDER BY a.account_id FOR NO KEY UPDATE),"
            f" y AS (SELECT {_A}, {_BAL} FROM accounts a WHERE a.account_id = ANY(:s) ORDER BY a.account_id FOR KEY SHARE)"
            " SELECT x.*, true AS exclusive, now() AS tx_now FROM x UNION ALL SELECT y.*, false, now() FROM y",
            {"r": row_locked, "s": shared})
        out = {r.account_id: _account(r) for r in rows}
        if rows:
            self._now = rows[0].tx_now
        hot = [r.account_id for r in rows if r.hot and r.exclusive]
        if hot:  # make the locked balance exact: fold the hot accounts' buffered deltas in
            out.update((r.account_id, _account(r)) for r in await self._rows(_ROLL_UP, {"ids": hot}))
        return out

    async def lock_account_state(self, account_id: str) -> Account | None:
        rows = await self._rows(f"SELECT {_A}, {_BAL} FROM accounts a WHERE a.account_id = :a FOR UPDATE", {"a": account_id})
        if not rows:
            return None
        rolled = await self._rows(_ROLL_UP, {"ids": [account_id]})
        return _account((rolled or rows)[0])

    async def save_state(self, account: Account) -> None:
        await self.conn.execute(_text("UPDATE accounts SET state = :s, update_time = now() WHERE account_id = :a"),
                                {"s": int(account.state), "a": account.account_id})

    async def apply_deltas(self, row: dict[str, Delta], buffered: dict[str, Delta]) -> None:
        def columns(deltas: dict[str, Delta]) -> dict[str, list]:
            items = sorted((a, d) for a, d in deltas.items() if d != Delta())
            return {"ids": [a for a, _ in items], "dp": [d.debits_posted for _, d in items], "cp": [d.credits_posted for _, d in items],
                    "dq": [d.debits_pending for _, d in items], "cq": [d.credits_pending for _, d in items]}

        unnest = ("unnest(CAST(:ids AS TEXT[]), CAST(:dp AS BIGINT[]), CAST(:cp AS BIGINT[]), CAST(:dq AS BIGINT[]),"
                  " CAST(:cq AS BIGINT[]))")
        if (params := columns(row))["ids"]:
            await self.write(
                "UPDATE accounts a SET debits_posted = a.debits_posted + v.dp, credits_posted = a.credits_posted + v.cp,"
                " debits_pending = a.debits_pending + v.dq, credits_pending = a.credits_pending + v.cq"
                f" FROM {unnest} AS v(id, dp, cp, dq, cq) WHERE a.account_id = v.id", params, updates="accounts")
        if (params := columns(buffered))["ids"]:
            await self.write(
                "INSERT INTO account_deltas (account_id, debits_posted, credits_posted, debits_pending, credits_pending)"
                f" SELECT * FROM {unnest}", params)

    async def roll_up(self, accounts_max: int) -> int:
        ids = [r.account_id for r in await self._rows(
            "SELECT account_id FROM account_deltas GROUP BY account_id ORDER BY count(*) DESC LIMIT :n", {"n": accounts_max})]
        if not ids:
            return 0
        # Accounts a posting holds are skipped: that posting rolls them up itself.
        locked = [r.account_id for r in await self._rows(
            "SELECT account_id FROM accounts WHERE account_id = ANY(:ids) ORDER BY account_id FOR NO KEY UPDATE SKIP LOCKED",
            {"ids": sorted(ids)})]
        return sum(int(r.n) for r in await self._rows(_ROLL_UP, {"ids": locked})) if locked else 0

    async def insert_transfers(self, transfers: list[Transfer]) -> list[Transfer]:
        """Rows go as one JSON document (json_to_recordset): per-element encoding of a dozen
        arrays costs more than the whole statement. Stored as they are built here, created
        at the transaction's now() (the column default); a leg's timeout lives on as timeout_time."""
        now = await self.now()
        stored = [Transfer(t.transfer_id, t.request_id, t.leg_index, dataclasses.replace(t.leg, timeout_seconds=0)
                           if t.leg.timeout_seconds else t.leg, t.state, t.context_id, now, t.reverses_transfer_id,
                           t.posted_amount, t.timeout_time, t.resolve_time) for t in transfers]
        rows = [[t.transfer_id, t.request_id, t.leg_index, t.leg.debit_account_id, t.leg.credit_account_id,
                 t.leg.amount.currency_code, t.leg.amount.amount_minor, int(t.state), t.leg.business_code, t.leg.order_id,
                 t.leg.payment_id, t.leg.refund_id, t.leg.settlement_batch_id, t.reverses_transfer_id, t.context_id,
                 t.leg.pending, t.posted_amount, t.timeout_time.isoformat() if t.timeout_time else None] for t in transfers]
        await self.write(
            f"INSERT INTO transfers ({_T_INSERT}) SELECT r->>0, r->>1, (r->>2)::int, r->>3, r->>4, r->>5, (r->>6)::bigint,"
            " (r->>7)::smallint, r->>8, r->>9, r->>10, r->>11, r->>12, r->>13, r->>14, (r->>15)::boolean, (r->>16)::bigint,"
            " (r->>17)::timestamptz FROM json_array_elements(CAST(:rows AS JSON)) r", {"rows": json.dumps(rows)})
        await self._entries([t for t in stored if t.state == TransferState.POSTED])
        return stored

    async def _entries(self, posted: list[Transfer]) -> None:
        """Two entries per posted transfer, debit first (one JSON row per transfer)."""
        if not posted:
            return
        rows = [[t.transfer_id, t.leg.debit_account_id, t.leg.credit_account_id, t.posted_amount, t.context_id] for t in posted]
        await self.write(
            "INSERT INTO entries (account_id, transfer_id, debit_minor, credit_minor, context_id)"
            " SELECT e.account_id, r->>0, e.d, e.c, r->>4 FROM json_array_elements(CAST(:rows AS JSON)) WITH ORDINALITY AS x(r, n)"
            " CROSS JOIN LATERAL (VALUES (1, r->>1, (r->>3)::bigint, 0::bigint), (2, r->>2, 0::bigint, (r->>3)::bigint))"
            " AS e(side, account_id, d, c) ORDER BY x.n, e.side", {"rows": json.dumps(rows)})

    async def lock_transfer(self, transfer_id: str) -> Transfer | None:
        rows = await self._rows(f"SELECT {_T}, now() AS tx_now FROM transfers WHERE transfer_id = :t FOR UPDATE", {"t": transfer_id})
        if not rows:
            return None
        self._now = rows[0].tx_now
        return _transfer(rows[0])

    async def resolve_transfer(self, hold: Transfer) -> Transfer:
        # Exactly one row, or the hold resolved twice: the row lock makes that impossible.
        await self.write(
            "UPDATE transfers SET state = :s, posted_amount_minor = :pa, resolve_time = :rt WHERE transfer_id = :t AND state = 1"
            " RETURNING 1", {"s": int(hold.state), "pa": hold.posted_amount, "rt": hold.resolve_time, "t": hold.transfer_id},
            updates="transfers", expect=1)
        await self._entries([hold] if hold.state == TransferState.POSTED else [])
        return hold

    async def reversed_amount(self, transfer_id: str) -> int:
        return int((await self.conn.execute(_text(
            "SELECT coalesce(sum(posted_amount_minor), 0) FROM transfers WHERE reverses_transfer_id = :t"), {"t": transfer_id})).scalar_one())

    async def due_holds(self, now: datetime, limit: int) -> list[Transfer]:
        rows = await self._rows(f"SELECT {_T} FROM transfers WHERE state = 1 AND timeout_time <= :now ORDER BY timeout_time"
                                " LIMIT :n FOR UPDATE SKIP LOCKED", {"now": now, "n": limit})
        return [_transfer(r) for r in rows]

    async def find_transfers_by_request(self, request_id: str) -> list[Transfer]:
        return [_transfer(r) for r in await self._rows(
            f"SELECT {_T} FROM transfers WHERE request_id = :r ORDER BY leg_index", {"r": request_id})]

    async def get_transfer(self, transfer_id: str) -> Transfer | None:
        rows = await self._rows(f"SELECT {_T} FROM transfers WHERE transfer_id = :t", {"t": transfer_id})
        return _transfer(rows[0]) if rows else None

    async def list_transfers(self, filters: dict[str, str], page_size: int, after: str) -> list[Transfer]:
        clauses, params = ["transfer_id > :after"], {"after": after, "n": page_size}
        for column in ("context_id", "order_id", "payment_id", "refund_id", "settlement_batch_id"):
            if column in filters:
                clauses.append(f"{column} = :{column}")
                params[column] = filters[column]
        if "account_id" in filters:
            clauses.append("(debit_account_id = :account_id OR credit_account_id = :account_id)")
            params["account_id"] = filters["account_id"]
        rows = await self._rows(f"SELECT {_T} FROM transfers WHERE {' AND '.join(clauses)} ORDER BY transfer_id LIMIT :n", params)
        return [_transfer(r) for r in rows]

    async def list_entries(self, account_id: str, page_size: int, before: int) -> list[Entry]:
        rows = await self._rows(
            "SELECT entry_id, account_id, transfer_id, debit_minor, credit_minor, create_time, context_id FROM entries"
            " WHERE account_id = :a AND (:b = 0 OR entry_id < :b) ORDER BY entry_id DESC LIMIT :n",
            {"a": account_id, "b": before, "n": page_size})
        return [Entry(r.entry_id, r.account_id, r.transfer_id, r.debit_minor, r.credit_minor, r.create_time, r.context_id) for r in rows]

    async def balance_at(self, account: Account, at: datetime) -> Account:
        posted = (await self._rows(
            "SELECT coalesce(sum(debit_minor), 0) d, coalesce(sum(credit_minor), 0) c FROM entries"
            " WHERE account_id = :a AND create_time <= :at", {"a": account.account_id, "at": at}))[0]
        held = (await self._rows(
            "SELECT coalesce(sum(amount_minor) FILTER (WHERE debit_account_id = :a), 0) d,"
            " coalesce(sum(amount_minor) FILTER (WHERE credit_account_id = :a), 0) c FROM transfers"
            " WHERE pending AND (debit_account_id = :a OR credit_account_id = :a) AND create_time <= :at"
            " AND (resolve_time IS NULL OR resolve_time > :at)", {"a": account.account_id, "at": at}))[0]
        return Account(**{**account.__dict__, "debits_posted": int(posted.d), "credits_posted": int(posted.c),
                          "debits_pending": int(held.d), "credits_pending": int(held.c)})

    async def add_event(self, event_type: str, payload: dict[str, Any]) -> None:
        _, sql, params = events.outbox_insert(TOPIC, event_type, payload)  # no pg_notify: see README, hot path
        await self.write(sql, params)

    # Group commit (servers/ledger/group_commit.py): the kernel.idempotency rows of many
    # requests, claimed and completed with one statement each; same table, same meaning.
    async def claim_requests(self, method: str, claims: list[tuple[str, bytes, str]]) -> dict[str, tuple[bytes, bytes]]:
        """Claims (request_id, hash, context_id)s (ids distinct), in id order so concurrent groups
        queue on the keys without deadlocking; returns {request_id: (hash, response)} of the
        ones an earlier transaction committed (a claim in flight blocks until it ends)."""
        claims = sorted(claims)
        inserted = {r[0] for r in await self._rows(
            "INSERT INTO idempotency_keys (method, request_id, request_hash, context_id)"
            " SELECT :m, r, h, c FROM unnest(CAST(:r AS TEXT[]), CAST(:h AS BYTEA[]), CAST(:c AS TEXT[])) AS v(r, h, c)"
            " ORDER BY r ON CONFLICT DO NOTHING RETURNING request_id",
            {"m": method, "r": [c[0] for c in claims], "h": [c[1] for c in claims], "c": [c[2] for c in claims]})}
        taken = [c[0] for c in claims if c[0] not in inserted]
        if not taken:
            return {}
        rows = await self._rows("SELECT request_id, request_hash, response FROM idempotency_keys"
                                " WHERE method = :m AND request_id = ANY(:r)", {"m": method, "r": taken})
        return {r.request_id: (bytes(r.request_hash), bytes(r.response)) for r in rows}

    async def complete_requests(self, method: str, responses: dict[str, bytes], released: list[str]) -> None:
        """Stores the responses of claimed requests; drops the claims of `released` ones (they
        failed: as if their transaction had rolled back, a retry runs them again)."""
        if responses:
            await self.write("UPDATE idempotency_keys k SET response = v.b FROM unnest(CAST(:r AS TEXT[]), CAST(:b AS BYTEA[]))"
                             " AS v(r, b) WHERE k.method = :m AND k.request_id = v.r RETURNING 1",
                             {"m": method, "r": list(responses), "b": list(responses.values())},
                             updates="idempotency_keys", expect=len(responses))
        if released:
            await self.write("DELETE FROM idempotency_keys WHERE method = :m AND request_id = ANY(:r) RETURNING 1",
                             {"m": method, "r": released}, expect=len(released))

    async def add_events(self, events_: list[tuple[str, str, dict[str, Any], str, str]]) -> None:
        """Outbox rows (event_id, event_type, payload, context_id, trace_parent) in one INSERT."""
        if events_:
            await self.write(
                "INSERT INTO outbox (event_id, topic, event_type, payload, context_id, trace_parent)"
                " SELECT r->>0, :t, r->>1, r->2, r->>3, r->>4 FROM jsonb_array_elements(CAST(:rows AS JSONB)) r",
                {"t": TOPIC, "rows": json.dumps([list(e) for e in events_])})

    async def verify(self) -> list[tuple[bool, str]]:
        return await run_checks(self.conn)
