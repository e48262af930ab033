"""The ledger on real PostgreSQL under concurrent workers hammering the same accounts:
credits to one hot account, debits of it, racing resolutions of one hold, roll-ups and
expiry running alongside; then every invariant is verified. Also idempotency, the
database's own guards (immutability triggers) and the servicer's verify snapshot."""
from __future__ import annotations

import asyncio
import random

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from paymesh.ledger.v1 import ledger_service_pb2 as api
from servers.kernel.errors import AlreadyExists, PaymeshError
from servers.kernel.money import Money
from servers.ledger import handlers
from servers.ledger.adapters import SqlLedgerRepository as Repo
from servers.ledger.domain import AccountType, Leg, OwnerType, TransferState
from servers.ledger.servicer import LedgerServicer
from servers.ledger.workers import HoldExpiry, RollUp




async def _open(db, owner_type, owner, account_type):
    return await db.run_in_transaction(lambda c: handlers.open_account(Repo(c), handlers.OpenAccount(owner_type, owner, account_type, "EUR")))


async def test_hammering_one_hot_account_keeps_every_invariant(ledger_db, unique):
    db = ledger_db
    wallets = []
    for i in range(10):
        _, w = await db.run_in_transaction(lambda c, i=i: handlers.top_up_wallet(Repo(c), unique("top"), f"m{i}", Money("EUR", 500), "ctx"))
        wallets.append(w.account_id)
    merchant = (await _open(db, OwnerType.MERCHANT, "shop", AccountType.MERCHANT_PENDING_SETTLEMENT)).account_id
    settled = (await _open(db, OwnerType.MERCHANT, "shop", AccountType.MERCHANT_SETTLED)).account_id
    outcomes: dict[str, int] = {}

    async def attempt(work) -> None:
        try:
            await db.run_in_transaction(work)
            outcomes["ok"] = outcomes.get("ok", 0) + 1
        except PaymeshError as exc:
            outcomes[exc.reason] = outcomes.get(exc.reason, 0) + 1

    async def payer(w: str, n: int) -> None:
        for k in range(n):
            leg = Leg(w, merchant, Money("EUR", random.randint(1, 40)), "PAYMENT", pending=k % 3 == 0, timeout_seconds=k % 2)
            await attempt(lambda c, leg=leg: handlers.create_transfers(Repo(c), unique("pay"), [leg], "ctx"))

    async def settler() -> None:  # debits the hot account while it is being credited
        for _ in range(15):
            await attempt(lambda c: handlers.create_transfers(Repo(c), unique("set"), [Leg(merchant, settled, Money("EUR", 50), "SETTLEMENT")], "ctx"))
            await asyncio.sleep(0.01)

    async def resolver() -> None:  # races post and void on the same holds
        for _ in range(20):
            async with db.transaction() as c:
                rows = (await c.execute(text("SELECT transfer_id FROM transfers WHERE state = 1 ORDER BY random() LIMIT 1"))).scalars().all()
            for hold in rows:
                await asyncio.gather(*(attempt(lambda c, t=t: handlers.resolve(Repo(c), hold, t)) for t in
                                       (TransferState.POSTED, TransferState.VOIDED, TransferState.POSTED)))
            await asyncio.sleep(0.01)

    async def background() -> None:
        roll_up, expiry = RollUp(db), HoldExpiry(db)
        for _ in range(20):
            await roll_up.step()
            await expiry.step()
            await asyncio.sleep(0.02)

    await asyncio.gather(*(payer(w, 12) for w in wallets), settler(), resolver(), background())
    assert outcomes.get("ok", 0) > 100, outcomes
    assert set(outcomes) <= {"ok", "INSUFFICIENT_FUNDS", "TRANSFER_NOT_PENDING", "HOLD_EXPIRED"}, outcomes
    async with db.transaction() as c:
        multi = (await c.execute(text("SELECT count(*) FROM transfers WHERE state = 2 AND pending"))).scalar_one()
        ok, report = await handlers.verify(Repo(c))
    assert ok, "\n".join(report)
    assert multi >= 0
    # No wallet went below zero, and the hot account's balance reads the same before and after a full roll-up.
    async with db.transaction() as c:
        before = (await Repo(c).get_accounts([merchant]))[merchant]
    while await RollUp(db).step():
        pass
    async with db.transaction() as c:
        after = (await Repo(c).get_accounts([merchant]))[merchant]
        assert (await c.execute(text("SELECT count(*) FROM account_deltas"))).scalar_one() == 0
    assert before == after


async def test_idempotency_and_verify_through_the_servicer(ledger_db, unique):
    servicer = LedgerServicer(ledger_db)
    top = await servicer.TopUpWallet(api.TopUpWalletRequest(request_id=unique("t"), member_id="m", amount={"currency_code": "EUR", "amount_minor": 100}), None)
    merchant = (await servicer.OpenAccount(api.OpenAccountRequest(request_id="o", owner_type=2, owner_id="s", account_type=2, currency_code="EUR"), None)).account
    assert merchant.hot
    req = api.CreateTransfersRequest(request_id=unique("c"), legs=[api.TransferLeg(
        debit_account_id=top.wallet.account_id, credit_account_id=merchant.account_id, amount={"currency_code": "EUR", "amount_minor": 30},
        business_code="PAYMENT", pending=True)])
    first, again = [await servicer.CreateTransfers(req, None) for _ in range(2)]
    assert first == again
    req.legs[0].amount.amount_minor = 31
    with pytest.raises(AlreadyExists):
        await servicer.CreateTransfers(req, None)
    hold = first.transfers[0].transfer_id
    posts = await asyncio.gather(*(servicer.PostPendingTransfer(api.PostPendingTransferRequest(transfer_id=hold, request_id=f"p{i}"), None)
                                   for i in range(5)), return_exceptions=True)
    assert sum(not isinstance(p, Exception) for p in posts) == 1  # a hold resolves at most once
    reply = await servicer.VerifyLedger(api.VerifyLedgerRequest(), None)
    assert reply.ok, reply.report_lines
    async with ledger_db.transaction() as c:
        with pytest.raises(DBAPIError, match="immutable"):  # the database refuses edits of posted transfers
            await c.execute(text("UPDATE transfers SET amount_minor = 1 WHERE transfer_id = :t"), {"t": hold})
