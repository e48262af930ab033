"""PostgreSQL implementation of the ledger repository (SQLAlchemy Core on one connection,
inside the caller's transaction)."""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from servers.kernel.money import Money
from servers.ledger.domain import Account, AccountState, AccountType, Leg, OwnerType, Transfer, TransferState

_ACCOUNT_COLS = ("account_id, owner_type, owner_id, account_type, currency_code, debits_must_not_exceed_credits,"
                 " credits_must_not_exceed_debits, state, debits_posted, credits_posted, debits_pending, credits_pending, context_id")
_TRANSFER_COLS = ("transfer_id, request_id, leg_index, debit_account_id, credit_account_id, currency_code, amount_minor, state,"
                  " business_code, order_id, payment_id, refund_id, settlement_batch_id, reverses_transfer_id, context_id, create_time")


def _account(row) -> Account:
    return Account(row.account_id, OwnerType(row.owner_type), row.owner_id, AccountType(row.account_type), row.currency_code,
                   row.debits_must_not_exceed_credits, row.credits_must_not_exceed_debits, AccountState(row.state),
                   row.debits_posted, row.credits_posted, row.debits_pending, row.credits_pending, row.context_id)


def _transfer(row) -> Transfer:
    leg = Leg(row.debit_account_id, row.credit_account_id, Money(row.currency_code, row.amount_minor), row.business_code,
              pending=row.state == TransferState.PENDING, order_id=row.order_id, payment_id=row.payment_id,
              refund_id=row.refund_id, settlement_batch_id=row.settlement_batch_id)
    return Transfer(row.transfer_id, row.request_id, row.leg_index, leg, TransferState(row.state), row.context_id,
                    row.create_time, row.reverses_transfer_id)


