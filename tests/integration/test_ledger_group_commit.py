"""Group commit on real PostgreSQL (servers/ledger/group_commit.py): concurrent CreateTransfers
requests booked together in one transaction keep every guarantee of one-by-one booking —
exact overdraft checks, per-request all-or-nothing, idempotency (a duplicate request_id
inside one group, a reused id with other content), one outbox event per request in its own
context — and a group whose transaction fails as a whole falls back to one by one."""
from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text

from paymesh.ledger.v1 import ledger_service_pb2 as api
from servers.kernel.context import context_scope
from servers.kernel.errors import AlreadyExists, FailedPrecondition, NotFound
from servers.ledger.group_commit import GroupCommit
from servers.ledger.servicer import LedgerServicer




def eur(n: int) -> dict:
    return {"currency_code": "EUR", "amount_minor": n}


def pay(request_id: str, debit: str, credit: str, amount: int) -> api.CreateTransfersRequest:
    return api.CreateTransfersRequest(request_id=request_id, legs=[api.TransferLeg(
        debit_account_id=debit, credit_account_id=credit, amount=eur(amount), business_code="PAYMENT")])


async def _setup(ledger: LedgerServicer, unique, wallets: int, amount: int) -> tuple[list[str], str]:
    ids = []
    for _ in range(wallets):
        reply = await ledger.TopUpWallet(api.TopUpWalletRequest(request_id=unique("top"), member_id=unique("mem"), amount=eur(amount)), None)
        ids.append(reply.wallet.account_id)
    hot = await ledger.OpenAccount(api.OpenAccountRequest(request_id=unique("o"), owner_type=2, owner_id=unique("shop"),
                                                          account_type=2, currency_code="EUR"), None)
    return ids, hot.account.account_id


async def _available(ledger: LedgerServicer, account_id: str) -> int:
    return (await ledger.GetBalance(api.GetBalanceRequest(account_id=account_id), None)).balance.available.amount_minor


async def _outcome(call) -> object:
    try:
        return await call
    except (FailedPrecondition, NotFound, AlreadyExists) as exc:
        return exc


async def test_a_group_with_failing_and_duplicate_requests_gives_each_its_own_outcome(ledger_db, unique):
    ledger = LedgerServicer(ledger_db)
    [w1, w2, w3], hot = await _setup(ledger, unique, 3, 10)
    dup, reused = unique("dup"), unique("reused")
    await ledger.CreateTransfers(pay(reused, w3, hot, 1), None)  # committed earlier: its id now taken
    groups_before = ledger.group.groups
    requests = [
        pay(unique("ok"), w1, hot, 4),
        pay(unique("over"), w1, hot, 7),          # 4 + 7 > 10: refused, alone
        pay(dup, w2, hot, 5),
        pay(dup, w2, hot, 5),                     # the same request twice in one burst: booked once
        pay(unique("ok"), w1, hot, 6),
        pay(unique("nope"), w2, "acc_nope", 1),   # unknown account
        pay(reused, w3, hot, 2),                  # the id of an earlier, different request
        pay(dup, w2, hot, 3),                     # the burst's id with other content
    ]
    outcomes = await asyncio.gather(*(_outcome(ledger.CreateTransfers(r, None)) for r in requests))
    assert ledger.group.groups - groups_before < len(requests)  # they were grouped
    assert isinstance(outcomes[0], api.CreateTransfersResponse) and isinstance(outcomes[4], api.CreateTransfersResponse)
    assert isinstance(outcomes[1], FailedPrecondition) and outcomes[1].reason == "INSUFFICIENT_FUNDS"
    assert outcomes[2] == outcomes[3] and isinstance(outcomes[2], api.CreateTransfersResponse)
    assert isinstance(outcomes[5], NotFound)
    assert isinstance(outcomes[6], AlreadyExists) and outcomes[6].reason == "REQUEST_ID_REUSED"
    assert isinstance(outcomes[7], AlreadyExists) and outcomes[7].reason == "REQUEST_ID_REUSED"
    assert [await _available(ledger, a) for a in (w1, w2, w3, hot)] == [0, 5, 9, 16]
    # retries return the stored responses; a refused request's id is free again
    assert await ledger.CreateTransfers(requests[0], None) == outcomes[0]
    assert await ledger.CreateTransfers(requests[2], None) == outcomes[2]
    with pytest.raises(FailedPrecondition):
        await ledger.CreateTransfers(requests[1], None)
    await ledger.CreateTransfers(pay(requests[1].request_id, w2, hot, 5), None)
    async with ledger_db.transaction() as conn:
        keys = (await conn.execute(text("SELECT count(*) FROM idempotency_keys WHERE method = 'CreateTransfers' AND response IS NOT NULL"))).scalar_one()
        transfers = (await conn.execute(text("SELECT count(*) FROM transfers WHERE request_id = :r"), {"r": dup})).scalar_one()
    assert keys == 5 and transfers == 1  # reused, ok, dup, ok, and the freed id
    assert (await ledger.VerifyLedger(api.VerifyLedgerRequest(), None)).ok


