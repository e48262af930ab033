"""Risk on real PostgreSQL + Redis: counters exact under concurrency, outcomes feeding ratings
that later decisions use, review resolution, IP lists with CIDR ranges, hit report, backtest."""
from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest
from google.protobuf.timestamp_pb2 import Timestamp

from paymesh.risk.v1 import risk_pb2 as pb, risk_service_pb2 as api
from servers.kernel import cache, db as kdb
from servers.kernel.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from servers.risk.adapters import RedisCounters
from servers.risk.handlers import Risk
from servers.risk.outcomes import Outcomes
from servers.risk.reports import Reports
from servers.risk.rules import Rules
from servers.risk.settings import Settings
from servers.risk.snapshot import RuleSnapshot

MIGRATIONS = Path(__file__).resolve().parents[2] / "servers" / "risk" / "migrations"
EUR = lambda minor: {"currency_code": "EUR", "amount_minor": minor}  # noqa: E731


class Passwords:
    async def check(self, member_id: str, password: str) -> bool:
        return password == "right"


@dataclass
class RiskParts:
    risk: Risk
    rules: Rules
    outcomes: Outcomes
    reports: Reports
    redis: cache.AppRedis


@pytest.fixture
async def parts(infra, unique):
    s = Settings.from_env("risk", infra)
    database = await kdb.connect(s.database_url.reveal(), unique("risk"), MIGRATIONS, pool_size=20)
    redis = cache.connect(s.redis_url.reveal(), unique("risk"))
    snapshot = RuleSnapshot(database)
    risk = Risk(database, RedisCounters(redis), Passwords(), s, snapshot)
    yield RiskParts(risk, Rules(database, snapshot.changed), Outcomes(database, risk.refresh_ratings), Reports(database, s), redis)
    await redis.close()
    await database.close()


def payment(order: str, minor: int, member: str = "mem_1", merchant: str = "mch_1", **extra) -> pb.PaymentContext:
    return pb.PaymentContext(order_id=order, merchant_id=merchant, member_id=member, amount=EUR(minor),
                             payment_method=pb.PAYMENT_METHOD_BALANCE, **extra)


async def assess(parts: RiskParts, order: str, minor: int, **kw) -> pb.RiskDecision:
    return (await parts.risk.assess(api.AssessRequest(payment=payment(order, minor, **kw), request_id=f"as-{order}"))).decision


async def rule(parts: RiskParts, unique, **spec) -> pb.Rule:
    return (await parts.rules.create(api.CreateRuleRequest(spec=pb.RuleSpec(name=unique("r"), **spec), request_id=unique("cr")))).rule


async def test_daily_limit_is_exact_under_concurrent_assessments(parts, unique):
    await rule(parts, unique, action=pb.RULE_ACTION_REJECT,
               daily_cumulative_limit={"dimension": pb.DIMENSION_MEMBER, "max_amount": EUR(1_000)})
    member = unique("mem")
    decisions = await asyncio.gather(*[assess(parts, f"ord_{member}_{i}", 100, member=member) for i in range(40)])
    assert sorted(pb.Decision.Name(d.decision) for d in decisions).count("DECISION_ACCEPT") == 10
    assert sum(d.decision == pb.DECISION_REJECT for d in decisions) == 30
    again = await assess(parts, f"ord_{member}_0", 100, member=member)  # a retried request counts nothing more
    assert again.decision_id == decisions[0].decision_id
    keys = [k async for k in parts.redis.client.scan_iter(parts.redis.key("daily", "*"))]
    assert len(keys) == 1 and await parts.redis.client.hgetall(keys[0]) == {b"count": b"10", b"sum": b"1000"}
    assert 0 < await parts.redis.client.ttl(keys[0]) <= 2 * 86400


