"""Ledger domain: accounts, double-entry legs, holds and the hot-account lock plan. Pure: no I/O.

Every posted leg debits one account and credits another by the same amount in the same
currency, so Σ debits = Σ credits holds per currency by construction. Enum values equal
the contract's (paymesh.ledger.v1).

Balances move only through `Delta`s. A delta is *safe* for an account when it cannot break
the account's flags whatever the account's current balance is (it never shrinks the
headroom a flag guards). Safe deltas to hot accounts are buffered without the row lock;
everything else locks the row and is checked against the exact balance."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
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
# Accounts many payments credit at once: their safe postings are buffered (see README).
HOT_BY_DEFAULT = {AccountType.MERCHANT_PENDING_SETTLEMENT, AccountType.CHANNEL_CLEARING, AccountType.FEE_INCOME,
                  AccountType.SUSPENSE, AccountType.FUNDING}
REVERSAL_CODE = "REVERSAL"


@dataclass(frozen=True)
class Delta:
    debits_posted: int = 0
    credits_posted: int = 0
    debits_pending: int = 0
    credits_pending: int = 0

    def __add__(self, other: "Delta") -> "Delta":
        return Delta(self.debits_posted + other.debits_posted, self.credits_posted + other.credits_posted,
                     self.debits_pending + other.debits_pending, self.credits_pending + other.credits_pending)


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
    hot: bool = False
    create_time: datetime | None = None

    @property
    def available(self) -> Money:
        return Money(self.currency_code, self.credits_posted - self.debits_posted - self.debits_pending)

    @property
    def is_empty(self) -> bool:
        return (self.debits_posted == self.credits_posted and self.debits_pending == 0
                and self.credits_pending == 0)

    def plus(self, d: Delta) -> "Account":
        return dataclasses.replace(
            self, debits_posted=self.debits_posted + d.debits_posted, credits_posted=self.credits_posted + d.credits_posted,
            debits_pending=self.debits_pending + d.debits_pending, credits_pending=self.credits_pending + d.credits_pending)

    def is_safe(self, d: Delta) -> bool:
        """True when `d` cannot break this account's flags from any valid balance."""
        if self.debits_must_not_exceed_credits and d.debits_posted + d.debits_pending - d.credits_posted > 0:
            return False
        if self.credits_must_not_exceed_debits and d.credits_posted + d.credits_pending - d.debits_posted > 0:
            return False
        return True

    def check_flags(self) -> None:
        self.check_totals(self.debits_posted, self.credits_posted, self.debits_pending, self.credits_pending)

    def check_totals(self, debits_posted: int, credits_posted: int, debits_pending: int, credits_pending: int) -> None:
        """check_flags for these totals (the hot path checks running totals, not copies)."""
        if self.debits_must_not_exceed_credits and debits_posted + debits_pending > credits_posted:
            raise errors.insufficient_funds(self.account_id)
        if self.credits_must_not_exceed_debits and credits_posted + credits_pending > debits_posted:
            raise errors.credit_limit(self.account_id)


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
    create_time: datetime | None = None
    reverses_transfer_id: str = ""
    posted_amount: int = 0
    timeout_time: datetime | None = None
    resolve_time: datetime | None = None


@dataclass(frozen=True)
class Entry:
    entry_id: int
    account_id: str
    transfer_id: str
    debit_minor: int
    credit_minor: int
    create_time: datetime | None
    context_id: str


class Side(IntEnum):
    """How a change touches an account: a debit needs it ACTIVE, a credit needs it not
    CLOSED, a release (a hold voided or expired) is always allowed."""
    DEBIT = 1
    CREDIT = 2
    RELEASE = 3


@dataclass(frozen=True)
class Change:
    account_id: str
    delta: Delta
    side: Side


