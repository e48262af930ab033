"""Ledger use cases. Each runs inside one transaction (the caller's unit of work)."""
from __future__ import annotations

from dataclasses import dataclass

from servers.kernel.ids import new_id
from servers.kernel.money import Money
from servers.ledger import errors
from servers.ledger.domain import (Account, AccountState, AccountType, Leg, OwnerType, Transfer, TransferState,
                                   apply_legs, new_account_flags)
from servers.ledger.ports import LedgerRepository

PLATFORM = "platform"


@dataclass(frozen=True)
class OpenAccount:
    owner_type: OwnerType
    owner_id: str
    account_type: AccountType
    currency_code: str
    context_id: str = ""


async def open_account(repo: LedgerRepository, cmd: OpenAccount) -> Account:
    existing = await repo.find_account(cmd.owner_type, cmd.owner_id, cmd.account_type, cmd.currency_code)
    if existing is not None:
        return existing
    no_overdraft, no_credit_above = new_account_flags(cmd.account_type)
    return await repo.insert_account(Account(
        account_id=new_id("acc"), owner_type=cmd.owner_type, owner_id=cmd.owner_id, account_type=cmd.account_type,
        currency_code=cmd.currency_code, debits_must_not_exceed_credits=no_overdraft,
        credits_must_not_exceed_debits=no_credit_above, state=AccountState.ACTIVE, context_id=cmd.context_id))


async def get_account(repo: LedgerRepository, account_id: str) -> Account:
    account = await repo.get_account(account_id)
    if account is None:
        raise errors.account_not_found(account_id)
    return account


async def create_transfers(repo: LedgerRepository, request_id: str, legs: list[Leg], context_id: str) -> list[Transfer]:
    """Posts (or holds) every leg or none. Idempotency of request_id is the caller's
    (kernel.idempotency); the UNIQUE (request_id, leg_index) constraint is the last guard."""
    ids = sorted({leg.debit_account_id for leg in legs} | {leg.credit_account_id for leg in legs})
    locked = await repo.lock_accounts(ids)
    updated = apply_legs(locked, legs)
    transfers = [
        Transfer(transfer_id=new_id("txn"), request_id=request_id, leg_index=i, leg=leg,
                 state=TransferState.PENDING if leg.pending else TransferState.POSTED, context_id=context_id)
        for i, leg in enumerate(legs)
    ]
    await repo.save_balances([updated[i] for i in ids])
    await repo.insert_transfers(transfers)
    return await repo.find_transfers_by_request(request_id)


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


async def list_transfers(repo: LedgerRepository, filters: dict[str, str], page_size: int, after: str) -> tuple[list[Transfer], str]:
    filters = {k: v for k, v in filters.items() if v}
    if not filters:
        raise errors.filter_required()
    size = page_size or 50
    rows = await repo.list_transfers(filters, size + 1, after)
    return rows[:size], (rows[size - 1].transfer_id if len(rows) > size else "")


async def verify(repo: LedgerRepository) -> tuple[bool, list[str]]:
    checks = await repo.verify()
    return all(ok for ok, _ in checks), [("ok    " if ok else "FAIL  ") + line for ok, line in checks]