async def test_outcomes_update_ratings_that_later_decisions_use(parts, unique):
    await rule(parts, unique, action=pb.RULE_ACTION_SCORE, score=40, single_transaction_limit={"max_amount": EUR(1)})
    member, o = unique("mem"), unique("ord")
    assert (await assess(parts, f"{o}_a", 500, member=member)).decision == pb.DECISION_ACCEPT  # 40 < review 60

    fraud = api.RecordOutcomeRequest(order_id=f"{o}_a", outcome=pb.OUTCOME_FRAUD, detail="confirmed by issuer", request_id=unique("out"))
    reply = await parts.outcomes.record(fraud)
    assert (reply.member_rating.level, reply.member_rating.fraud_count, reply.member_rating.score) == (pb.RATING_LEVEL_HIGH, 1, 30)
    assert reply.merchant_rating.level == pb.RATING_LEVEL_HIGH and reply.outcome.outcome_id.startswith("rou_")
    assert await parts.outcomes.record(fraud) == reply  # the same request counts once
    with pytest.raises(AlreadyExists):
        await parts.outcomes.record(api.RecordOutcomeRequest(order_id=f"{o}_a", outcome=pb.OUTCOME_SUCCESS, request_id=fraud.request_id))

    later = await assess(parts, f"{o}_b", 500, member=member, merchant="mch_other")  # 40 + 30 for the HIGH member
    assert (later.decision, later.score, later.member_rating) == (pb.DECISION_REVIEW, 70, pb.RATING_LEVEL_HIGH)

    # the issuer takes it back: the decision's outcome moves, the counts follow, the member is MEDIUM again
    moved = await parts.outcomes.record(api.RecordOutcomeRequest(order_id=f"{o}_a", outcome=pb.OUTCOME_FALSE_POSITIVE, request_id=unique("out")))
    assert (moved.member_rating.level, moved.member_rating.fraud_count, moved.member_rating.success_count) == (pb.RATING_LEVEL_MEDIUM, 0, 1)
    assert (await assess(parts, f"{o}_c", 500, member=member, merchant="mch_other")).decision == pb.DECISION_ACCEPT

    for i in range(3):  # three frauds: blocked
        await assess(parts, f"{o}_f{i}", 500, member=member, merchant="mch_third")
        await parts.outcomes.record(api.RecordOutcomeRequest(order_id=f"{o}_f{i}", outcome=pb.OUTCOME_FRAUD, request_id=unique("out")))
    blocked = await assess(parts, f"{o}_z", 100, member=member, merchant="mch_fourth")
    assert (blocked.decision, blocked.member_rating) == (pb.DECISION_REJECT, pb.RATING_LEVEL_BLOCKED)
    with pytest.raises(NotFound):
        await parts.outcomes.record(api.RecordOutcomeRequest(order_id="ord_none", outcome=pb.OUTCOME_FRAUD, request_id=unique("out")))


async def test_a_review_is_resolved_once_and_approval_issues_a_ticket(parts, unique):
    await rule(parts, unique, action=pb.RULE_ACTION_REVIEW, single_transaction_limit={"max_amount": EUR(1_000)})
    o = unique("ord")
    held = await assess(parts, o, 2_000)
    assert held.decision == pb.DECISION_REVIEW
    req = api.ResolveReviewRequest(decision_id=held.decision_id, resolution=pb.REVIEW_RESOLUTION_APPROVE, note="known customer",
                                   request_id=unique("rv"))
    reply = await parts.risk.resolve_review(req)
    assert reply.decision.review_resolution == pb.REVIEW_RESOLUTION_APPROVE and reply.risk_ticket.ticket.startswith("rt1.")
    assert await parts.risk.resolve_review(req) == reply
    with pytest.raises(FailedPrecondition) as again:
        await parts.risk.resolve_review(api.ResolveReviewRequest(decision_id=held.decision_id, resolution=pb.REVIEW_RESOLUTION_REJECT,
                                                                 request_id=unique("rv")))
    assert again.value.reason == "NOT_PENDING_REVIEW"
    redeemed = await parts.risk.redeem(api.RedeemRiskTicketRequest(ticket=reply.risk_ticket.ticket, order_id=o, amount=EUR(2_000),
                                                                   member_id="mem_1", request_id=unique("rd")))
    assert redeemed.risk_ticket.state == pb.RISK_TICKET_STATE_REDEEMED
    accepted = await assess(parts, unique("ord"), 10)
    with pytest.raises(FailedPrecondition):
        await parts.risk.resolve_review(api.ResolveReviewRequest(decision_id=accepted.decision_id, resolution=pb.REVIEW_RESOLUTION_APPROVE,
                                                                 request_id=unique("rv")))


