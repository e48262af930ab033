"""Ledger use cases. Each runs inside one transaction (the caller's unit of work); the
repository's locks make it correct under any number of concurrent callers."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from servers.kernel.errors import PaymeshError
from servers.kernel.ids import new_id
from servers.kernel.money import Money
from servers.ledger import errors, paging
from servers.ledger.domain import (HOT_BY_DEFAULT, Account, AccountState, AccountType, Change, Entry, Leg, OwnerType,
                                   Transfer, TransferState, check_changes, check_legs, leg_changes, net_deltas,
                                   new_account_flags, resolve_hold, reversal_leg, row_locked, state_change, timeout_time)
from servers.ledger.ports import LedgerRepository

PLATFORM = "platform"
PAGE_SIZE_DEFAULT = 50
EXPIRE_BATCH_MAX = 200
EVENT_POSTED, EVENT_VOIDED, EVENT_EXPIRED = "transfers.posted", "transfers.voided", "transfers.expired"


@dataclass(frozen=True)
class OpenAccount:
    owner_type: OwnerType
    owner_id: str
    account_type: AccountType
    currency_code: str
    context_id: str = ""
    hot: bool = False


async def open_account(repo: LedgerRepository, cmd: OpenAccount) -> Account:
    existing = await repo.find_account(cmd.owner_type, cmd.owner_id, cmd.account_type, cmd.currency_code)
    if existing is not None:
        return existing
    no_overdraft, no_credit_above = new_account_flags(cmd.account_type)
    return await repo.insert_account(Account(
        account_id=new_id("acc"), owner_type=cmd.owner_type, owner_id=cmd.owner_id, account_type=cmd.account_type,
        currency_code=cmd.currency_code, debits_must_not_exceed_credits=no_overdraft,
        credits_must_not_exceed_debits=no_credit_above, state=AccountState.ACTIVE, context_id=cmd.context_id,
        hot=cmd.hot or cmd.account_type in HOT_BY_DEFAULT))


async def get_account(repo: LedgerRepository, account_id: str) -> Account:
    account = (await repo.get_accounts([account_id])).get(account_id)
    if account is None:
        raise errors.account_not_found(account_id)
    return account


async def get_balance(repo: LedgerRepository, account_id: str, at: datetime | None) -> Account:
    account = await get_account(repo, account_id)
    return account if at is None else await repo.balance_at(account, at)


async def list_accounts(repo: LedgerRepository, owner_type: OwnerType | None, owner_id: str, page_size: int,
                        token: str) -> tuple[list[Account], str]:
    size = page_size or PAGE_SIZE_DEFAULT
    scope = {"owner_type": int(owner_type or 0), "owner_id": owner_id}
    after = paging.decode(token, "accounts", scope) or ""
    rows = await repo.list_accounts(owner_type, owner_id, size + 1, after)
    return rows[:size], (paging.encode(rows[size - 1].account_id, "accounts", scope) if len(rows) > size else "")


async def set_state(repo: LedgerRepository, account_id: str, target: AccountState) -> Account:
    """Freeze, unfreeze or close under the account's strongest lock, so no posting is in
    flight: closing sees every buffered credit, freezing stops debits that start after."""
    account = await repo.lock_account_state(account_id)
    if account is None:
        raise errors.account_not_found(account_id)
    updated = state_change(account, target)
    if updated is not account:
        await repo.save_state(updated)
    return updated


async def book(repo: LedgerRepository, changes: list[Change], flags: dict[str, Account] | None = None) -> None:
    """Locks what the changes need, checks them in order against the locked balances, and
    stores them: exact row updates where a flag is at stake, buffered deltas elsewhere.
    `flags` may be stale (`repo.account_flags`): flags, hotness and currency never change."""
    ids = sorted({c.account_id for c in changes})
    flags = flags if flags is not None else await repo.account_flags(ids)
    exclusive = row_locked(flags, changes)
    locked = await repo.lock_accounts(sorted(exclusive), sorted(set(ids) - exclusive))
    missing = [i for i in ids if i not in locked]
    if missing:
        raise errors.account_not_found(missing[0])
    check_changes(locked, changes)
    deltas = net_deltas(changes)
    await repo.apply_deltas({a: d for a, d in deltas.items() if a in exclusive},
                            {a: d for a, d in deltas.items() if a not in exclusive})


async def create_transfers(repo: LedgerRepository, request_id: str, legs: list[Leg], context_id: str,
                           reverses_transfer_id: str = "") -> list[Transfer]:
    """Posts (or holds) every leg or none. Idempotency of request_id is the caller's
    (kernel.idempotency); the UNIQUE (request_id, leg_index) constraint is the last guard."""
    ids = sorted({leg.debit_account_id for leg in legs} | {leg.credit_account_id for leg in legs})
    flags = await repo.account_flags(ids)
    check_legs(flags, legs)
    await book(repo, [c for leg in legs for c in leg_changes(leg)], flags)
    now = await repo.now() if any(leg.pending and leg.timeout_seconds for leg in legs) else None
    transfers = [
        Transfer(transfer_id=new_id("txn"), request_id=request_id, leg_index=i, leg=leg,
                 state=TransferState.PENDING if leg.pending else TransferState.POSTED, context_id=context_id,
                 reverses_transfer_id=reverses_transfer_id, posted_amount=0 if leg.pending else leg.amount.amount_minor,
                 timeout_time=timeout_time(leg, now) if now else None)
        for i, leg in enumerate(legs)
    ]
    stored = await repo.insert_transfers(transfers)
    posted = [t for t in stored if t.state == TransferState.POSTED]
    if posted:
        await repo.add_event(EVENT_POSTED, event_payload(posted))
    return stored


@dataclass(frozen=True)
class Booking:
    """One CreateTransfers request of a group (group_commit.py)."""
    request_id: str
    legs: list[Leg]
    context_id: str


async def create_transfers_group(repo: LedgerRepository, bookings: list[Booking]) -> list[list[Transfer] | PaymeshError]:
    """Books many requests in the caller's ONE transaction, each all-or-nothing on its own: one
    lock statement for the union of their accounts (the same lock plan as `book` over all
    their changes), then each request checked in order against the running balances its
    predecessors left; a request that fails is left out (its error is its outcome) and
    changes nothing the others see. Exactly the result of booking them one after another,
    in this order. Events are the caller's (one per request, in the request's context)."""
    outcomes: list[list[Transfer] | PaymeshError | None] = [None] * len(bookings)
    ids = sorted({a for b in bookings for leg in b.legs for a in (leg.debit_account_id, leg.credit_account_id)})
    flags = await repo.account_flags(ids)
    changes: dict[int, list[Change]] = {}
    for i, b in enumerate(bookings):
        try:
            check_legs(flags, b.legs)
            changes[i] = [c for leg in b.legs for c in leg_changes(leg)]
        except PaymeshError as exc:
            outcomes[i] = exc
    every = [c for cs in changes.values() for c in cs]
    exclusive = row_locked(flags, every)
    used = {c.account_id for c in every}
    running = await repo.lock_accounts(sorted(exclusive), sorted(used - exclusive))
    booked: list[Change] = []
    for i, cs in changes.items():
        try:
            missing = [c.account_id for c in cs if c.account_id not in running]
            if missing:
                raise errors.account_not_found(missing[0])
            for account_id, (dp, cp, dq, cq) in check_changes(running, cs).items():
                running[account_id] = dataclasses.replace(running[account_id], debits_posted=dp, credits_posted=cp,
                                                          debits_pending=dq, credits_pending=cq)
            booked += cs
        except PaymeshError as exc:
            outcomes[i] = exc
    if booked:
        deltas = net_deltas(booked)
        await repo.apply_deltas({a: d for a, d in deltas.items() if a in exclusive},
                                {a: d for a, d in deltas.items() if a not in exclusive})
    now = await repo.now() if booked else None  # free: the lock statement read the clock
    every_transfer: list[Transfer] = []
    for i, b in enumerate(bookings):
        if outcomes[i] is None:
            outcomes[i] = [Transfer(transfer_id=new_id("txn"), request_id=b.request_id, leg_index=n, leg=leg,
                                    state=TransferState.PENDING if leg.pending else TransferState.POSTED, context_id=b.context_id,
                                    posted_amount=0 if leg.pending else leg.amount.amount_minor, timeout_time=timeout_time(leg, now))
                           for n, leg in enumerate(b.legs)]
            every_transfer += outcomes[i]
    if every_transfer:  # one INSERT for the group; returned as stored (create_time = now)
        stored = iter(await repo.insert_transfers(every_transfer))
        outcomes = [[next(stored) for _ in o] if isinstance(o, list) else o for o in outcomes]
    return outcomes  # type: ignore[return-value]


async def resolve(repo: LedgerRepository, transfer_id: str, target: TransferState, amount: Money | None = None) -> Transfer:
    """Posts (in full or part) or voids a hold. The hold's row lock plus the PENDING → x
    transition make a hold resolve at most once, whoever races."""
    hold = await repo.lock_transfer(transfer_id)
    if hold is None:
        raise errors.transfer_not_found(transfer_id)
    resolved, changes = resolve_hold(hold, target, await repo.now(), amount)
    await book(repo, changes)
    stored = await repo.resolve_transfer(resolved)
    await repo.add_event(EVENT_POSTED if target == TransferState.POSTED else EVENT_VOIDED, event_payload([stored]))
    return stored


async def expire_due(repo: LedgerRepository, limit: int = EXPIRE_BATCH_MAX) -> int:
    """The expiry worker's step: every due hold (up to `limit`) in one booking, so accounts
    are locked once and in id order."""
    now = await repo.now()
    holds = await repo.due_holds(now, limit)
    if not holds:
        return 0
    resolved = [resolve_hold(h, TransferState.EXPIRED, now) for h in holds]
    await book(repo, [c for _, changes in resolved for c in changes])
    stored = [await repo.resolve_transfer(hold) for hold, _ in resolved]
    await repo.add_event(EVENT_EXPIRED, event_payload(stored))
    return len(stored)


async def reverse(repo: LedgerRepository, transfer_id: str, request_id: str, amount: Money | None, context_id: str) -> Transfer:
    """Books money back the other way; the original stays as it was. Its row lock serializes
    reversals of one transfer, so together they never exceed what it booked."""
    original = await repo.lock_transfer(transfer_id)
    if original is None:
        raise errors.transfer_not_found(transfer_id)
    leg = reversal_leg(original, await repo.reversed_amount(transfer_id), amount)
    [reversal] = await create_transfers(repo, f"reverse:{request_id}", [leg], context_id, reverses_transfer_id=transfer_id)
    return reversal


async def top_up_wallet(repo: LedgerRepository, request_id: str, member_id: str, amount: Money, context_id: str) -> tuple[Transfer, Account]:
    """Demo and test money: platform funding account → member wallet."""
    funding = await open_account(repo, OpenAccount(OwnerType.PLATFORM, PLATFORM, AccountType.FUNDING, amount.currency_code, context_id))
    wallet = await open_account(repo, OpenAccount(OwnerType.MEMBER, member_id, AccountType.MEMBER_WALLET, amount.currency_code, context_id))
    [transfer] = await create_transfers(repo, request_id, [Leg(funding.account_id, wallet.account_id, amount, "TOPUP")], context_id)
    return transfer, await get_account(repo, wallet.account_id)


async def get_transfer(repo: LedgerRepository, transfer_id: str) -> Transfer:
    transfer = await repo.get_transfer(transfer_id)
    if transfer is None:
        raise errors.transfer_not_found(transfer_id)
    return transfer


async def list_transfers(repo: LedgerRepository, filters: dict[str, str], page_size: int, token: str) -> tuple[list[Transfer], str]:
    filters = {k: v for k, v in filters.items() if v}
    if not filters:
        raise errors.filter_required()
    size = page_size or PAGE_SIZE_DEFAULT
    after = paging.decode(token, "transfers", filters) or ""
    rows = await repo.list_transfers(filters, size + 1, after)
    return rows[:size], (paging.encode(rows[size - 1].transfer_id, "transfers", filters) if len(rows) > size else "")


async def list_entries(repo: LedgerRepository, account_id: str, page_size: int, token: str) -> tuple[list[Entry], str]:
    await get_account(repo, account_id)
    size = page_size or PAGE_SIZE_DEFAULT
    scope = {"account_id": account_id}
    before = paging.decode(token, "entries", scope) or 0
    rows = await repo.list_entries(account_id, size + 1, int(before))
    return rows[:size], (paging.encode(rows[size - 1].entry_id, "entries", scope) if len(rows) > size else "")


async def verify(repo: LedgerRepository) -> tuple[bool, list[str]]:
    checks = await repo.verify()
    ok = all(passed for passed, _ in checks)
    lines = [("ok    " if passed else "FAIL  ") + line for passed, line in checks]
    return ok, lines + [f"ledger {'OK' if ok else 'BROKEN'}: {sum(p for p, _ in checks)}/{len(checks)} checks passed"]


def event_payload(transfers: list[Transfer]) -> dict:
    return {"transfers": [{
        "transfer_id": t.transfer_id, "request_id": t.request_id, "state": t.state.name,
        "debit_account_id": t.leg.debit_account_id, "credit_account_id": t.leg.credit_account_id,
        "currency_code": t.leg.amount.currency_code, "amount_minor": t.leg.amount.amount_minor,
        "posted_amount_minor": t.posted_amount, "business_code": t.leg.business_code, "order_id": t.leg.order_id,
        "payment_id": t.leg.payment_id, "refund_id": t.leg.refund_id, "settlement_batch_id": t.leg.settlement_batch_id,
        "reverses_transfer_id": t.reverses_transfer_id, "context_id": t.context_id} for t in transfers]}
