"""Ratings from outcomes, and backtests replaying recorded decisions (pure, fake clock)."""
from __future__ import annotations

import datetime as dt

import pytest

from paymesh.risk.v1 import risk_pb2 as pb
from servers.risk import domain
from servers.risk.backtest import ListSnapshot, Replay

T0 = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.timezone.utc)
EUR = lambda minor: {"currency_code": "EUR", "amount_minor": minor}  # noqa: E731


@pytest.mark.parametrize("success,fraud,chargeback,level", [
    (0, 0, 0, pb.RATING_LEVEL_MEDIUM), (19, 0, 0, pb.RATING_LEVEL_MEDIUM), (20, 0, 0, pb.RATING_LEVEL_LOW),
    (0, 1, 0, pb.RATING_LEVEL_HIGH), (0, 0, 1, pb.RATING_LEVEL_HIGH), (99, 0, 1, pb.RATING_LEVEL_HIGH),
    (200, 0, 1, pb.RATING_LEVEL_MEDIUM), (0, 3, 0, pb.RATING_LEVEL_BLOCKED), (1000, 3, 0, pb.RATING_LEVEL_MEDIUM),
])
def test_ratings_follow_outcomes(success, fraud, chargeback, level):
    assert domain.rating_level(success, fraud, chargeback) == level


def test_later_decisions_use_the_rating():
    score = [pb.MatchedRule(rule_id="s", action=pb.RULE_ACTION_SCORE, score=40)]
    assert domain.combine(score, pb.RATING_LEVEL_MEDIUM, pb.RATING_LEVEL_MEDIUM, 60, 100).decision == pb.DECISION_ACCEPT
    assert domain.combine(score, pb.RATING_LEVEL_HIGH, pb.RATING_LEVEL_MEDIUM, 60, 100).decision == pb.DECISION_REVIEW
    assert domain.combine([], pb.RATING_LEVEL_LOW, pb.RATING_LEVEL_BLOCKED, 60, 100).decision == pb.DECISION_REJECT


def recorded(i: int, minor: int, decision=pb.DECISION_ACCEPT, matched=(), member="mem1", minutes=0, **payment) -> pb.RiskDecision:
    d = pb.RiskDecision(decision_id=f"rdc_{i:03d}", decision=decision, matched_rules=list(matched), member_rating=pb.RATING_LEVEL_MEDIUM,
                        merchant_rating=pb.RATING_LEVEL_MEDIUM,
                        payment=pb.PaymentContext(order_id=f"ord_{i}", merchant_id="m1", member_id=member, amount=EUR(minor),
                                                  payment_method=pb.PAYMENT_METHOD_BALANCE, **payment))
    d.create_time.FromDatetime(T0 + dt.timedelta(minutes=minutes or i))
    return d


def replay(rule_id, spec, decisions, warm=0, **extra) -> Replay:
    r = Replay(rule_id, domain.ActiveRule(rule_id or "candidate", 2, spec) if spec is not None else None, 60, 100, **extra)
    for n, d in enumerate(decisions):
        r.feed(d, pb.OUTCOME_FRAUD if d.decision_id.endswith("7") else pb.OUTCOME_UNSPECIFIED, warm_up=n < warm)
    return r


def test_a_tighter_single_limit_changes_exactly_the_payments_above_it():
    spec = pb.RuleSpec(name="lim", action=pb.RULE_ACTION_REJECT, single_transaction_limit={"max_amount": EUR(5000)})
    decisions = [recorded(i, 1000 * i) for i in range(1, 10)]  # 10.00 … 90.00 EUR
    out = replay("", spec, decisions).response()
    assert (out.replayed_count, out.changed_count) == (9, 4)  # 60, 70, 80, 90 EUR
    assert [(c.from_decision, c.to_decision, c.count, c.fraud_count) for c in out.changes] == [
        (pb.DECISION_ACCEPT, pb.DECISION_REJECT, 4, 1)]
    assert list(out.sample_decision_ids) == ["rdc_006", "rdc_007", "rdc_008", "rdc_009"]


