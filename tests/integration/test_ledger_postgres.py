"""The ledger on real PostgreSQL: concurrent debits of one wallet never overdraw it and
every invariant holds afterwards."""
from __future__ import annotations

import asyncio

import pytest

from servers.kernel.errors import FailedPrecondition
from servers.kernel.money import Money
from servers.ledger import handlers
from servers.ledger.adapters import SqlLedgerRepository
from servers.ledger.domain import AccountType, Leg, OwnerType




async def test_concurrent_debits_never_overdraw(ledger_db, unique):
    member = unique("mem")
    async with ledger_db.transaction() as conn:
        repo = SqlLedgerRepository(conn)
        _, wallet = await handlers.top_up_wallet(repo, unique("topup"), member, Money("EUR", 30), "ctx")
        merchant = await handlers.open_account(repo, handlers.OpenAccount(OwnerType.MERCHANT, "m1",
                                                                          AccountType.MERCHANT_PENDING_SETTLEMENT, "EUR"))

    async def pay(i: int) -> bool:
        leg = Leg(wallet.account_id, merchant.account_id, Money("EUR", 1), "PAYMENT")
        try:
            await ledger_db.run_in_transaction(
                lambda conn: handlers.create_transfers(SqlLedgerRepository(conn), f"pay-{member}-{i}", [leg], "ctx"))
            return True
        except FailedPrecondition as exc:
            assert exc.reason == "INSUFFICIENT_FUNDS"
            return False

    results = await asyncio.gather(*[pay(i) for i in range(50)])
    assert sum(results) == 30
    async with ledger_db.transaction() as conn:
        repo = SqlLedgerRepository(conn)
        assert (await handlers.get_account(repo, wallet.account_id)).available == Money("EUR", 0)
        assert (await handlers.get_account(repo, merchant.account_id)).available == Money("EUR", 30)
        ok, report = await handlers.verify(repo)
    assert ok, report


async def test_batch_is_all_or_nothing(ledger_db, unique):
    async with ledger_db.transaction() as conn:
        repo = SqlLedgerRepository(conn)
        _, wallet = await handlers.top_up_wallet(repo, unique("topup"), unique("mem"), Money("EUR", 10), "ctx")
        other = await handlers.open_account(repo, handlers.OpenAccount(OwnerType.MERCHANT, "m2", AccountType.MERCHANT_PENDING_SETTLEMENT, "EUR"))
    legs = [Leg(wallet.account_id, other.account_id, Money("EUR", 6), "PAYMENT"),
            Leg(wallet.account_id, other.account_id, Money("EUR", 6), "PAYMENT")]
    with pytest.raises(FailedPrecondition):
        await ledger_db.run_in_transaction(lambda conn: handlers.create_transfers(SqlLedgerRepository(conn), unique("b"), legs, "ctx"))
    async with ledger_db.transaction() as conn:
        assert (await handlers.get_account(SqlLedgerRepository(conn), wallet.account_id)).available == Money("EUR", 10)