class SqlLedgerRepository:
    def __init__(self, conn: AsyncConnection):
        self.conn = conn

    async def get_account(self, account_id: str) -> Account | None:
        row = (await self.conn.execute(text(f"SELECT {_ACCOUNT_COLS} FROM accounts WHERE account_id = :a"), {"a": account_id})).first()
        return _account(row) if row else None

    async def find_account(self, owner_type, owner_id, account_type, currency_code) -> Account | None:
        row = (await self.conn.execute(text(
            f"SELECT {_ACCOUNT_COLS} FROM accounts WHERE owner_type = :ot AND owner_id = :o AND account_type = :at AND currency_code = :c"),
            {"ot": int(owner_type), "o": owner_id, "at": int(account_type), "c": currency_code})).first()
        return _account(row) if row else None

    async def insert_account(self, account: Account) -> Account:
        await self.conn.execute(text(
            "INSERT INTO accounts (account_id, owner_type, owner_id, account_type, currency_code, debits_must_not_exceed_credits,"
            " credits_must_not_exceed_debits, state, context_id) VALUES (:a, :ot, :o, :at, :c, :d, :cr, :s, :ctx)"
            " ON CONFLICT (owner_type, owner_id, account_type, currency_code) DO NOTHING"),
            {"a": account.account_id, "ot": int(account.owner_type), "o": account.owner_id, "at": int(account.account_type),
             "c": account.currency_code, "d": account.debits_must_not_exceed_credits, "cr": account.credits_must_not_exceed_debits,
             "s": int(account.state), "ctx": account.context_id})
        found = await self.find_account(account.owner_type, account.owner_id, account.account_type, account.currency_code)
        assert found is not None
        return found

    async def lock_accounts(self, account_ids: list[str]) -> dict[str, Account]:
        rows = (await self.conn.execute(text(
            f"SELECT {_ACCOUNT_COLS} FROM accounts WHERE account_id = ANY(:ids) ORDER BY account_id FOR UPDATE"),
            {"ids": sorted(account_ids)})).all()
        return {row.account_id: _account(row) for row in rows}

    async def save_balances(self, accounts: list[Account]) -> None:
        await self.conn.execute(text(
            "UPDATE accounts SET debits_posted = :dp, credits_posted = :cp, debits_pending = :dq, credits_pending = :cq"
            " WHERE account_id = :a"),
            [{"a": a.account_id, "dp": a.debits_posted, "cp": a.credits_posted, "dq": a.debits_pending, "cq": a.credits_pending}
             for a in accounts])

    async def insert_transfers(self, transfers: list[Transfer]) -> None:
        await self.conn.execute(text(
            "INSERT INTO transfers (transfer_id, request_id, leg_index, debit_account_id, credit_account_id, currency_code,"
            " amount_minor, state, business_code, order_id, payment_id, refund_id, settlement_batch_id, reverses_transfer_id, context_id)"
            " VALUES (:t, :r, :i, :d, :c, :cur, :amt, :s, :b, :o, :p, :rf, :sb, :rev, :ctx)"),
            [{"t": t.transfer_id, "r": t.request_id, "i": t.leg_index, "d": t.leg.debit_account_id, "c": t.leg.credit_account_id,
              "cur": t.leg.amount.currency_code, "amt": t.leg.amount.amount_minor, "s": int(t.state), "b": t.leg.business_code,
              "o": t.leg.order_id, "p": t.leg.payment_id, "rf": t.leg.refund_id, "sb": t.leg.settlement_batch_id,
              "rev": t.reverses_transfer_id, "ctx": t.context_id} for t in transfers])
        posted = [t for t in transfers if t.state == TransferState.POSTED]
        if posted:
            entries = []
            for t in posted:
                amount = t.leg.amount.amount_minor
                entries.append({"a": t.leg.debit_account_id, "t": t.transfer_id, "d": amount, "c": 0, "ctx": t.context_id})
                entries.append({"a": t.leg.credit_account_id, "t": t.transfer_id, "d": 0, "c": amount, "ctx": t.context_id})
            await self.conn.execute(text(
                "INSERT INTO entries (account_id, transfer_id, debit_minor, credit_minor, context_id) VALUES (:a, :t, :d, :c, :ctx)"), entries)

    async def find_transfers_by_request(self, request_id: str) -> list[Transfer]:
        rows = (await self.conn.execute(text(f"SELECT {_TRANSFER_COLS} FROM transfers WHERE request_id = :r ORDER BY leg_index"),
                                        {"r": request_id})).all()
        return [_transfer(r) for r in rows]

    async def get_transfer(self, transfer_id: str) -> Transfer | None:
        row = (await self.conn.execute(text(f"SELECT {_TRANSFER_COLS} FROM transfers WHERE transfer_id = :t"), {"t": transfer_id})).first()
        return _transfer(row) if row else None

    async def list_transfers(self, filters: dict[str, str], page_size: int, after: str) -> list[Transfer]:
        clauses, params = ["transfer_id > :after"], {"after": after, "n": page_size}
        for column in ("context_id", "order_id", "payment_id"):
            if column in filters:
                clauses.append(f"{column} = :{column}")
                params[column] = filters[column]
        if "account_id" in filters:
            clauses.append("(debit_account_id = :account_id OR credit_account_id = :account_id)")
            params["account_id"] = filters["account_id"]
        rows = (await self.conn.execute(text(
            f"SELECT {_TRANSFER_COLS} FROM transfers WHERE {' AND '.join(clauses)} ORDER BY transfer_id LIMIT :n"), params)).all()
        return [_transfer(r) for r in rows]

    async def verify(self) -> list[tuple[bool, str]]:
        checks: list[tuple[bool, str]] = []
        for row in (await self.conn.execute(text(
                "SELECT a.currency_code, sum(e.debit_minor) AS d, sum(e.credit_minor) AS c FROM entries e"
                " JOIN accounts a USING (account_id) GROUP BY a.currency_code ORDER BY 1"))).all():
            checks.append((row.d == row.c, f"{row.currency_code}: sum of debits {row.d} = sum of credits {row.c}"))
        bad = (await self.conn.execute(text(
            "SELECT a.account_id FROM accounts a LEFT JOIN (SELECT account_id, sum(debit_minor) d, sum(credit_minor) c FROM entries"
            " GROUP BY account_id) e USING (account_id) WHERE a.debits_posted <> coalesce(e.d, 0) OR a.credits_posted <> coalesce(e.c, 0)"
            " LIMIT 20"))).scalars().all()
        checks.append((not bad, "every account balance equals the sum of its entries" + (f"; differ: {', '.join(bad)}" if bad else "")))
        over = (await self.conn.execute(text(
            "SELECT account_id FROM accounts WHERE debits_must_not_exceed_credits AND debits_posted + debits_pending > credits_posted LIMIT 20"
        ))).scalars().all()
        checks.append((not over, "no overdraft on accounts flagged debits_must_not_exceed_credits" + (f"; overdrawn: {', '.join(over)}" if over else "")))
        return checks
