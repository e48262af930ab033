"""PostgreSQL implementation of the ledger repository (SQLAlchemy Core on one connection,
inside the caller's transaction). READ COMMITTED plus explicit row locks:

    lock                      taken by                              conflicts with
    FOR UPDATE                freeze / unfreeze / close             everything below
    FOR NO KEY UPDATE         postings a flag guards, roll-up        itself, FOR UPDATE
    FOR KEY SHARE             buffered postings to hot accounts      FOR UPDATE only

Batch writes go through unnest() so a 100-leg batch is a handful of statements."""
from __future__ import annotations

import contextlib
from datetime import datetime
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
_ROLL_UP = (
    "WITH moved AS (DELETE FROM account_deltas WHERE account_id = ANY(:ids) RETURNING *),"
    " sums AS (SELECT account_id, sum(debits_posted) dp, sum(credits_posted) cp, sum(debits_pending) dq, sum(credits_pending) cq,"
    " count(*) n FROM moved GROUP BY account_id)"
    " UPDATE accounts a SET debits_posted = a.debits_posted + s.dp, credits_posted = a.credits_posted + s.cp,"
    " debits_pending = a.debits_pending + s.dq, credits_pending = a.credits_pending + s.cq FROM sums s"
    f" WHERE a.account_id = s.account_id RETURNING {_A}, {_BAL}, s.n")


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
    def __init__(self, conn: AsyncConnection):
        self.conn = conn

    async def _rows(self, sql: str, params: dict[str, Any] | None = None) -> list:
        return (await self.conn.execute(text(sql), params or {})).all()

    async def now(self) -> datetime:
        return (await self.conn.execute(text("SELECT now()"))).scalar_one()

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
        await self.conn.execute(text(
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
        out: dict[str, Account] = {}
        if row_locked:
            rows = await self._rows(f"SELECT {_A}, {_BAL} FROM accounts a WHERE a.account_id = ANY(:ids)"
                                    " ORDER BY a.account_id FOR NO KEY UPDATE", {"ids": row_locked})
            out.update((r.account_id, _account(r)) for r in rows)
            hot = [r.account_id for r in rows if r.hot]
            if hot:  # make the locked balance exact: fold the hot accounts' buffered deltas in
                out.update((r.account_id, _account(r)) for r in await self._rows(_ROLL_UP, {"ids": hot}))
        if shared:
            rows = await self._rows(f"SELECT {_A}, {_BAL_BUFFERED} FROM accounts a {_DELTAS} WHERE a.account_id = ANY(:ids)"
                                    " ORDER BY a.account_id FOR KEY SHARE OF a", {"ids": shared})
            out.update((r.account_id, _account(r)) for r in rows)
        return out

    async def lock_account_state(self, account_id: str) -> Account | None:
        rows = await self._rows(f"SELECT {_A}, {_BAL} FROM accounts a WHERE a.account_id = :a FOR UPDATE", {"a": account_id})
        if not rows:
            return None
        rolled = await self._rows(_ROLL_UP, {"ids": [account_id]})
        return _account((rolled or rows)[0])

    async def save_state(self, account: Account) -> None:
        await self.conn.execute(text("UPDATE accounts SET state = :s, update_time = now() WHERE account_id = :a"),
                                {"s": int(account.state), "a": account.account_id})

    async def apply_deltas(self, row: dict[str, Delta], buffered: dict[str, Delta]) -> None:
        def columns(deltas: dict[str, Delta]) -> dict[str, list]:
            items = sorted((a, d) for a, d in deltas.items() if d != Delta())
            return {"ids": [a for a, _ in items], "dp": [d.debits_posted for _, d in items], "cp": [d.credits_posted for _, d in items],
                    "dq": [d.debits_pending for _, d in items], "cq": [d.credits_pending for _, d in items]}

        unnest = ("unnest(CAST(:ids AS TEXT[]), CAST(:dp AS BIGINT[]), CAST(:cp AS BIGINT[]), CAST(:dq AS BIGINT[]),"
                  " CAST(:cq AS BIGINT[]))")
        if (params := columns(row))["ids"]:
            await self.conn.execute(text(
                "UPDATE accounts a SET debits_posted = a.debits_posted + v.dp, credits_posted = a.credits_posted + v.cp,"
                " debits_pending = a.debits_pending + v.dq, credits_pending = a.credits_pending + v.cq"
                f" FROM {unnest} AS v(id, dp, cp, dq, cq) WHERE a.account_id = v.id"), params)
        if (params := columns(buffered))["ids"]:
            await self.conn.execute(text(
                "INSERT INTO account_deltas (account_id, debits_posted, credits_posted, debits_pending, credits_pending)"
                f" SELECT * FROM {unnest}"), params)

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
        cols = {"t": [t.transfer_id for t in transfers], "r": [t.request_id for t in transfers],
                "i": [t.leg_index for t in transfers], "d": [t.leg.debit_account_id for t in transfers],
                "c": [t.leg.credit_account_id for t in transfers], "cur": [t.leg.amount.currency_code for t in transfers],
                "amt": [t.leg.amount.amount_minor for t in transfers], "s": [int(t.state) for t in transfers],
                "b": [t.leg.business_code for t in transfers], "o": [t.leg.order_id for t in transfers],
                "p": [t.leg.payment_id for t in transfers], "rf": [t.leg.refund_id for t in transfers],
                "sb": [t.leg.settlement_batch_id for t in transfers], "rev": [t.reverses_transfer_id for t in transfers],
                "ctx": [t.context_id for t in transfers], "pen": [t.leg.pending for t in transfers],
                "pa": [t.posted_amount for t in transfers], "to": [t.timeout_time for t in transfers]}
        rows = await self._rows(
            "INSERT INTO transfers (transfer_id, request_id, leg_index, debit_account_id, credit_account_id, currency_code,"
            " amount_minor, state, business_code, order_id, payment_id, refund_id, settlement_batch_id, reverses_transfer_id,"
            " context_id, pending, posted_amount_minor, timeout_time)"
            " SELECT * FROM unnest(CAST(:t AS TEXT[]), CAST(:r AS TEXT[]), CAST(:i AS INT[]), CAST(:d AS TEXT[]), CAST(:c AS TEXT[]),"
            " CAST(:cur AS TEXT[]), CAST(:amt AS BIGINT[]), CAST(:s AS SMALLINT[]), CAST(:b AS TEXT[]), CAST(:o AS TEXT[]),"
            " CAST(:p AS TEXT[]), CAST(:rf AS TEXT[]), CAST(:sb AS TEXT[]), CAST(:rev AS TEXT[]), CAST(:ctx AS TEXT[]),"
            " CAST(:pen AS BOOLEAN[]), CAST(:pa AS BIGINT[]), CAST(:to AS TIMESTAMPTZ[]))"
            f" RETURNING {_T}", cols)
        stored = sorted((_transfer(r) for r in rows), key=lambda t: t.leg_index)
        await self._entries([t for t in stored if t.state == TransferState.POSTED])
        return stored

    async def _entries(self, posted: list[Transfer]) -> None:
        if not posted:
            return
        acc, tid, deb, cred, ctx = [], [], [], [], []
        for t in posted:
            for account_id, d, c in ((t.leg.debit_account_id, t.posted_amount, 0), (t.leg.credit_account_id, 0, t.posted_amount)):
                acc.append(account_id), tid.append(t.transfer_id), deb.append(d), cred.append(c), ctx.append(t.context_id)
        await self.conn.execute(text(
            "INSERT INTO entries (account_id, transfer_id, debit_minor, credit_minor, context_id)"
            " SELECT * FROM unnest(CAST(:a AS TEXT[]), CAST(:t AS TEXT[]), CAST(:d AS BIGINT[]), CAST(:c AS BIGINT[]),"
            " CAST(:ctx AS TEXT[]))"), {"a": acc, "t": tid, "d": deb, "c": cred, "ctx": ctx})

    async def lock_transfer(self, transfer_id: str) -> Transfer | None:
        rows = await self._rows(f"SELECT {_T} FROM transfers WHERE transfer_id = :t FOR UPDATE", {"t": transfer_id})
        return _transfer(rows[0]) if rows else None

    async def resolve_transfer(self, hold: Transfer) -> Transfer:
        rows = await self._rows(
            "UPDATE transfers SET state = :s, posted_amount_minor = :pa, resolve_time = :rt WHERE transfer_id = :t AND state = 1"
            f" RETURNING {_T}", {"s": int(hold.state), "pa": hold.posted_amount, "rt": hold.resolve_time, "t": hold.transfer_id})
        assert len(rows) == 1, f"hold {hold.transfer_id} resolved twice"  # the row lock makes this impossible
        stored = _transfer(rows[0])
        await self._entries([stored] if stored.state == TransferState.POSTED else [])
        return stored

    async def reversed_amount(self, transfer_id: str) -> int:
        return int((await self.conn.execute(text(
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
        await events.add_event(self.conn, TOPIC, event_type, payload, notify=False)  # see README: hot path

    async def verify(self) -> list[tuple[bool, str]]:
        return await run_checks(self.conn)