async def test_concurrent_debits_through_groups_never_overdraw(ledger_db, unique):
    ledger = LedgerServicer(ledger_db, group_commit_inflight=3)
    wallets, hot = await _setup(ledger, unique, 4, 50)
    settled = (await ledger.OpenAccount(api.OpenAccountRequest(request_id=unique("o"), owner_type=2, owner_id=unique("shop"),
                                                               account_type=3, currency_code="EUR"), None)).account.account_id
    # 4 × 80 credits of 1 (30 refused per wallet) race 60 settlements of 3 out of the hot account
    calls = [ledger.CreateTransfers(pay(unique("c"), w, hot, 1), None) for w in wallets for _ in range(80)]
    calls += [ledger.CreateTransfers(pay(unique("s"), hot, settled, 3), None) for _ in range(60)]
    outcomes = await asyncio.gather(*(_outcome(c) for c in calls))
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert all(isinstance(o, FailedPrecondition) and o.reason == "INSUFFICIENT_FUNDS" for o in refused)
    assert ledger.group.grouped / ledger.group.groups > 2  # requests really shared transactions
    assert [await _available(ledger, w) for w in wallets] == [0] * 4
    settled_amount = await _available(ledger, settled)
    assert await _available(ledger, hot) + settled_amount == 200 and await _available(ledger, hot) >= 0
    assert len(outcomes) - len(refused) == 200 + settled_amount // 3
    assert (await ledger.VerifyLedger(api.VerifyLedgerRequest(), None)).ok


async def test_each_request_of_a_group_gets_its_own_event_and_context(ledger_db, unique):
    ledger = LedgerServicer(ledger_db)
    wallets, hot = await _setup(ledger, unique, 3, 10)

    async def in_context(i: int, w: str):
        with context_scope(f"ctx-{i}"):
            return await ledger.CreateTransfers(pay(unique("e"), w, hot, 1), None)

    replies = await asyncio.gather(*(in_context(i, w) for i, w in enumerate(wallets)))
    assert [r.transfers[0].context_id for r in replies] == ["ctx-0", "ctx-1", "ctx-2"]
    async with ledger_db.transaction() as conn:
        rows = (await conn.execute(text("SELECT context_id, payload FROM outbox WHERE context_id LIKE 'ctx-%' ORDER BY context_id"))).all()
    assert [(r.context_id, r.payload["transfers"][0]["transfer_id"]) for r in rows] == \
           [(f"ctx-{i}", replies[i].transfers[0].transfer_id) for i in range(3)]


async def test_a_group_failing_as_a_whole_books_its_requests_one_by_one(ledger_db, unique, monkeypatch):
    ledger = LedgerServicer(ledger_db)
    wallets, hot = await _setup(ledger, unique, 4, 10)
    real, failures = GroupCommit._book, []

    async def broken_once(self, repo, group):
        if not failures:
            failures.append(len(group))
            raise RuntimeError("the group's statement failed")
        return await real(self, repo, group)

    monkeypatch.setattr(GroupCommit, "_book", broken_once)
    requests = [pay(unique("f"), w, hot, 10) for w in wallets] + [pay(unique("f"), wallets[0], hot, 1)]
    outcomes = await asyncio.gather(*(_outcome(ledger.CreateTransfers(r, None)) for r in requests))
    assert failures and failures[0] > 1
    assert [type(o).__name__ for o in outcomes] == ["CreateTransfersResponse"] * 4 + ["FailedPrecondition"]
    assert await _available(ledger, hot) == 40 and [await _available(ledger, w) for w in wallets] == [0] * 4
    assert (await ledger.VerifyLedger(api.VerifyLedgerRequest(), None)).ok


async def test_a_caller_that_gives_up_does_not_cancel_its_booking_and_a_retry_gets_it(ledger_db, unique):
    ledger = LedgerServicer(ledger_db)
    [wallet], hot = await _setup(ledger, unique, 1, 10)
    request = pay(unique("deadline"), wallet, hot, 3)
    call = asyncio.create_task(ledger.CreateTransfers(request, None))
    await asyncio.sleep(0)  # submitted: waiting for its group
    call.cancel()  # the client's deadline passed
    with pytest.raises(asyncio.CancelledError):
        await call
    for _ in range(200):  # the group goes on and commits
        if await _available(ledger, hot) == 3:
            break
        await asyncio.sleep(0.02)
    assert await _available(ledger, hot) == 3
    retry = await ledger.CreateTransfers(request, None)
    assert await _available(ledger, hot) == 3 and await _available(ledger, wallet) == 7  # booked once
    assert (await ledger.GetTransfer(api.GetTransferRequest(transfer_id=retry.transfers[0].transfer_id), None)).transfer == retry.transfers[0]
