"""Risk's Assess hot path on real PostgreSQL + Redis: decisions of a burst are group-committed and
every one is recorded (with its ticket or challenge, usable at once), duplicates and reused request
ids inside one group behave as they would serially, and the Redis cache of first-seen times and
ratings follows every change and never goes back to an older rating."""
from __future__ import annotations

import asyncio

from sqlalchemy import text

from paymesh.risk.v1 import risk_pb2 as pb, risk_service_pb2 as api
from servers.kernel.errors import AlreadyExists
from servers.risk.handlers import rating_cached
from tests.integration.test_risk_postgres import EUR, parts, payment, rule  # noqa: F401 — `parts` is a fixture

__all__ = ["parts"]


async def _rows(parts, sql: str, **params):
    async with parts.risk.db.transaction() as conn:
        return (await conn.execute(text(sql), params)).all()


async def test_a_burst_is_group_committed_and_every_decision_recorded(parts, unique):
    merchant = unique("mch")
    await rule(parts, unique, action=pb.RULE_ACTION_CHALLENGE, challenge_type=pb.CHALLENGE_TYPE_PASSWORD,
               single_transaction_limit={"max_amount": EUR(5_000)}, scope={"merchant_ids": [merchant]})
    requests = [api.AssessRequest(payment=payment(f"ord_{merchant}_{i}", 6_000 if i % 3 == 0 else 100, member=f"mem_{i % 7}",
                                                  merchant=merchant), request_id=f"as_{merchant}_{i}") for i in range(300)]
    before = parts.risk.writer.statements, parts.risk.writer.records
    # every 10th request is sent twice in the same burst; one id is reused for another payment (accepted as well)
    reused = api.AssessRequest(payment=payment(f"ord_{merchant}_other", 100, merchant=merchant), request_id=requests[7].request_id)
    calls = requests + requests[::10] + [reused]
    replies = await asyncio.gather(*[parts.risk.assess(r) for r in calls], return_exceptions=True)
    refused = [r for r in replies if isinstance(r, BaseException)]
    assert len(refused) == 1 and isinstance(refused[0], AlreadyExists) and refused[0].reason == "REQUEST_ID_REUSED"
    assert refused[0] in (replies[7], replies[-1])  # whichever came second
    first, again = [r for r in replies[:300] + replies[-1:] if not isinstance(r, BaseException)], replies[300:-1]
    assert [r.decision.decision_id for r in again] == [r.decision.decision_id for r in replies[:300:10]]
    statements, records = parts.risk.writer.statements - before[0], parts.risk.writer.records - before[1]
    assert records >= 300 and statements < records * 0.8  # shared commits, not one per call

    rows = await _rows(parts, "SELECT d.decision, count(t.ticket_id), count(c.challenge_id), count(*) FROM decisions d"
                              " LEFT JOIN tickets t USING (decision_id) LEFT JOIN challenges c USING (decision_id)"
                              " WHERE d.merchant_id = :m GROUP BY d.decision ORDER BY d.decision", m=merchant)
    assert [tuple(r) for r in rows] == [(pb.DECISION_ACCEPT, 200, 0, 200), (pb.DECISION_CHALLENGE, 0, 100, 100)]
    stored = {r[0]: r[1] for r in await _rows(parts, "SELECT decision_id, rule_ids FROM decisions WHERE merchant_id = :m", m=merchant)}
    assert {r.decision.decision_id for r in first} == set(stored)
    assert all(stored[r.decision.decision_id] == [m.rule_id for m in r.decision.matched_rules] for r in first)

    # what a group stored is usable at once: a ticket redeems, a challenge verifies
    accepted, challenged = replies[1], replies[0]
    redeemed = await parts.risk.redeem(api.RedeemRiskTicketRequest(
        ticket=accepted.risk_ticket.ticket, order_id=accepted.decision.payment.order_id, member_id=accepted.decision.payment.member_id,
        amount=EUR(100), request_id=unique("rd"), payment_id=unique("pay")))
    assert redeemed.risk_ticket.state == pb.RISK_TICKET_STATE_REDEEMED
    verified = await parts.risk.verify(api.VerifyRequest(challenge_id=challenged.decision.challenge.challenge_id, password="right",
                                                         request_id=unique("vf")))
    assert verified.risk_ticket.decision_id == challenged.decision.decision_id


async def test_a_group_that_fails_as_a_whole_records_each_alone(parts, unique, monkeypatch):
    async def broken(group):
        raise RuntimeError("statement failed")
    monkeypatch.setattr(parts.risk.hot, "record_group", broken)
    o = unique("ord")
    replies = await asyncio.gather(*[parts.risk.assess(api.AssessRequest(payment=payment(f"{o}_{i}", 100), request_id=f"{o}_{i}"))
                                     for i in range(20)])
    assert len({r.decision.decision_id for r in replies}) == 20
    assert (await _rows(parts, "SELECT count(*) FROM decisions WHERE order_id LIKE :o", o=f"{o}_%"))[0][0] == 20


