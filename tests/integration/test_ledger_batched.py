"""The RPC write path on real PostgreSQL: a booking's writes (balances, deltas, transfers,
entries, outbox) are deferred and sent as one statement. All-or-nothing still holds for a
batch with a failing leg, reads inside the transaction see the queued writes, stored rows
equal the returned ones, and concurrent credits/debits through the servicer stay exact."""
from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from paymesh.ledger.v1 import ledger_service_pb2 as api
from servers.kernel.errors import FailedPrecondition, NotFound
from servers.kernel.money import Money
from servers.ledger import handlers
from servers.ledger.adapters import SqlLedgerRepository as Repo
from servers.ledger.domain import Leg
from servers.ledger.servicer import LedgerServicer




def eur(n: int) -> dict:
    return {"currency_code": "EUR", "amount_minor": n}


async def _open(ledger: LedgerServicer, unique, owner_type: int, account_type: int) -> str:
    reply = await ledger.OpenAccount(api.OpenAccountRequest(request_id=unique("o"), owner_type=owner_type, owner_id=unique("own"),
                                                            account_type=account_type, currency_code="EUR"), None)
    return reply.account.account_id


async def _wallets(ledger: LedgerServicer, unique, n: int, amount: int) -> list[str]:
    wallets = []
    for _ in range(n):
        reply = await ledger.TopUpWallet(api.TopUpWalletRequest(request_id=unique("top"), member_id=unique("mem"), amount=eur(amount)), None)
        wallets.append(reply.wallet.account_id)
    return wallets


async def _available(ledger: LedgerServicer, account_id: str) -> int:
    return (await ledger.GetBalance(api.GetBalanceRequest(account_id=account_id), None)).balance.available.amount_minor


async def test_batch_with_a_failing_last_leg_posts_nothing(ledger_db, unique):
    ledger = LedgerServicer(ledger_db)
    wallets = await _wallets(ledger, unique, 5, 10)
    merchant = await _open(ledger, unique, 2, 2)
    legs = [api.TransferLeg(debit_account_id=w, credit_account_id=merchant, amount=eur(10), business_code="PAYMENT") for w in wallets]
    legs.append(api.TransferLeg(debit_account_id=wallets[0], credit_account_id=merchant, amount=eur(1), business_code="PAYMENT"))
    request_id = unique("b")
    with pytest.raises(FailedPrecondition) as err:
        await ledger.CreateTransfers(api.CreateTransfersRequest(request_id=request_id, legs=legs), None)
    assert err.value.reason == "INSUFFICIENT_FUNDS"
    with pytest.raises(NotFound):  # an unknown account in the last leg: nothing either
        await ledger.CreateTransfers(api.CreateTransfersRequest(request_id=unique("b"), legs=[*legs[:5], api.TransferLeg(
            debit_account_id=wallets[0], credit_account_id="acc_nope", amount=eur(1), business_code="PAYMENT")]), None)
    assert [await _available(ledger, w) for w in wallets] == [10] * 5
    assert await _available(ledger, merchant) == 0
    async with ledger_db.transaction() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM transfers WHERE request_id = :r"), {"r": request_id})).scalar_one() == 0
        assert (await conn.execute(text("SELECT count(*) FROM idempotency_keys WHERE request_id = :r"), {"r": request_id})).scalar_one() == 0
    # the same request id, now valid, posts once; the retry returns the same transfers
    ok = api.CreateTransfersRequest(request_id=request_id, legs=legs[:5])
    first = await ledger.CreateTransfers(ok, None)
    assert first == await ledger.CreateTransfers(ok, None)
    assert await _available(ledger, merchant) == 50
    assert (await ledger.VerifyLedger(api.VerifyLedgerRequest(), None)).ok


