"""Risk rule evaluation, table-driven, with a fake clock and looked-up facts."""
from __future__ import annotations

import datetime as dt

import pytest

from paymesh.risk.v1 import risk_pb2 as pb
from servers.risk import domain
from servers.risk.rules import DEFAULT_RULES

NOW = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
EUR = lambda minor: {"currency_code": "EUR", "amount_minor": minor}  # noqa: E731


def rule(rule_id: str, **spec) -> domain.ActiveRule:
    return domain.ActiveRule(rule_id, 1, pb.RuleSpec(name=rule_id, **spec))


def pay(minor: int, method=pb.PAYMENT_METHOD_BALANCE, **extra) -> pb.PaymentContext:
    return pb.PaymentContext(order_id="ord_1", merchant_id="m1", member_id="mem1", amount=EUR(minor), payment_method=method, **extra)


def decide(rules, payment, **facts) -> domain.Verdict:
    return domain.evaluate(rules, payment, payment.payment_method, domain.Facts(now=NOW, **facts), 60, 100)


DEFAULTS = [domain.ActiveRule(f"rul_{i}", 1, s) for i, s in enumerate(DEFAULT_RULES)]
CASES = [
    ("small balance payment", DEFAULTS, pay(1999), {}, pb.DECISION_ACCEPT, []),
    ("big balance payment asks the password", DEFAULTS, pay(60_000), {}, pb.DECISION_CHALLENGE, [pb.CHALLENGE_TYPE_PASSWORD]),
    ("card above the threshold asks 3DS", DEFAULTS, pay(10_000, pb.PAYMENT_METHOD_CARD), {}, pb.DECISION_CHALLENGE,
     [pb.CHALLENGE_TYPE_THREE_DS]),
    ("card below the threshold", DEFAULTS, pay(9_999, pb.PAYMENT_METHOD_CARD), {}, pb.DECISION_ACCEPT, []),
    ("above the single limit", DEFAULTS, pay(5_000_001), {}, pb.DECISION_REJECT, []),
    ("other currency is out of the EUR rules", DEFAULTS, pb.PaymentContext(order_id="o", merchant_id="m", amount={"currency_code": "USD", "amount_minor": 9_000_000}),
     {}, pb.DECISION_ACCEPT, []),
    ("daily sum over the limit", [rule("d", action=pb.RULE_ACTION_REJECT, daily_cumulative_limit={"dimension": pb.DIMENSION_MEMBER, "max_amount": EUR(1000)})],
     pay(100), {"counters": {"d": (3, 1100)}}, pb.DECISION_REJECT, []),
    ("daily sum at the limit", [rule("d", action=pb.RULE_ACTION_REJECT, daily_cumulative_limit={"dimension": pb.DIMENSION_MEMBER, "max_amount": EUR(1000)})],
     pay(100), {"counters": {"d": (3, 1000)}}, pb.DECISION_ACCEPT, []),
    ("velocity count over", [rule("v", action=pb.RULE_ACTION_REVIEW, velocity={"dimension": pb.DIMENSION_DEVICE, "window_seconds": 60, "max_count": 3})],
     pay(1), {"counters": {"v": (4, 4)}}, pb.DECISION_REVIEW, []),
    ("block list", [rule("b", action=pb.RULE_ACTION_REJECT, list_match={"list_id": "lst_b"})], pay(1),
     {"list_hits": {"lst_b": pb.LIST_TYPE_BLOCK}}, pb.DECISION_REJECT, []),
    ("allow list skips challenges", DEFAULTS + [rule("a", action=pb.RULE_ACTION_ALLOW, list_match={"list_id": "lst_a"})], pay(60_000),
     {"list_hits": {"lst_a": pb.LIST_TYPE_ALLOW}}, pb.DECISION_ACCEPT, []),
    ("allow list does not skip a reject", DEFAULTS + [rule("a", action=pb.RULE_ACTION_ALLOW, list_match={"list_id": "lst_a"})],
     pay(6_000_000), {"list_hits": {"lst_a": pb.LIST_TYPE_ALLOW}}, pb.DECISION_REJECT, []),
    ("new member above an amount", [rule("n", action=pb.RULE_ACTION_CHALLENGE, challenge_type=pb.CHALLENGE_TYPE_OTP,
                                         new_member={"max_age_seconds": 3600, "min_amount": EUR(500)})],
     pay(500), {"member_first_seen": NOW - dt.timedelta(minutes=5)}, pb.DECISION_CHALLENGE, [pb.CHALLENGE_TYPE_OTP]),
    ("old member", [rule("n", action=pb.RULE_ACTION_CHALLENGE, challenge_type=pb.CHALLENGE_TYPE_OTP, new_member={"max_age_seconds": 3600})],
     pay(500), {"member_first_seen": NOW - dt.timedelta(hours=2)}, pb.DECISION_ACCEPT, []),
    ("scores add up to review", [rule("s1", action=pb.RULE_ACTION_SCORE, score=40, single_transaction_limit={"max_amount": EUR(10)}),
                                 rule("s2", action=pb.RULE_ACTION_SCORE, score=30, single_transaction_limit={"max_amount": EUR(20)})],
     pay(50), {}, pb.DECISION_REVIEW, []),
    ("a high-risk member tips scores into review", [rule("s1", action=pb.RULE_ACTION_SCORE, score=40, single_transaction_limit={"max_amount": EUR(10)})],
     pay(50), {"member_rating": pb.RATING_LEVEL_HIGH}, pb.DECISION_REVIEW, []),
    ("a blocked merchant is rejected", [], pay(1), {"merchant_rating": pb.RATING_LEVEL_BLOCKED}, pb.DECISION_REJECT, []),
    ("out of scope merchant", [rule("x", action=pb.RULE_ACTION_REJECT, scope={"merchant_ids": ["other"]},
                                    single_transaction_limit={"max_amount": EUR(1)})], pay(50), {}, pb.DECISION_ACCEPT, []),
]