def leg_changes(leg: Leg) -> list[Change]:
    amount = leg.amount.amount_minor
    if leg.pending:
        return [Change(leg.debit_account_id, Delta(debits_pending=amount), Side.DEBIT),
                Change(leg.credit_account_id, Delta(credits_pending=amount), Side.CREDIT)]
    return [Change(leg.debit_account_id, Delta(debits_posted=amount), Side.DEBIT),
            Change(leg.credit_account_id, Delta(credits_posted=amount), Side.CREDIT)]


def resolve_changes(hold: Transfer, posted: int) -> list[Change]:
    """Posting (posted > 0) or releasing (posted == 0) a hold: the held amount leaves the
    pending balances and `posted` enters the posted ones."""
    held = hold.leg.amount.amount_minor
    side_debit, side_credit = (Side.DEBIT, Side.CREDIT) if posted else (Side.RELEASE, Side.RELEASE)
    return [Change(hold.leg.debit_account_id, Delta(debits_posted=posted, debits_pending=-held), side_debit),
            Change(hold.leg.credit_account_id, Delta(credits_posted=posted, credits_pending=-held), side_credit)]


def row_locked(accounts: dict[str, Account], changes: list[Change]) -> set[str]:
    """Accounts whose row must be locked (and balance made exact): every cold account, and
    every hot account one of whose changes is not safe by itself."""
    return {c.account_id for c in changes if not accounts[c.account_id].hot or not accounts[c.account_id].is_safe(c.delta)}


def check_legs(accounts: dict[str, Account], legs: list[Leg]) -> None:
    """Static checks of a batch (existence, distinct accounts, one currency per leg)."""
    for index, leg in enumerate(legs):
        for account_id in (leg.debit_account_id, leg.credit_account_id):
            if account_id not in accounts:
                raise errors.account_not_found(account_id)
        if leg.debit_account_id == leg.credit_account_id:
            raise errors.same_account(f"legs[{index}].credit_account_id")
        for account_id in (leg.debit_account_id, leg.credit_account_id):
            if accounts[account_id].currency_code != leg.amount.currency_code:
                raise errors.currency_mismatch(f"legs[{index}].amount.currency_code", accounts[account_id].currency_code)


def check_changes(accounts: dict[str, Account], changes: list[Change]) -> dict[str, list[int]]:
    """Checks changes in order, states and flags after each, on running totals (returned per
    account): either all apply or the first one that would break a rule raises. Buffered (safe) changes pass the flag
    check from any valid balance, so a slightly stale snapshot of a hot account is enough."""
    totals: dict[str, list[int]] = {}  # running [dp, cp, dq, cq] per account
    for change in changes:
        account = accounts[change.account_id]
        if change.side == Side.DEBIT and account.state != AccountState.ACTIVE:
            raise errors.account_not_active(account.account_id, account.state.name)
        if change.side == Side.CREDIT and account.state == AccountState.CLOSED:
            raise errors.account_not_active(account.account_id, account.state.name)
        t = totals.get(change.account_id)
        if t is None:
            t = totals[change.account_id] = [account.debits_posted, account.credits_posted, account.debits_pending,
                                             account.credits_pending]
        d = change.delta
        t[0] += d.debits_posted
        t[1] += d.credits_posted
        t[2] += d.debits_pending
        t[3] += d.credits_pending
        account.check_totals(*t)
    return totals


def apply_changes(accounts: dict[str, Account], changes: list[Change]) -> dict[str, Account]:
    """check_changes, then the accounts as changed."""
    result = dict(accounts)
    for account_id, (dp, cp, dq, cq) in check_changes(accounts, changes).items():
        result[account_id] = dataclasses.replace(accounts[account_id], debits_posted=dp, credits_posted=cp, debits_pending=dq,
                                                 credits_pending=cq)
    return result