async def test_returned_transfers_equal_stored_ones_and_events_are_in_the_same_statement(ledger_db, unique):
    ledger = LedgerServicer(ledger_db)
    [wallet] = await _wallets(ledger, unique, 1, 100)
    merchant = await _open(ledger, unique, 2, 2)
    reply = await ledger.CreateTransfers(api.CreateTransfersRequest(request_id=unique("h"), legs=[
        api.TransferLeg(debit_account_id=wallet, credit_account_id=merchant, amount=eur(30), business_code="PAYMENT",
                        pending=True, timeout_seconds=60, ref={"order_id": "o-1"}),
        api.TransferLeg(debit_account_id=wallet, credit_account_id=merchant, amount=eur(5), business_code="FEE")]), None)
    for t in reply.transfers:
        assert (await ledger.GetTransfer(api.GetTransferRequest(transfer_id=t.transfer_id), None)).transfer == t
    hold = reply.transfers[0]
    assert hold.timeout_time.seconds == hold.create_time.seconds + 60
    posted = await ledger.PostPendingTransfer(api.PostPendingTransferRequest(transfer_id=hold.transfer_id, request_id=unique("p"),
                                                                              amount=eur(20)), None)
    assert (await ledger.GetTransfer(api.GetTransferRequest(transfer_id=hold.transfer_id), None)).transfer == posted.transfer
    assert await _available(ledger, wallet) == 75 and await _available(ledger, merchant) == 25
    async with ledger_db.transaction() as conn:
        kinds = (await conn.execute(text("SELECT event_type FROM outbox ORDER BY create_time"))).scalars().all()
        entries = (await conn.execute(text("SELECT account_id, debit_minor, credit_minor FROM entries WHERE transfer_id = :t ORDER BY entry_id"),
                                      {"t": hold.transfer_id})).all()
    assert kinds.count("transfers.posted") == 3  # top-up, the batch's posted leg, the hold's post
    assert [tuple(e) for e in entries] == [(wallet, 20, 0), (merchant, 0, 20)]


async def test_reads_in_a_deferred_transaction_see_its_queued_writes(ledger_db, unique):
    ledger = LedgerServicer(ledger_db)
    [wallet] = await _wallets(ledger, unique, 1, 10)
    merchant = await _open(ledger, unique, 2, 2)
    async with ledger_db.transaction() as conn:
        repo = Repo(conn, deferred=True)
        await handlers.create_transfers(repo, unique("d"), [Leg(wallet, merchant, Money("EUR", 4), "PAYMENT")], "ctx")
        assert (await handlers.get_account(repo, wallet)).available == Money("EUR", 6)
        assert (await handlers.get_account(repo, merchant)).available == Money("EUR", 4)
        await handlers.create_transfers(repo, unique("d"), [Leg(wallet, merchant, Money("EUR", 6), "PAYMENT")], "ctx")
        with pytest.raises(FailedPrecondition):  # the second booking's lock sees the first one's row update
            await handlers.create_transfers(repo, unique("d"), [Leg(wallet, merchant, Money("EUR", 1), "PAYMENT")], "ctx")
    assert await _available(ledger, wallet) == 0  # the failed third booking raised before queueing anything


async def test_concurrent_rpcs_on_one_hot_account_stay_exact(ledger_db, unique):
    ledger = LedgerServicer(ledger_db)
    wallets = await _wallets(ledger, unique, 8, 20)
    hot = await _open(ledger, unique, 2, 2)
    settled = await _open(ledger, unique, 2, 3)
    outcomes = {"ok": 0, "INSUFFICIENT_FUNDS": 0}

    async def call(debit: str, credit: str, amount: int) -> None:
        try:
            await ledger.CreateTransfers(api.CreateTransfersRequest(request_id=unique("c"), legs=[api.TransferLeg(
                debit_account_id=debit, credit_account_id=credit, amount=eur(amount), business_code="PAYMENT")]), None)
            outcomes["ok"] += 1
        except FailedPrecondition as exc:
            outcomes[exc.reason] += 1

    async def payer(w: str) -> None:
        for _ in range(25):  # 25 × 1 from 20: five refused each
            await call(w, hot, 1)

    async def settler() -> None:
        for _ in range(40):  # debits of the hot account race the credits: never below zero
            await call(hot, settled, 5)

    await asyncio.gather(*(payer(w) for w in wallets), settler())
    credited = 8 * 20
    assert await _available(ledger, hot) + await _available(ledger, settled) == credited
    assert await _available(ledger, hot) >= 0 and outcomes["ok"] == credited + await _available(ledger, settled) // 5
    assert (await ledger.VerifyLedger(api.VerifyLedgerRequest(), None)).ok