async def test_ip_lists_take_cidr_ranges_and_lists_page(parts, unique):
    ips = (await parts.rules.create_list(api.CreateRiskListRequest(name=unique("ips"), type=pb.LIST_TYPE_BLOCK, dimension=pb.DIMENSION_IP,
                                                                   request_id=unique("cl")))).list
    await parts.rules.create_list(api.CreateRiskListRequest(name=unique("dev"), type=pb.LIST_TYPE_ALLOW, dimension=pb.DIMENSION_DEVICE,
                                                            request_id=unique("cl")))
    with pytest.raises(InvalidArgument) as bad:
        await parts.rules.add_entries(api.AddRiskListEntriesRequest(list_id=ips.list_id, entries=[{"value": "10.1.0.1/16"}],
                                                                    request_id=unique("ae")))
    assert bad.value.reason == "LIST_VALUE_INVALID"
    await parts.rules.add_entries(api.AddRiskListEntriesRequest(
        list_id=ips.list_id, entries=[{"value": "10.1.0.0/16", "reason": "botnet"}, {"value": "192.0.2.7"}, {"value": "2001:db8::/32"}],
        request_id=unique("ae")))
    await rule(parts, unique, action=pb.RULE_ACTION_REJECT, list_match={"list_id": ips.list_id})
    for ip, decision in (("10.1.200.3", pb.DECISION_REJECT), ("10.2.0.1", pb.DECISION_ACCEPT), ("192.0.2.7", pb.DECISION_REJECT),
                         ("2001:db8:5::1", pb.DECISION_REJECT), ("not-an-ip", pb.DECISION_ACCEPT)):
        assert (await assess(parts, unique("ord"), 100, ip_address=ip)).decision == decision, ip

    first = await parts.rules.list_lists(api.ListRiskListsRequest(page_size=1))
    second = await parts.rules.list_lists(api.ListRiskListsRequest(page_size=1, page_token=first.next_page_token))
    assert len(first.lists) == len(second.lists) == 1 and first.lists[0].name < second.lists[0].name and not second.next_page_token
    assert [x.list_id for x in (await parts.rules.list_lists(api.ListRiskListsRequest(type=pb.LIST_TYPE_BLOCK))).lists] == [ips.list_id]
    with pytest.raises(InvalidArgument):
        await parts.rules.list_lists(api.ListRiskListsRequest(type=pb.LIST_TYPE_BLOCK, page_token=first.next_page_token))
    page = await parts.rules.list_entries(api.ListRiskListEntriesRequest(list_id=ips.list_id, page_size=2))
    rest = await parts.rules.list_entries(api.ListRiskListEntriesRequest(list_id=ips.list_id, page_size=2, page_token=page.next_page_token))
    assert [e.value for e in page.entries] + [e.value for e in rest.entries] == ["10.1.0.0/16", "192.0.2.7", "2001:db8::/32"]
    assert page.entries[0].reason == "botnet" and page.entries[0].HasField("create_time")
    assert [e.value for e in (await parts.rules.list_entries(api.ListRiskListEntriesRequest(list_id=ips.list_id, value_prefix="19"))).entries] == ["192.0.2.7"]
    with pytest.raises(NotFound):
        await parts.rules.list_entries(api.ListRiskListEntriesRequest(list_id="lst_none"))


def _ts(value: dt.datetime) -> Timestamp:
    ts = Timestamp()
    ts.FromDatetime(value)
    return ts


