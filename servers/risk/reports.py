"""Reports over recorded decisions: rule hits per period, and backtests of a rule change
(the replay itself is `backtest.Replay`, pure)."""
from __future__ import annotations

import datetime as dt
import ipaddress

from paymesh.common.v1 import money_pb2
from paymesh.risk.v1 import risk_pb2 as pb, risk_service_pb2 as api
from servers.kernel.db import Database
from servers.kernel.errors import invalid
from servers.risk import domain, errors
from servers.risk.backtest import ListSnapshot, Replay, warm_up_seconds
from servers.risk.settings import Settings
from servers.risk.store import RiskStore

MAX_DECISIONS_DEFAULT = 100_000
PAGE = 2_000


def _period(start, end) -> tuple[dt.datetime, dt.datetime]:
    s = start.ToDatetime(dt.timezone.utc)
    e = end.ToDatetime(dt.timezone.utc) if end.seconds or end.nanos else dt.datetime.now(dt.timezone.utc)
    if e <= s:
        raise invalid("end_time", "must be after start_time", "PERIOD_INVALID")
    return s, e


class Reports:
    def __init__(self, db: Database, settings: Settings):
        self.db, self.s = db, settings

    async def rule_hits(self, request: api.GetRuleHitReportRequest) -> api.GetRuleHitReportResponse:
        start, end = _period(request.start_time, request.end_time)
        async with self.db.transaction() as conn:
            store = RiskStore(conn)
            out = api.GetRuleHitReportResponse()
            amounts = await store.q("SELECT currency_code, count(*) AS n, sum(amount_minor) AS total FROM decisions"
                                    " WHERE create_time >= :s AND create_time < :e GROUP BY currency_code ORDER BY currency_code",
                                    s=start, e=end)
            for row in amounts:
                out.decision_count += row.n
                if row.currency_code:
                    out.assessed_amounts.append(money_pb2.Money(currency_code=row.currency_code, amount_minor=int(row.total)))
            hits = await store.q(
                "SELECT h.rule_id, coalesce(r.name, '') AS name, count(*) AS hits,"
                " count(*) FILTER (WHERE d.decision = :rej) AS rejects, count(*) FILTER (WHERE d.decision = :chl) AS challenges,"
                " count(*) FILTER (WHERE d.decision = :rev) AS reviews, count(*) FILTER (WHERE d.outcome = ANY(:bad)) AS frauds"
                " FROM decisions d CROSS JOIN LATERAL unnest(d.rule_ids) AS h(rule_id) LEFT JOIN rules r ON r.rule_id = h.rule_id"
                " WHERE d.create_time >= :s AND d.create_time < :e GROUP BY h.rule_id, r.name ORDER BY hits DESC, h.rule_id",
                s=start, e=end, rej=pb.DECISION_REJECT, chl=pb.DECISION_CHALLENGE, rev=pb.DECISION_REVIEW,
                bad=[pb.OUTCOME_FRAUD, pb.OUTCOME_CHARGEBACK])
            for h in hits:
                out.rules.add(rule_id=h.rule_id, name=h.name, hit_count=h.hits, reject_count=h.rejects, challenge_count=h.challenges,
                              review_count=h.reviews, fraud_count=h.frauds)
            return out

    async def backtest(self, request: api.BacktestRuleRequest) -> api.BacktestRuleResponse:
        start, end = _period(request.start_time, request.end_time)
        has_candidate = request.HasField("candidate")
        if not request.rule_id and not has_candidate:
            raise invalid("candidate", "set a candidate rule, a rule_id to disable, or both to change a rule", "BACKTEST_EMPTY")
        if has_candidate:
            problems = domain.validate_spec(request.candidate)
            if problems:
                raise errors.bad_spec([(f.replace("spec", "candidate", 1), d) for f, d in problems])
        limit = request.max_decisions or MAX_DECISIONS_DEFAULT
        async with self.db.transaction() as conn:
            store = RiskStore(conn)
            version = 0
            if request.rule_id:
                current = await store.rule(request.rule_id)
                if current is None:
                    raise errors.not_found("rule", request.rule_id)
                version = current.version + 1
            candidate = domain.ActiveRule(request.rule_id or "candidate", version, request.candidate) if has_candidate else None
            replay = Replay(request.rule_id, candidate, self.s.review_score, self.s.reject_score)
            if candidate is not None and candidate.kind == "list_match":
                replay.listed = await _snapshot(store, candidate.spec.list_match.list_id)
            warm_from = start - dt.timedelta(seconds=warm_up_seconds(candidate))
            after: tuple[dt.datetime, str] = (warm_from, "")
            while replay.replayed < limit:
                rows = (await store.q("SELECT create_time, decision_id, outcome, body FROM decisions WHERE create_time < :e"
                                      " AND (create_time, decision_id) > (:at, :aid) ORDER BY create_time, decision_id LIMIT :n",
                                      e=end, at=after[0], aid=after[1], n=PAGE)).all()
                if not rows:
                    break
                decisions = [(r.create_time, r.outcome, pb.RiskDecision.FromString(bytes(r.body))) for r in rows]
                if candidate is not None and candidate.kind in ("new_member", "new_card"):
                    replay.first_seen.update(await _first_seen(store, [d for _, _, d in decisions]))
                for created, outcome, d in decisions:
                    if created >= start and replay.replayed >= limit:
                        break
                    replay.feed(d, outcome, warm_up=created < start)
                after = (rows[-1].create_time, rows[-1].decision_id)
            return replay.response()


async def _snapshot(store: RiskStore, list_id: str) -> ListSnapshot | None:
    head = (await store.q("SELECT type, dimension FROM lists WHERE list_id = :l", l=list_id)).first()
    if head is None:
        return None
    snap = ListSnapshot(head.type, head.dimension)
    for (value,) in await store.q("SELECT value FROM list_entries WHERE list_id = :l AND (expire_time IS NULL OR expire_time > now())",
                                  l=list_id):
        if head.dimension == pb.DIMENSION_IP and "/" in value:
            snap.networks.append(ipaddress.ip_network(value, strict=False))
        else:
            snap.values.add(value)
    return snap


async def _first_seen(store: RiskStore, decisions: list[pb.RiskDecision]) -> dict[tuple[str, str], dt.datetime]:
    members = list({d.payment.member_id for d in decisions if d.payment.member_id})
    cards = list({d.payment.card_digest for d in decisions if d.payment.card_digest})
    rows = await store.q("SELECT kind, value, first_seen FROM subjects_seen WHERE (kind = 'member' AND value = ANY(:m))"
                         " OR (kind = 'card' AND value = ANY(:c))", m=members, c=cards)
    return {(r.kind, r.value): r.first_seen for r in rows}