def test_disabling_a_rule_releases_what_it_alone_decided():
    hit = pb.MatchedRule(rule_id="rul_x", action=pb.RULE_ACTION_CHALLENGE, challenge_type=pb.CHALLENGE_TYPE_PASSWORD, score=5)
    other = pb.MatchedRule(rule_id="rul_y", action=pb.RULE_ACTION_REJECT)
    decisions = [recorded(1, 100, pb.DECISION_CHALLENGE, [hit]), recorded(2, 100, pb.DECISION_REJECT, [hit, other]), recorded(3, 100)]
    out = replay("rul_x", None, decisions).response()
    assert (out.replayed_count, out.changed_count) == (3, 1)
    assert (out.changes[0].from_decision, out.changes[0].to_decision) == (pb.DECISION_CHALLENGE, pb.DECISION_ACCEPT)


def test_a_daily_limit_is_replayed_with_counters_rebuilt_in_time_order_and_rejects_uncounted():
    spec = pb.RuleSpec(name="daily", action=pb.RULE_ACTION_REJECT,
                       daily_cumulative_limit={"dimension": pb.DIMENSION_MEMBER, "max_amount": EUR(250)})
    # five payments of 1.00 EUR by mem1 (the first two only warm up), one by mem2
    decisions = [recorded(i, 100) for i in range(1, 6)] + [recorded(6, 100, member="mem2")]
    r = replay("", spec, decisions, warm=2)
    out = r.response()
    # counted: 100, 200 (warm-up), 300 → reject (uncounted), 300 → reject, 300 → reject; mem2 100 → accept
    assert (out.replayed_count, out.changed_count) == (4, 3)


def test_a_velocity_window_slides():
    spec = pb.RuleSpec(name="vel", action=pb.RULE_ACTION_REVIEW,
                       velocity={"dimension": pb.DIMENSION_MEMBER, "window_seconds": 150, "max_count": 2})
    decisions = [recorded(i, 100, minutes=m) for i, m in enumerate([1, 2, 3, 10, 11, 12, 13], start=1)]
    out = replay("", spec, decisions).response()
    # windows of 150 s: minute 3 sees 3 payments; 10, 11 see ≤ 2; 12 sees 3; 13 sees 3 (11, 12, 13)
    assert out.changed_count == 3 and out.changes[0].to_decision == pb.DECISION_REVIEW


def test_an_ip_block_list_candidate_matches_cidr_ranges():
    import ipaddress

    spec = pb.RuleSpec(name="ips", action=pb.RULE_ACTION_REJECT, list_match={"list_id": "lst_ip"})
    snap = ListSnapshot(pb.LIST_TYPE_BLOCK, pb.DIMENSION_IP, {"192.0.2.7"}, [ipaddress.ip_network("10.1.0.0/16")])
    decisions = [recorded(1, 100, ip_address="10.1.2.3"), recorded(2, 100, ip_address="10.2.0.1"), recorded(3, 100, ip_address="192.0.2.7"),
                 recorded(4, 100, ip_address="2001:db8::1"), recorded(5, 100)]
    out = replay("", spec, decisions, listed=snap).response()
    assert list(out.sample_decision_ids) == ["rdc_001", "rdc_003"]


def test_the_replay_matches_a_live_evaluation_for_unchanged_rules():
    spec = pb.RuleSpec(name="lim", action=pb.RULE_ACTION_CHALLENGE, challenge_type=pb.CHALLENGE_TYPE_PASSWORD, score=5,
                       single_transaction_limit={"max_amount": EUR(500)})
    live = domain.evaluate([domain.ActiveRule("rul_l", 1, spec)], recorded(1, 600).payment, pb.PAYMENT_METHOD_BALANCE,
                           domain.Facts(now=T0), 60, 100)
    d = recorded(1, 600, live.decision, live.matched)
    assert replay("rul_l", spec, [d]).response().changed_count == 0  # same rule, same verdict


def test_cli_reads_periods_and_backtest_arguments():
    import argparse

    from clients import cli_risk

    parser = argparse.ArgumentParser()
    cli_risk.register(parser.add_subparsers())
    args = parser.parse_args(["risk", "backtest", "--since", "2h", "--rule", "rul_1", "--spec", "{}"])
    assert (args.action, args.rule, args.spec, args.max) == ("backtest", "rul_1", "{}", 0)
    ago = dt.datetime.now(dt.timezone.utc) - cli_risk._since("2h").ToDatetime(dt.timezone.utc)
    assert abs(ago - dt.timedelta(hours=2)) < dt.timedelta(seconds=5)
    assert cli_risk._since("2025-03-01T12:00:00").ToDatetime(dt.timezone.utc) == T0
