"""Fees: percentage (basis points, rounded half up) + fixed, clamped to [min, max], never more
than the amount. Pure integer arithmetic on minor units."""
from __future__ import annotations

from dataclasses import dataclass

from servers.kernel.money import Money
from servers.payment.domain import PaymentMethod

ANY_METHOD = 0


@dataclass(frozen=True)
class FeeRule:
    method: int  # PaymentMethod value, or ANY_METHOD
    currency_code: str
    percent_bps: int = 0
    fixed_minor: int = 0
    min_minor: int = 0
    max_minor: int = 0


@dataclass(frozen=True)
class FeePlan:
    merchant_id: str
    version: int  # 0: the platform default (no fee)
    rules: tuple[FeeRule, ...]

    def rule_for(self, method: PaymentMethod, currency_code: str) -> FeeRule | None:
        exact = [r for r in self.rules if r.method == method and r.currency_code == currency_code]
        fallback = [r for r in self.rules if r.method == ANY_METHOD and r.currency_code == currency_code]
        return (exact or fallback or [None])[0]


def default_plan(merchant_id: str) -> FeePlan:
    return FeePlan(merchant_id, 0, ())


def compute_fee(plan: FeePlan, method: PaymentMethod, amount: Money) -> Money:
    rule = plan.rule_for(method, amount.currency_code)
    if rule is None:
        return Money.zero(amount.currency_code)
    fee = (amount.amount_minor * rule.percent_bps + 5_000) // 10_000 + rule.fixed_minor
    if rule.min_minor:
        fee = max(fee, rule.min_minor)
    if rule.max_minor:
        fee = min(fee, rule.max_minor)
    return Money(amount.currency_code, max(0, min(fee, amount.amount_minor)))


def refund_fee(original_fee: Money, original_amount: Money, refund_amount: Money, refunded_before: Money) -> Money:
    """The fee returned with a refund: proportional, and the last refund returns whatever is
    left, so a full refund in several parts returns exactly the original fee."""
    if (refunded_before + refund_amount).amount_minor >= original_amount.amount_minor:
        returned_before = original_fee.amount_minor * refunded_before.amount_minor // original_amount.amount_minor
        return Money(original_fee.currency_code, original_fee.amount_minor - returned_before)
    total = original_fee.amount_minor * (refunded_before + refund_amount).amount_minor // original_amount.amount_minor
    before = original_fee.amount_minor * refunded_before.amount_minor // original_amount.amount_minor
    return Money(original_fee.currency_code, total - before)