@pytest.mark.parametrize("name,rules,payment,facts,decision,challenges", CASES, ids=[c[0] for c in CASES])
def test_rules_decide(name, rules, payment, facts, decision, challenges):
    verdict = decide(rules, payment, **facts)
    assert (verdict.decision, verdict.challenge_types) == (decision, challenges), verdict.matched


def test_matched_rules_carry_version_score_and_a_readable_detail():
    v = decide(DEFAULTS, pay(60_000))
    assert [(m.name, m.rule_version, m.score) for m in v.matched] == [("default-balance-password-eur", 1, 5)]
    assert v.matched[0].detail == "amount 600.00 EUR > 500.00 EUR" and v.score == 5


def test_daily_counters_roll_over_at_the_rules_midnight():
    r = rule("d", action=pb.RULE_ACTION_REJECT,
             daily_cumulative_limit={"dimension": pb.DIMENSION_MEMBER, "max_amount": EUR(1), "time_zone": "Asia/Shanghai"})
    late_utc = dt.datetime(2025, 3, 1, 15, 59, tzinfo=dt.timezone.utc)  # 23:59 in Shanghai
    assert domain.counter_key(r, pay(1), late_utc)[0].endswith(":20250301")
    assert domain.counter_key(r, pay(1), late_utc + dt.timedelta(minutes=1))[0].endswith(":20250302")
    v = rule("v", action=pb.RULE_ACTION_REVIEW, velocity={"dimension": pb.DIMENSION_IP, "window_seconds": 60, "max_count": 1})
    assert domain.counter_key(v, pay(1), NOW) is None  # no IP known: nothing to count
    assert domain.counter_key(v, pay(1, ip_address="10.0.0.1"), NOW) == ("velocity:v:10.0.0.1", 60)


def test_bad_specs_are_refused_with_field_violations():
    assert domain.validate_spec(pb.RuleSpec(name="x", action=pb.RULE_ACTION_REJECT))[0][0] == "spec.params"
    assert domain.validate_spec(pb.RuleSpec(name="x", action=pb.RULE_ACTION_CHALLENGE, single_transaction_limit={"max_amount": EUR(1)}))
    assert domain.validate_spec(pb.RuleSpec(name="x", action=pb.RULE_ACTION_REJECT, velocity={"dimension": 1, "window_seconds": 5}))