async def test_rule_hit_report_and_backtest_against_recorded_decisions(parts, unique):
    start = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=5)
    three_ds = await rule(parts, unique, action=pb.RULE_ACTION_CHALLENGE, challenge_type=pb.CHALLENGE_TYPE_PASSWORD, score=5,
                          single_transaction_limit={"max_amount": EUR(7_000)})
    o = unique("ord")
    for i in range(1, 10):  # 10.00 … 90.00 EUR: 80 and 90 challenged
        await assess(parts, f"{o}_{i}", 1_000 * i, member=f"mem_{i % 3}")
    await parts.outcomes.record(api.RecordOutcomeRequest(order_id=f"{o}_9", outcome=pb.OUTCOME_CHARGEBACK, request_id=unique("out")))

    report = await parts.reports.rule_hits(api.GetRuleHitReportRequest(start_time=_ts(start)))
    assert report.decision_count == 9 and [(m.currency_code, m.amount_minor) for m in report.assessed_amounts] == [("EUR", 45_000)]
    assert [(r.rule_id, r.hit_count, r.challenge_count, r.fraud_count) for r in report.rules] == [(three_ds.rule_id, 2, 2, 1)]

    tighter = pb.RuleSpec(name="cap", action=pb.RULE_ACTION_REJECT, single_transaction_limit={"max_amount": EUR(5_000)})
    out = await parts.reports.backtest(api.BacktestRuleRequest(candidate=tighter, start_time=_ts(start)))
    assert (out.replayed_count, out.changed_count) == (9, 4)
    assert sorted((c.from_decision, c.to_decision, c.count, c.fraud_count) for c in out.changes) == [
        (pb.DECISION_ACCEPT, pb.DECISION_REJECT, 2, 0), (pb.DECISION_CHALLENGE, pb.DECISION_REJECT, 2, 1)]
    disabled = await parts.reports.backtest(api.BacktestRuleRequest(rule_id=three_ds.rule_id, start_time=_ts(start)))
    assert disabled.changed_count == 2 and disabled.changes[0].to_decision == pb.DECISION_ACCEPT
    daily = pb.RuleSpec(name="daily", action=pb.RULE_ACTION_REJECT,
                        daily_cumulative_limit={"dimension": pb.DIMENSION_MEMBER, "max_amount": EUR(10_000)})
    # members: mem_1 pays 10+40+70, mem_2 20+50+80, mem_0 30+60+90 → over 100.00 EUR: mem_1's 70 (120), mem_2's 80 (150),
    # mem_0's 60 (90 → no), 90 (180)
    assert (await parts.reports.backtest(api.BacktestRuleRequest(candidate=daily, start_time=_ts(start)))).changed_count == 3
    assert (await parts.reports.backtest(api.BacktestRuleRequest(candidate=tighter, start_time=_ts(start), max_decisions=3))).replayed_count == 3
    with pytest.raises(InvalidArgument):
        await parts.reports.backtest(api.BacktestRuleRequest(start_time=_ts(start)))
    with pytest.raises(NotFound):
        await parts.reports.backtest(api.BacktestRuleRequest(rule_id="rul_none", start_time=_ts(start)))


async def test_rule_snapshot_applies_local_edits_at_once_and_other_replicas_within_the_poll(parts, unique, infra):
    member = unique("mem")
    assert (await assess(parts, f"ord_{member}_0", 300, member=member)).decision == pb.DECISION_ACCEPT
    cap = await rule(parts, unique, action=pb.RULE_ACTION_REJECT, single_transaction_limit={"max_amount": EUR(200)},
                     scope={"merchant_ids": [member]})
    # an edit through this process (Rules → snapshot.changed) applies on the very next call
    assert (await assess(parts, f"ord_{member}_1", 300, member=member, merchant=member)).decision == pb.DECISION_REJECT
    # an edit by another replica (its own Rules, no link to our snapshot) applies within the poll bound
    other = Rules(parts.risk.db)
    await other.set_state(api.DisableRuleRequest(rule_id=cap.rule_id, request_id=unique("dr")), pb.RULE_STATE_DISABLED)
    deadline = asyncio.get_running_loop().time() + parts.risk.snapshot.poll_s + 2
    n = 2
    while (await assess(parts, f"ord_{member}_{n}", 300, member=member, merchant=member)).decision != pb.DECISION_ACCEPT:
        assert asyncio.get_running_loop().time() < deadline, "the other replica's edit was not seen within the poll bound"
        n += 1
        await asyncio.sleep(0.05)
    assert parts.risk.snapshot.version == (await RuleSnapshot(parts.risk.db).get())[0]