def net_deltas(changes: list[Change]) -> dict[str, Delta]:
    """Per-account sum of the changes; asserts double entry (a crash, never a user error)."""
    out: dict[str, Delta] = {}
    for change in changes:
        out[change.account_id] = out.get(change.account_id, Delta()) + change.delta
    total = sum((d for d in out.values()), Delta())
    assert total.debits_posted == total.credits_posted and total.debits_pending == total.credits_pending, total
    return out


def apply_legs(accounts: dict[str, Account], legs: list[Leg]) -> dict[str, Account]:
    """The whole batch on a snapshot: static checks, then every change in order."""
    check_legs(accounts, legs)
    return apply_changes(accounts, [c for leg in legs for c in leg_changes(leg)])


def timeout_time(leg: Leg, now: datetime) -> datetime | None:
    return now + timedelta(seconds=leg.timeout_seconds) if leg.pending and leg.timeout_seconds else None


def is_expired(hold: Transfer, now: datetime) -> bool:
    return hold.timeout_time is not None and now >= hold.timeout_time


def resolve_hold(hold: Transfer, target: TransferState, now: datetime, amount: Money | None = None) -> tuple[Transfer, list[Change]]:
    """The one transition of a hold: PENDING → POSTED (in full or part), VOIDED or EXPIRED."""
    if hold.state != TransferState.PENDING:
        raise errors.transfer_not_pending(hold.transfer_id, hold.state.name)
    posted = 0
    if target == TransferState.POSTED:
        if is_expired(hold, now):
            raise errors.hold_expired(hold.transfer_id)
        posted = hold.leg.amount.amount_minor if amount is None else amount.amount_minor
        if amount is not None and amount.currency_code != hold.leg.amount.currency_code:
            raise errors.currency_mismatch("amount.currency_code", hold.leg.amount.currency_code)
        if not 0 < posted <= hold.leg.amount.amount_minor:
            raise errors.amount_exceeds("amount.amount_minor", hold.leg.amount.amount_minor)
    elif target == TransferState.EXPIRED and not is_expired(hold, now):
        raise errors.hold_not_expired(hold.transfer_id)
    resolved = dataclasses.replace(hold, state=target, posted_amount=posted, resolve_time=now)
    return resolved, resolve_changes(hold, posted)


def reversal_leg(original: Transfer, already_reversed: int, amount: Money | None) -> Leg:
    """A posted transfer is never edited: a correction books the money back the other way."""
    if original.state != TransferState.POSTED:
        raise errors.transfer_not_posted(original.transfer_id, original.state.name)
    if original.reverses_transfer_id:
        raise errors.reversal_of_reversal(original.transfer_id)
    currency = original.leg.amount.currency_code
    if amount is not None and amount.currency_code != currency:
        raise errors.currency_mismatch("amount.currency_code", currency)
    left = original.posted_amount - already_reversed
    value = left if amount is None else amount.amount_minor
    if not 0 < value <= left:
        raise errors.amount_exceeds("amount.amount_minor", left)
    leg = original.leg
    return Leg(leg.credit_account_id, leg.debit_account_id, Money(currency, value), REVERSAL_CODE, order_id=leg.order_id,
               payment_id=leg.payment_id, refund_id=leg.refund_id, settlement_batch_id=leg.settlement_batch_id)


def new_account_flags(account_type: AccountType) -> tuple[bool, bool]:
    return account_type in NO_OVERDRAFT, False


def state_change(account: Account, target: AccountState) -> Account:
    """Freeze, unfreeze and close (AIP-216 verbs). Repeating a verb is a no-op; a closed
    account stays closed; close needs a zero balance and no holds."""
    if account.state == target:
        return account
    if account.state == AccountState.CLOSED:
        raise errors.account_not_active(account.account_id, account.state.name)
    if target == AccountState.ACTIVE and account.state != AccountState.FROZEN:
        raise errors.account_not_active(account.account_id, account.state.name)
    if target == AccountState.CLOSED and not account.is_empty:
        raise errors.account_not_empty(account.account_id)
    return dataclasses.replace(account, state=target)
