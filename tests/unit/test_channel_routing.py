"""Routing on every dimension, the circuit breaker, the code mapping and the order state machine."""
from __future__ import annotations

import pytest

from servers.channel import domain as d
from servers.channel.health import Circuit, ChannelHealth, HealthBoard, HealthPolicy
from servers.channel.routing import RouteContext, Skip, explain
from servers.kernel.money import Money


def channel(cid, bps=100, fixed=0, quota=None, three_ds=d.ThreeDs.SUPPORTED, orgs=(1, 2), state=d.ChannelState.ACTIVE,
            min_amount=None, max_amount=None, currencies=("EUR",)):
    return d.Channel(cid, state, frozenset({1}), frozenset(orgs), frozenset({1, 2}),
                     {c: d.CurrencyTerms(c, fixed, quota, min_amount, max_amount) for c in currencies}, bps, three_ds, "http-json-v1",
                     "http://x", "sim")


def rule(rid, channels, priority=10, strategy=d.Strategy.PRIORITY, **conditions):
    return d.RoutingRule(rid, rid, priority, d.Conditions(**conditions), tuple(channels), strategy)


def ctx(amount=1000, cur="EUR", **kw):
    base = dict(operation=1, method=1, amount=Money(cur, amount), verification=2, card_org=1, card_bin="411111", merchant_id="m1",
                member_id="u1")
    base.update(kw)
    return RouteContext(**base)


CHANNELS = {c.channel_id: c for c in [
    channel("cheap", bps=50), channel("dear", bps=300), channel("quota", bps=10, quota=5000),
    channel("only3ds", three_ds=d.ThreeDs.ALWAYS), channel("no3ds", three_ds=d.ThreeDs.NONE), channel("mc", orgs=(2,)),
    channel("small", max_amount=500), channel("usd", currencies=("USD",)), channel("paused", state=d.ChannelState.PAUSED)]}


def route(c, rules, used=None, board=None, channels=CHANNELS):
    board = board or HealthBoard()
    return explain(c, channels, rules, board.snapshot, used or {})


@pytest.mark.parametrize("conditions, context, selected", [
    ({"verification_methods": frozenset({4})}, ctx(verification=4), "cheap"),
    ({"verification_methods": frozenset({4})}, ctx(verification=2), None),
    ({"card_orgs": frozenset({2})}, ctx(card_org=1), None),
    ({"bin_ranges": (d.BinRange("400000", "499999"),)}, ctx(card_bin="411111"), "cheap"),
    ({"bin_ranges": (d.BinRange("510000", "559999"),)}, ctx(card_bin="411111"), None),
    ({"amount_ranges": (d.AmountRange("EUR", 0, 999),)}, ctx(amount=1000), None),
    ({"amount_ranges": (d.AmountRange("EUR", 1000, None),)}, ctx(amount=1000), "cheap"),
    ({"currency_codes": frozenset({"USD"})}, ctx(), None),
    ({"merchant_ids": frozenset({"m2"})}, ctx(merchant_id="m1"), None),
    ({"member_ids": frozenset({"u1"})}, ctx(member_id="u1"), "cheap"),
])
def test_rule_conditions(conditions, context, selected):
    ex = route(context, [rule("r1", ["cheap", "dear"], **conditions)])
    assert (ex.decision.channel_id if ex.decision else None) == selected


@pytest.mark.parametrize("cid, context, reason", [
    ("only3ds", ctx(verification=2), Skip.THREE_DS_MISMATCH),
    ("no3ds", ctx(verification=4), Skip.THREE_DS_MISMATCH),
    ("mc", ctx(card_org=1), Skip.CARD_ORG_UNSUPPORTED),
    ("small", ctx(amount=501), Skip.AMOUNT_OUT_OF_RANGE),
    ("usd", ctx(), Skip.CURRENCY_UNSUPPORTED),
    ("paused", ctx(), Skip.CHANNEL_INACTIVE),
    ("cheap", ctx(exclude=frozenset({"cheap"})), Skip.EXCLUDED_BY_CALLER),
])
def test_channel_eligibility(cid, context, reason):
    ex = route(context, [rule("r1", [cid, "dear"])])
    cand = {c.channel_id: c for c in ex.candidates}[cid]
    assert reason in cand.skips and ex.decision.channel_id == "dear"


def test_priority_and_lowest_fee_strategies():
    assert route(ctx(), [rule("r", ["dear", "cheap"])]).decision.channel_id == "dear"
    ex = route(ctx(), [rule("r", ["dear", "cheap", "quota"], strategy=d.Strategy.LOWEST_FEE)])
    assert (ex.decision.channel_id, ex.decision.fallbacks) == ("quota", ("cheap", "dear"))
    assert ex.decision.fee == Money("EUR", 1)  # 10 bps of 1000, rounded half up


def test_remaining_quota_skips_and_reports():
    ex = route(ctx(amount=1000), [rule("r", ["quota", "cheap"])], used={("quota", "EUR"): 4500})
    cand = {c.channel_id: c for c in ex.candidates}["quota"]
    assert Skip.QUOTA_EXHAUSTED in cand.skips and cand.remaining_quota == Money("EUR", 500)
    assert ex.decision.channel_id == "cheap"


def test_success_rate_and_latency_strategies_use_the_window():
    clock = [0.0]
    board = HealthBoard(HealthPolicy(min_calls=4), lambda: clock[0])
    for _ in range(4):
        board.of("cheap").record(True, False, 50)   # healthy but declining
        board.of("dear").record(True, True, 400)     # approving but slow
    assert route(ctx(), [rule("r", ["cheap", "dear"], strategy=d.Strategy.BEST_SUCCESS_RATE)], board=board).decision.channel_id == "dear"
    assert route(ctx(), [rule("r", ["dear", "cheap"], strategy=d.Strategy.LOWEST_LATENCY)], board=board).decision.channel_id == "cheap"


