"""Double entry rules of the ledger domain."""
from __future__ import annotations

import dataclasses

import pytest

from servers.kernel.errors import FailedPrecondition, InvalidArgument
from servers.kernel.money import Money
from servers.ledger.domain import Account, AccountState, AccountType, Leg, OwnerType, apply_legs


def account(aid: str, credits: int = 0, no_overdraft: bool = True, currency: str = "EUR", state=AccountState.ACTIVE) -> Account:
    return Account(aid, OwnerType.MEMBER, aid, AccountType.MEMBER_WALLET, currency, no_overdraft, False, state, credits_posted=credits)


def test_a_posted_leg_moves_money_and_keeps_debits_equal_to_credits():
    out = apply_legs({"a": account("a", 100), "b": account("b")}, [Leg("a", "b", Money("EUR", 40), "PAYMENT")])
    assert out["a"].available == Money("EUR", 60) and out["b"].available == Money("EUR", 40)
    assert sum(a.debits_posted for a in out.values()) + 100 == sum(a.credits_posted for a in out.values()) + 0


def test_overdraft_is_refused_for_the_whole_batch():
    accounts = {"a": account("a", 50), "b": account("b")}
    with pytest.raises(FailedPrecondition) as err:
        apply_legs(accounts, [Leg("a", "b", Money("EUR", 30), "P"), Leg("a", "b", Money("EUR", 30), "P")])
    assert err.value.reason == "INSUFFICIENT_FUNDS" and accounts["a"].available == Money("EUR", 50)


def test_holds_reduce_available_balance():
    out = apply_legs({"a": account("a", 50), "b": account("b")}, [Leg("a", "b", Money("EUR", 30), "P", pending=True)])
    assert out["a"].available == Money("EUR", 20) and out["a"].debits_posted == 0
    with pytest.raises(FailedPrecondition):
        apply_legs(out, [Leg("a", "b", Money("EUR", 21), "P")])


def test_frozen_accounts_take_credits_but_refuse_debits():
    frozen = account("f", 10, state=AccountState.FROZEN)
    assert apply_legs({"a": account("a", 5), "f": frozen}, [Leg("a", "f", Money("EUR", 5), "P")])["f"].available == Money("EUR", 15)
    with pytest.raises(FailedPrecondition) as err:
        apply_legs({"a": account("a"), "f": frozen}, [Leg("f", "a", Money("EUR", 5), "P")])
    assert err.value.reason == "ACCOUNT_NOT_ACTIVE"


def test_currency_and_same_account_are_checked():
    with pytest.raises(InvalidArgument) as err:
        apply_legs({"a": account("a", 5), "u": account("u", currency="USD")}, [Leg("a", "u", Money("EUR", 1), "P")])
    assert err.value.reason == "CURRENCY_MISMATCH"
    with pytest.raises(InvalidArgument):
        apply_legs({"a": account("a", 5)}, [Leg("a", "a", Money("EUR", 1), "P")])


def test_funding_accounts_may_go_negative():
    funding = dataclasses.replace(account("f"), account_type=AccountType.FUNDING, debits_must_not_exceed_credits=False)
    out = apply_legs({"f": funding, "w": account("w")}, [Leg("f", "w", Money("EUR", 1000), "TOPUP")])
    assert out["f"].available == Money("EUR", -1000)