async def test_cached_facts_follow_every_change_and_never_go_back(parts, unique):
    member, merchant = unique("mem"), unique("mch")
    first = await parts.risk.assess(api.AssessRequest(payment=payment(unique("ord"), 100, member=member, merchant=merchant),
                                                      request_id=unique("as")))
    assert first.decision.member_rating == pb.RATING_LEVEL_MEDIUM
    seen = await _rows(parts, "SELECT first_seen FROM subjects_seen WHERE kind = 'member' AND value = :v", v=member)
    assert len(seen) == 1  # PostgreSQL stays the record of first sight
    key = parts.risk.counters.fact_key("rating", str(pb.SUBJECT_TYPE_MEMBER), member)
    assert await parts.redis.client.get(key) == b"0 0"  # cached: no rating row yet

    # an operator's change applies to the very next Assess, through the cache
    from servers.risk.servicer import RiskServicer
    servicer = RiskServicer(parts.risk)
    await servicer.SetRiskRating(api.SetRiskRatingRequest(subject_type=pb.SUBJECT_TYPE_MEMBER, subject_id=member,
                                                          level=pb.RATING_LEVEL_BLOCKED), None)
    blocked = await parts.risk.assess(api.AssessRequest(payment=payment(unique("ord"), 100, member=member, merchant=merchant),
                                                        request_id=unique("as")))
    assert (blocked.decision.decision, blocked.decision.member_rating) == (pb.DECISION_REJECT, pb.RATING_LEVEL_BLOCKED)

    # a fill that read the row before the change cannot put the older level back
    await parts.risk.counters.fill({key: (*rating_cached(pb.RATING_LEVEL_MEDIUM, None), 60)})
    assert (await parts.risk.assess(api.AssessRequest(payment=payment(unique("ord"), 100, member=member, merchant=merchant),
                                                      request_id=unique("as")))).decision.decision == pb.DECISION_REJECT
    # an expired (or lost) cache entry is read again from PostgreSQL
    await parts.redis.client.delete(key)
    await servicer.SetRiskRating(api.SetRiskRatingRequest(subject_type=pb.SUBJECT_TYPE_MEMBER, subject_id=member), None)
    await parts.redis.client.delete(key)
    again = await parts.risk.assess(api.AssessRequest(payment=payment(unique("ord"), 100, member=member, merchant=merchant),
                                                      request_id=unique("as")))
    assert (again.decision.decision, again.decision.member_rating) == (pb.DECISION_ACCEPT, pb.RATING_LEVEL_MEDIUM)
    assert (await parts.redis.client.get(key)).split(b" ")[1] == str(pb.RATING_LEVEL_MEDIUM).encode()


async def test_asynchronously_committed_records_are_stored_and_redeem_durably(parts, unique):
    """decision_commit=async: the records' sessions skip the WAL flush wait; a ticket is usable at once,
    and its Redeem (a durable commit) flushes it to disk with it."""
    from servers.risk.handlers import Risk
    from servers.kernel.db import raw_pool

    pool = await raw_pool(parts.risk.s.database_url.reveal(), parts.risk.db.schema, 4, synchronous_commit="off")  # as risk's bootstrap
    try:
        async with pool.acquire() as conn:
            assert await conn.fetchval("SHOW synchronous_commit") == "off"
        risk = Risk(parts.risk.db, parts.risk.counters, parts.risk.passwords, parts.risk.s, parts.risk.snapshot, pool)
        o = unique("ord")
        replies = await asyncio.gather(*[risk.assess(api.AssessRequest(payment=payment(f"{o}_{i}", 100), request_id=f"{o}_{i}"))
                                         for i in range(50)])
        assert (await _rows(parts, "SELECT count(*) FROM decisions WHERE order_id LIKE :o", o=f"{o}_%"))[0][0] == 50
        again = await risk.assess(api.AssessRequest(payment=payment(f"{o}_3", 100), request_id=f"{o}_3"))
        assert again.decision.decision_id == replies[3].decision.decision_id  # the idempotency key is stored too
        p = replies[0].decision.payment
        redeemed = await risk.redeem(api.RedeemRiskTicketRequest(ticket=replies[0].risk_ticket.ticket, order_id=p.order_id,
                                                                 member_id=p.member_id, amount=EUR(100), request_id=unique("rd"),
                                                                 payment_id=unique("pay")))
        assert redeemed.risk_ticket.state == pb.RISK_TICKET_STATE_REDEEMED
    finally:
        await pool.close()