def test_rule_priority_first_match_decides_later_rules_add_fallbacks():
    ex = route(ctx(), [rule("late", ["dear"], priority=20), rule("early", ["cheap"], priority=5)])
    assert ex.decision.rule_id == "early" and ex.decision.fallbacks == ("dear",) and ex.matched_rule_ids == ("early", "late")


def test_named_channel_skips_routing():
    ex = route(ctx(channel_id="dear"), [rule("r", ["cheap"])])
    assert ex.decision.channel_id == "dear" and ex.decision.rule_id == ""
    others = {c.channel_id: c.skips for c in ex.candidates if c.channel_id != "dear"}
    assert all(s == [Skip.OTHER_CHANNEL_NAMED] for s in others.values())
    assert route(ctx(channel_id="paused"), []).decision is None


def test_no_matching_rule_is_explained():
    ex = route(ctx(), [rule("r", ["cheap"], merchant_ids=frozenset({"other"}))])
    assert ex.decision is None and all(Skip.NO_MATCHING_RULE in c.skips for c in ex.candidates)


def test_circuit_opens_skips_half_opens_and_closes():
    clock = [0.0]
    board = HealthBoard(HealthPolicy(consecutive_failures_max=3, open_seconds=10), lambda: clock[0])
    for _ in range(3):
        board.of("cheap").record(False, False, 1000)
    ex = route(ctx(), [rule("r", ["cheap", "dear"])], board=board)
    assert ex.decision.channel_id == "dear" and Skip.CIRCUIT_OPEN in {c.channel_id: c for c in ex.candidates}["cheap"].skips
    clock[0] = 11
    health = board.of("cheap")
    assert health.state() == Circuit.HALF_OPEN
    assert route(ctx(), [rule("r", ["cheap", "dear"])], board=board).decision.fallbacks == ("cheap",)  # probing: last
    assert health.allow() and not health.allow()  # one probe at a time
    health.record(False, False, 10)
    assert health.state() == Circuit.OPEN
    clock[0] = 22
    assert health.allow()
    health.record(True, True, 10)
    assert health.state() == Circuit.CLOSED


def test_failure_rate_trips_and_window_slides():
    clock = [0.0]
    h = ChannelHealth(HealthPolicy(min_calls=10, failure_rate_bps_max=5000, consecutive_failures_max=100, window_seconds=60),
                      lambda: clock[0])
    for i in range(10):
        h.record(i % 2 == 0, True, 10)
    assert h.state() == Circuit.OPEN
    h2 = ChannelHealth(HealthPolicy(min_calls=2, window_seconds=60), lambda: clock[0])
    h2.record(True, True, 10)
    h2.record(True, True, 30)
    assert h2.snapshot().call_count == 2 and h2.snapshot().latency_ms_p99 == 30
    clock[0] = 61
    assert h2.snapshot().call_count == 0


@pytest.mark.parametrize("answer, mapping, expected", [
    (d.ChannelAnswer("SUCCESS"), None, (d.State.SUCCESS, d.Result.SUCCESS, False)),
    (d.ChannelAnswer("PENDING"), None, (d.State.PROCESSING, d.Result.PROCESSING, False)),
    (d.ChannelAnswer("REQUIRES_ACTION"), None, (d.State.REQUIRES_ACTION, d.Result.REQUIRES_ACTION, False)),
    (d.ChannelAnswer("DECLINED", "91"), d.CodeMapping(d.Result.CHANNEL_UNAVAILABLE, True), (d.State.FAIL, d.Result.CHANNEL_UNAVAILABLE, True)),
    (d.ChannelAnswer("DECLINED", "05"), d.CodeMapping(d.Result.DECLINED, False), (d.State.FAIL, d.Result.DECLINED, False)),
    (d.ChannelAnswer("DECLINED", "zz"), None, (d.State.FAIL, d.Result.UNMAPPED, False)),
    (d.ChannelAnswer("DECLINED", "00"), d.CodeMapping(d.Result.SUCCESS, False), (d.State.FAIL, d.Result.UNMAPPED, False)),
    (d.ChannelAnswer("REJECTED"), None, (d.State.FAIL, d.Result.CHANNEL_UNAVAILABLE, True)),
    (d.ChannelAnswer("ERROR"), None, (d.State.UNKNOWN, d.Result.TIMEOUT, False)),
])
def test_code_mapping(answer, mapping, expected):
    o = d.outcome(answer, mapping)
    assert (o.state, o.result, o.retryable) == expected


def test_state_machine_final_states_never_move():
    for final in d.FINAL:
        for target in d.State:
            assert not d.can_move(final, target)
    assert d.can_move(d.State.UNKNOWN, d.State.SUCCESS) and not d.can_move(d.State.PROCESSING, d.State.REQUIRES_ACTION)
    assert not d.can_move(d.State.PROCESSING, d.State.INIT) and not d.can_move(d.State.SENT, d.State.INIT)
    with pytest.raises(Exception):
        d.check_transition(d.State.SUCCESS, d.State.FAIL)


def test_fee_and_backoff():
    c = channel("c", bps=250, fixed=30)
    assert c.fee(Money("EUR", 1999)) == Money("EUR", 50 + 30)
    assert [d.next_query_delay_seconds(None, n) for n in range(6)] == [5, 30, 300, 3600, 3600, 3600]
