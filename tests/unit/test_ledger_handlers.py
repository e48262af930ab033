"""Ledger handlers on the in-memory repository: holds, hot accounts, reversals, paging,
point-in-time balances, account lifecycle and events."""
from __future__ import annotations

from datetime import timedelta

import pytest

from servers.kernel.errors import Expired, FailedPrecondition, InvalidArgument
from servers.kernel.money import Money
from servers.ledger import handlers
from servers.ledger.domain import AccountState, AccountType, Delta, Leg, OwnerType, TransferState
from tests.unit.ledger_fakes import FakeLedgerRepository


def eur(n: int) -> Money:
    return Money("EUR", n)


@pytest.fixture
async def world():
    repo = FakeLedgerRepository()
    _, wallet = await handlers.top_up_wallet(repo, "top", "m1", eur(1000), "ctx")
    merchant = await handlers.open_account(repo, handlers.OpenAccount(OwnerType.MERCHANT, "shop", AccountType.MERCHANT_PENDING_SETTLEMENT, "EUR"))
    return repo, wallet.account_id, merchant.account_id


async def test_credits_to_a_hot_account_are_buffered_and_read_as_applied(world):
    repo, wallet, merchant = world
    for i in range(3):
        await handlers.create_transfers(repo, f"p{i}", [Leg(wallet, merchant, eur(100), "PAYMENT")], "ctx")
    assert [a for a, _ in repo.deltas].count(merchant) == 3 and repo.accounts[merchant].credits_posted == 0
    assert (await handlers.get_account(repo, merchant)).available == eur(300)
    # A debit of the hot account needs the exact balance: it rolls its deltas into the row first.
    settled = await handlers.open_account(repo, handlers.OpenAccount(OwnerType.MERCHANT, "shop", AccountType.MERCHANT_SETTLED, "EUR"))
    await handlers.create_transfers(repo, "settle", [Leg(merchant, settled.account_id, eur(300), "SETTLEMENT")], "ctx")
    assert merchant not in [a for a, _ in repo.deltas] and repo.accounts[merchant].available == eur(0)
    with pytest.raises(FailedPrecondition, match="insufficient"):
        await repo(lambda r: handlers.create_transfers(r, "over", [Leg(merchant, settled.account_id, eur(1), "SETTLEMENT")], "ctx"))


async def test_a_wallet_is_cold_and_never_buffers(world):
    repo, wallet, merchant = world
    assert not repo.accounts[wallet].hot and repo.accounts[merchant].hot
    assert all(a != wallet for a, _ in repo.deltas)
    assert repo.accounts[wallet].is_safe(Delta(credits_posted=5)) and not repo.accounts[wallet].is_safe(Delta(debits_pending=5))


async def test_a_hold_posts_in_part_once_and_releases_the_rest(world):
    repo, wallet, merchant = world
    [hold] = await handlers.create_transfers(repo, "h", [Leg(wallet, merchant, eur(400), "PAYMENT", pending=True)], "ctx")
    assert (await handlers.get_account(repo, wallet)).available == eur(600)
    posted = await handlers.resolve(repo, hold.transfer_id, TransferState.POSTED, eur(250))
    assert posted.state == TransferState.POSTED and posted.posted_amount == 250
    assert (await handlers.get_account(repo, wallet)).available == eur(750)
    assert (await handlers.get_account(repo, merchant)).credits_pending == 0
    for target in (TransferState.POSTED, TransferState.VOIDED):
        with pytest.raises(FailedPrecondition) as err:
            await handlers.resolve(repo, hold.transfer_id, target)
        assert err.value.reason == "TRANSFER_NOT_PENDING"
    assert [e for e, _ in repo.events] == ["transfers.posted", "transfers.posted"]  # top-up, then the hold's post


async def test_posting_more_than_held_is_invalid(world):
    repo, wallet, merchant = world
    [hold] = await handlers.create_transfers(repo, "h", [Leg(wallet, merchant, eur(10), "PAYMENT", pending=True)], "ctx")
    with pytest.raises(InvalidArgument) as err:
        await handlers.resolve(repo, hold.transfer_id, TransferState.POSTED, eur(11))
    assert err.value.violations[0].field == "amount.amount_minor"


async def test_holds_expire_after_their_timeout_and_cannot_be_posted_late(world):
    repo, wallet, merchant = world
    [hold] = await handlers.create_transfers(repo, "h", [Leg(wallet, merchant, eur(10), "PAYMENT", pending=True, timeout_seconds=30)], "ctx")
    assert await handlers.expire_due(repo) == 0
    repo.tick(30)
    with pytest.raises(Expired):
        await handlers.resolve(repo, hold.transfer_id, TransferState.POSTED)
    assert await handlers.expire_due(repo) == 1
    assert (await handlers.get_transfer(repo, hold.transfer_id)).state == TransferState.EXPIRED
    assert (await handlers.get_account(repo, wallet)).available == eur(1000)
    assert repo.events[-1][0] == "transfers.expired"


