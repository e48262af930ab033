"""After the event: outcomes reported for a payment update the member's and merchant's ratings,
which later Assess calls read (HIGH adds score, BLOCKED rejects).

One outcome counts per decision: reporting another outcome for the same decision moves its count
(e.g. SUCCESS then CHARGEBACK: one success less, one chargeback more); the same outcome again
changes nothing. Each request id counts once (kernel idempotency, in the same transaction)."""
from __future__ import annotations

import datetime as dt
from typing import Awaitable, Callable

from paymesh.risk.v1 import risk_pb2 as pb, risk_service_pb2 as api
from servers.kernel import idempotency
from servers.kernel.db import Database
from servers.kernel.ids import new_id
from servers.risk import errors
from servers.risk.store import RiskStore

# outcome → (success, fraud, chargeback) counted on the subjects
_COUNTS = {pb.OUTCOME_SUCCESS: (1, 0, 0), pb.OUTCOME_FALSE_POSITIVE: (1, 0, 0), pb.OUTCOME_FRAUD: (0, 1, 0),
           pb.OUTCOME_CHARGEBACK: (0, 0, 1)}
NONE = (0, 0, 0)


Refresh = Callable[[list[tuple[int, str]]], Awaitable[None]]


class Outcomes:
    def __init__(self, db: Database, refresh_ratings: Refresh):
        self.db, self.refresh_ratings = db, refresh_ratings  # refresh: the cached levels Assess reads, after each commit

    async def record(self, request: api.RecordOutcomeRequest) -> api.RecordOutcomeResponse:
        async def work(conn) -> api.RecordOutcomeResponse:
            store = RiskStore(conn)
            decision_id = request.decision_id or await store.latest_decision_id(request.order_id)
            d = await store.decision_for_update(decision_id) if decision_id else None
            if d is None or d.payment.order_id != request.order_id:
                raise errors.not_found("decision", decision_id or f"of order {request.order_id}")
            if d.outcome != request.outcome:
                delta = [new - old for new, old in zip(_COUNTS[request.outcome], _COUNTS.get(d.outcome, NONE))]
                # always member first, then merchant: concurrent outcomes lock rating rows in one order
                for subject_type, subject_id in ((pb.SUBJECT_TYPE_MEMBER, d.payment.member_id),
                                                 (pb.SUBJECT_TYPE_MERCHANT, d.payment.merchant_id)):
                    if subject_id:
                        await store.count_outcome(subject_type, subject_id, *delta)
                d.outcome = request.outcome
                await store.save_decision(d)
            outcome = pb.RiskOutcome(outcome_id=new_id("rou"), order_id=request.order_id, decision_id=d.decision_id,
                                     outcome=request.outcome, detail=request.detail)
            outcome.create_time.FromDatetime(dt.datetime.now(dt.timezone.utc))
            await store.q("INSERT INTO outcomes (outcome_id, decision_id, order_id, outcome, detail) VALUES (:i, :d, :o, :k, :x)",
                          i=outcome.outcome_id, d=d.decision_id, o=request.order_id, k=request.outcome, x=request.detail)
            reply = api.RecordOutcomeResponse(outcome=outcome,
                                              merchant_rating=await store.rating(pb.SUBJECT_TYPE_MERCHANT, d.payment.merchant_id))
            if d.payment.member_id:
                reply.member_rating.CopyFrom(await store.rating(pb.SUBJECT_TYPE_MEMBER, d.payment.member_id))
            return reply
        reply = await idempotency.run_once(self.db, "risk.RecordOutcome", request.request_id, request, api.RecordOutcomeResponse, work)
        subjects = [(pb.SUBJECT_TYPE_MERCHANT, reply.merchant_rating.subject_id)]
        if reply.member_rating.subject_id:
            subjects.append((pb.SUBJECT_TYPE_MEMBER, reply.member_rating.subject_id))
        await self.refresh_ratings(subjects)
        return reply