async def test_velocity_counters_in_one_script_are_exact_and_peeks_write_nothing(parts, unique):
    await rule(parts, unique, action=pb.RULE_ACTION_REJECT, velocity={"dimension": pb.DIMENSION_DEVICE, "window_seconds": 60, "max_count": 5})
    await rule(parts, unique, action=pb.RULE_ACTION_REJECT,
               daily_cumulative_limit={"dimension": pb.DIMENSION_DEVICE, "max_amount": EUR(100_000)})
    device = unique("dev")
    peek = api.GetVerificationRequirementsRequest(payment=payment(unique("ord"), 100, device_id=device),
                                                  payment_methods=[pb.PAYMENT_METHOD_BALANCE])
    for _ in range(3):  # the cashier's look counts nothing
        assert (await parts.risk.requirements(peek)).requirements[0].decision == pb.DECISION_ACCEPT
    decisions = await asyncio.gather(*[assess(parts, f"ord_{device}_{i}", 100, device_id=device) for i in range(20)])
    assert sum(d.decision == pb.DECISION_ACCEPT for d in decisions) == 5
    keys = {k.decode(): k async for k in parts.redis.client.scan_iter(parts.redis.key("*", "*", device + "*"))}
    velocity = [k for name, k in keys.items() if ":velocity:" in name]
    daily = [k for name, k in keys.items() if ":daily:" in name]
    assert len(velocity) == 1 and await parts.redis.client.zcard(velocity[0]) == 5  # rejected payments were taken back out
    assert await parts.redis.client.hgetall(daily[0]) == {b"count": b"5", b"sum": b"500"}
    assert 0 < await parts.redis.client.ttl(velocity[0]) <= 2 * 86400 and 0 < await parts.redis.client.ttl(daily[0])
    assert (await parts.risk.requirements(peek)).requirements[0].decision == pb.DECISION_REJECT  # 6th would be over


async def test_assess_is_recorded_once_per_request_id_even_concurrently(parts, unique):
    o = unique("ord")
    request = api.AssessRequest(payment=payment(o, 100), request_id=unique("as"))
    replies = await asyncio.gather(*[parts.risk.assess(request) for _ in range(8)])
    assert len({r.decision.decision_id for r in replies}) == 1 and replies[0].risk_ticket.ticket.startswith("rt1.")
    async with parts.risk.db.transaction() as conn:
        from sqlalchemy import text
        counts = (await conn.execute(text("SELECT (SELECT count(*) FROM decisions WHERE order_id = :o),"
                                          " (SELECT count(*) FROM tickets WHERE order_id = :o)"), {"o": o})).one()
    assert tuple(counts) == (1, 1)
    with pytest.raises(AlreadyExists) as reused:
        await parts.risk.assess(api.AssessRequest(payment=payment(o, 200), request_id=request.request_id))
    assert reused.value.reason == "REQUEST_ID_REUSED"
    # a CHALLENGE is recorded with its challenge in the same statement, and Verify finds it
    await rule(parts, unique, action=pb.RULE_ACTION_CHALLENGE, challenge_type=pb.CHALLENGE_TYPE_PASSWORD,
               single_transaction_limit={"max_amount": EUR(5_000)}, scope={"merchant_ids": [o]})
    challenged = await assess(parts, unique("ord"), 6_000, merchant=o)
    assert challenged.decision == pb.DECISION_CHALLENGE
    verified = await parts.risk.verify(api.VerifyRequest(challenge_id=challenged.challenge.challenge_id, password="right",
                                                         request_id=unique("vf")))
    assert verified.risk_ticket.decision_id == challenged.decision_id