async def test_reversals_book_back_and_never_exceed_the_original(world):
    repo, wallet, merchant = world
    [pay] = await handlers.create_transfers(repo, "p", [Leg(wallet, merchant, eur(100), "PAYMENT", order_id="o1")], "ctx")
    rev = await handlers.reverse(repo, pay.transfer_id, "r1", eur(60), "ctx")
    assert (rev.leg.debit_account_id, rev.leg.credit_account_id, rev.reverses_transfer_id) == (merchant, wallet, pay.transfer_id)
    assert rev.leg.order_id == "o1"
    with pytest.raises(InvalidArgument):
        await handlers.reverse(repo, pay.transfer_id, "r2", eur(41), "ctx")
    await handlers.reverse(repo, pay.transfer_id, "r3", None, "ctx")  # the remaining 40
    assert (await handlers.get_account(repo, wallet)).available == eur(1000)
    assert repo.transfers[pay.transfer_id] == pay  # the original is untouched


async def test_close_needs_an_empty_account_and_frozen_accounts_refuse_debits(world):
    repo, wallet, merchant = world
    with pytest.raises(FailedPrecondition) as err:
        await handlers.set_state(repo, wallet, AccountState.CLOSED)
    assert err.value.reason == "ACCOUNT_NOT_EMPTY"
    await handlers.set_state(repo, wallet, AccountState.FROZEN)
    with pytest.raises(FailedPrecondition) as err:
        await repo(lambda r: handlers.create_transfers(r, "x", [Leg(wallet, merchant, eur(1), "PAYMENT")], "ctx"))
    assert err.value.reason == "ACCOUNT_NOT_ACTIVE"
    await handlers.set_state(repo, wallet, AccountState.ACTIVE)
    empty = await handlers.open_account(repo, handlers.OpenAccount(OwnerType.MEMBER, "m2", AccountType.MEMBER_WALLET, "EUR"))
    closed = await handlers.set_state(repo, empty.account_id, AccountState.CLOSED)
    assert closed.state == AccountState.CLOSED
    with pytest.raises(FailedPrecondition):
        await handlers.set_state(repo, empty.account_id, AccountState.ACTIVE)


async def test_listings_page_with_opaque_tokens_bound_to_their_filters(world):
    repo, wallet, merchant = world
    for i in range(5):
        await handlers.create_transfers(repo, f"p{i}", [Leg(wallet, merchant, eur(1), "PAYMENT", payment_id="pay1")], "ctx")
    seen, token = [], ""
    while True:
        page, token = await handlers.list_transfers(repo, {"payment_id": "pay1"}, 2, token)
        seen += [t.transfer_id for t in page]
        if not token:
            break
        with pytest.raises(InvalidArgument):
            await handlers.list_transfers(repo, {"payment_id": "other"}, 2, token)
    assert len(seen) == len(set(seen)) == 5
    entries, token = await handlers.list_entries(repo, merchant, 3, "")
    rest, last = await handlers.list_entries(repo, merchant, 3, token)
    assert len(entries) == 3 and len(rest) == 2 and not last and entries[0].entry_id > rest[0].entry_id
    with pytest.raises(InvalidArgument):
        await handlers.list_entries(repo, merchant, 3, "garbage!")


async def test_balance_at_a_point_in_time(world):
    repo, wallet, merchant = world
    before = repo.clock
    repo.tick(10)
    [hold] = await handlers.create_transfers(repo, "h", [Leg(wallet, merchant, eur(100), "PAYMENT", pending=True)], "ctx")
    repo.tick(10)
    await handlers.resolve(repo, hold.transfer_id, TransferState.POSTED, eur(40))
    at_start = await handlers.get_balance(repo, wallet, before)
    during = await handlers.get_balance(repo, wallet, before + timedelta(seconds=15))
    now = await handlers.get_balance(repo, wallet, None)
    assert (at_start.available, during.available, now.available) == (eur(1000), eur(900), eur(960))
    assert during.debits_pending == 100 and now.debits_pending == 0


async def test_verify_reports_every_check(world):
    repo, wallet, merchant = world
    ok, lines = await handlers.verify(repo)
    assert ok and lines[-1].startswith("ledger OK")
    repo.accounts[wallet] = repo.accounts[wallet].plus(Delta(credits_posted=1))  # corrupt a balance
    ok, lines = await handlers.verify(repo)
    assert not ok and any(line.startswith("FAIL") for line in lines)
