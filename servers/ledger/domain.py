"""Ledger domain: accounts and double-entry legs. Pure: no I/O.

Every posted leg debits one account and credits another by the same amount in the same
currency, so Σ debits = Σ credits holds per currency by construction. Enum values equal
the contract's (paymesh.ledger.v1)."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import IntEnum

from servers.kernel.money import Money
from servers.ledger import errors


class OwnerType(IntEnum):
    MEMBER = 1
    MERCHANT = 2
    CHANNEL = 3
    PLATFORM = 4


class AccountType(IntEnum):
    MEMBER_WALLET = 1
    MERCHANT_PENDING_SETTLEMENT = 2
    MERCHANT_SETTLED = 3
    CHANNEL_CLEARING = 4
    FEE_INCOME = 5
    SUSPENSE = 6
    FUNDING = 7


class AccountState(IntEnum):
    ACTIVE = 1
    FROZEN = 2
    CLOSED = 3


class TransferState(IntEnum):
    PENDING = 1
    POSTED = 2
    VOIDED = 3
    EXPIRED = 4


# Accounts holding someone's money may never go below zero; clearing and funding accounts
# are the platform's view of money outside it and may.
NO_OVERDRAFT = {AccountType.MEMBER_WALLET, AccountType.MERCHANT_PENDING_SETTLEMENT, AccountType.MERCHANT_SETTLED,
                AccountType.FEE_INCOME}


@dataclass(frozen=True)
class Account:
    account_id: str
    owner_type: OwnerType
    owner_id: str
    account_type: AccountType
    currency_code: str
    debits_must_not_exceed_credits: bool
    credits_must_not_exceed_debits: bool
    state: AccountState
    debits_posted: int = 0
    credits_posted: int = 0
    debits_pending: int = 0
    credits_pending: int = 0
    context_id: str = ""

    @property
    def available(self) -> Money:
        return Money(self.currency_code, self.credits_posted - self.debits_posted - self.debits_pending)

    def debit(self, amount: int, pending: bool = False) -> "Account":
        if self.state != AccountState.ACTIVE:
            raise errors.account_not_active(self.account_id, self.state.name)
        field = "debits_pending" if pending else "debits_posted"
        updated = dataclasses.replace(self, **{field: getattr(self, field) + amount})
        if updated.debits_must_not_exceed_credits and updated.debits_posted + updated.debits_pending > updated.credits_posted:
            raise errors.insufficient_funds(self.account_id)
        return updated

    def credit(self, amount: int, pending: bool = False) -> "Account":
        if self.state == AccountState.CLOSED:
            raise errors.account_not_active(self.account_id, self.state.name)
        field = "credits_pending" if pending else "credits_posted"
        updated = dataclasses.replace(self, **{field: getattr(self, field) + amount})
        if updated.credits_must_not_exceed_debits and updated.credits_posted + updated.credits_pending > updated.debits_posted:
            raise errors.credit_limit(self.account_id)
        return updated


@dataclass(frozen=True)
class Leg:
    debit_account_id: str
    credit_account_id: str
    amount: Money
    business_code: str
    pending: bool = False
    timeout_seconds: int = 0
    order_id: str = ""
    payment_id: str = ""
    refund_id: str = ""
    settlement_batch_id: str = ""


@dataclass(frozen=True)
class Transfer:
    transfer_id: str
    request_id: str
    leg_index: int
    leg: Leg
    state: TransferState
    context_id: str
    create_time: object = None  # datetime, set by storage
    reverses_transfer_id: str = ""


def apply_legs(accounts: dict[str, Account], legs: list[Leg]) -> dict[str, Account]:
    """Applies legs in order to a snapshot of the accounts involved; raises on the first leg
    that would break a rule, so either every leg applies or none does."""
    result = dict(accounts)
    for index, leg in enumerate(legs):
        debit = result.get(leg.debit_account_id)
        credit = result.get(leg.credit_account_id)
        if debit is None:
            raise errors.account_not_found(leg.debit_account_id)
        if credit is None:
            raise errors.account_not_found(leg.credit_account_id)
        if leg.debit_account_id == leg.credit_account_id:
            raise errors.same_account(f"legs[{index}].credit_account_id")
        for account in (debit, credit):
            if account.currency_code != leg.amount.currency_code:
                raise errors.currency_mismatch(f"legs[{index}].amount.currency_code", account.currency_code)
        result[debit.account_id] = debit.debit(leg.amount.amount_minor, leg.pending)
        result[credit.account_id] = result[credit.account_id].credit(leg.amount.amount_minor, leg.pending)
    return result


def new_account_flags(account_type: AccountType) -> tuple[bool, bool]:
    return account_type in NO_OVERDRAFT, False
