"""gRPC ↔ risk use cases. Translation only: errors are mapped by the kernel interceptor."""
from __future__ import annotations

import base64
import datetime as dt
import json

from paymesh.risk.v1 import risk_pb2 as pb, risk_service_pb2 as api, risk_service_pb2_grpc as rpc
from servers.kernel.errors import invalid
from servers.risk import errors
from servers.risk.handlers import Risk
from servers.risk.outcomes import Outcomes
from servers.risk.reports import Reports
from servers.risk.rules import PAGE_SIZE_DEFAULT, Rules
from servers.risk.store import RATING_VERSION, RiskStore


class RiskServicer(rpc.RiskServiceServicer):
    def __init__(self, risk: Risk):
        self.risk = risk
        self.outcomes = Outcomes(risk.db, risk.refresh_ratings)

    async def Assess(self, request, context):
        return await self.risk.assess(request)

    async def GetVerificationRequirements(self, request, context):
        return await self.risk.requirements(request)

    async def Verify(self, request, context):
        return await self.risk.verify(request)

    async def SendOtp(self, request, context):
        return await self.risk.send_otp(request)

    async def RedeemRiskTicket(self, request, context):
        return await self.risk.redeem(request)

    async def GetDecision(self, request, context):
        async with self.risk.db.transaction() as conn:
            d = await RiskStore(conn).decision(request.decision_id)
        if d is None:
            raise errors.not_found("decision", request.decision_id)
        return api.GetDecisionResponse(decision=d)

    async def ListDecisions(self, request, context):
        limit, after = request.page_size or PAGE_SIZE_DEFAULT, None
        if request.page_token:
            try:
                raw = json.loads(base64.urlsafe_b64decode(request.page_token))
                after = (dt.datetime.fromisoformat(raw["t"]), raw["id"])
            except (ValueError, KeyError, TypeError):
                raise invalid("page_token", "not a token of this query", "PAGE_TOKEN_INVALID") from None
        async with self.risk.db.transaction() as conn:
            rows = await RiskStore(conn).decisions(request, after, limit + 1)
        token = ""
        if len(rows) > limit:
            rows = rows[:limit]
            t, d = rows[-1]
            token = base64.urlsafe_b64encode(json.dumps({"t": t.isoformat(), "id": d.decision_id}).encode()).decode()
        return api.ListDecisionsResponse(decisions=[d for _, d in rows], next_page_token=token)

    async def ResolveReview(self, request, context):
        return await self.risk.resolve_review(request)

    async def RecordOutcome(self, request, context):
        return await self.outcomes.record(request)

    async def GetRiskRating(self, request, context):
        async with self.risk.db.transaction() as conn:
            return api.GetRiskRatingResponse(rating=await RiskStore(conn).rating(request.subject_type, request.subject_id))

    async def SetRiskRating(self, request, context):
        async with self.risk.db.transaction() as conn:
            store = RiskStore(conn)
            level = request.level or pb.RATING_LEVEL_MEDIUM
            await store.q("INSERT INTO ratings (subject_type, subject_id, level, manual_override, update_time) VALUES (:t, :s, :l, :m,"
                          f" {RATING_VERSION}) ON CONFLICT (subject_type, subject_id) DO UPDATE SET level = :l, manual_override = :m,"
                          f" update_time = {RATING_VERSION}", t=request.subject_type, s=request.subject_id, l=level, m=bool(request.level))
            reply = api.SetRiskRatingResponse(rating=await store.rating(request.subject_type, request.subject_id))
        await self.risk.refresh_ratings([(request.subject_type, request.subject_id)])  # after the commit
        return reply


class RiskRuleServicer(rpc.RiskRuleServiceServicer):
    def __init__(self, rules: Rules, reports: Reports):
        self.rules, self.reports = rules, reports

    async def CreateRule(self, request, context):
        return await self.rules.create(request)

    async def UpdateRule(self, request, context):
        return api.UpdateRuleResponse(rule=await self.rules.update(request))

    async def GetRule(self, request, context):
        return api.GetRuleResponse(rule=await self.rules.get(request.rule_id, request.version))

    async def ListRules(self, request, context):
        return await self.rules.list(request)

    async def ListRuleVersions(self, request, context):
        return await self.rules.versions(request)

    async def DisableRule(self, request, context):
        return api.DisableRuleResponse(rule=await self.rules.set_state(request, pb.RULE_STATE_DISABLED))

    async def EnableRule(self, request, context):
        return api.EnableRuleResponse(rule=await self.rules.set_state(request, pb.RULE_STATE_ACTIVE))

    async def BacktestRule(self, request, context):
        return await self.reports.backtest(request)

    async def GetRuleHitReport(self, request, context):
        return await self.reports.rule_hits(request)


class RiskListServicer(rpc.RiskListServiceServicer):
    def __init__(self, rules: Rules):
        self.rules = rules

    async def CreateRiskList(self, request, context):
        return await self.rules.create_list(request)

    async def GetRiskList(self, request, context):
        return api.GetRiskListResponse(list=await self.rules.get_list(request.list_id))

    async def AddRiskListEntries(self, request, context):
        return await self.rules.add_entries(request)

    async def RemoveRiskListEntries(self, request, context):
        return await self.rules.remove_entries(request)

    async def ListRiskLists(self, request, context):
        return await self.rules.list_lists(request)

    async def ListRiskListEntries(self, request, context):
        return await self.rules.list_entries(request)
