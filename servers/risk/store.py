"""Risk storage on PostgreSQL (schema `risk`): rules and versions, lists, decisions,
challenges, tickets, first-seen subjects and ratings. One connection = one transaction."""
from __future__ import annotations

import datetime as dt

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from paymesh.risk.v1 import risk_pb2 as pb
from servers.risk.domain import RATING_SCORE, ActiveRule, rating_level

# A rating row's update_time is its version for the Redis cache of levels (handlers.rating_cached): taken when the
# row lock is held, so a later change of the same row always has a later time (now() is the transaction's start).
RATING_VERSION = "clock_timestamp()"


class RiskStore:
    def __init__(self, conn: AsyncConnection):
        self.conn = conn

    async def q(self, sql: str, **params):
        return await self.conn.execute(text(sql), params)

    # rules ---------------------------------------------------------------------------------
    async def rule_set_version(self, bump: bool = False) -> int:
        sql = "UPDATE rule_set SET version = version + 1 WHERE id = 1 RETURNING version" if bump else "SELECT version FROM rule_set"
        return int((await self.q(sql)).scalar_one())

    async def active_rules(self) -> list[ActiveRule]:
        rows = await self.q("SELECT r.rule_id, r.version, v.spec FROM rules r JOIN rule_versions v USING (rule_id, version)"
                            " WHERE r.state = :s", s=pb.RULE_STATE_ACTIVE)
        return [ActiveRule(r.rule_id, r.version, pb.RuleSpec.FromString(bytes(r.spec))) for r in rows]

    async def rule(self, rule_id: str, version: int = 0, lock: bool = False) -> pb.Rule | None:
        head = (await self.q("SELECT * FROM rules WHERE rule_id = :r" + (" FOR UPDATE" if lock else ""), r=rule_id)).first()
        if head is None:
            return None
        v = (await self.q("SELECT * FROM rule_versions WHERE rule_id = :r AND version = :v", r=rule_id, v=version or head.version)).first()
        return _rule(head, v) if v else None

    async def insert_rule(self, rule_id: str, spec: pb.RuleSpec, rtype: int, by: str) -> bool:
        done = await self.q("INSERT INTO rules (rule_id, name, version, state, type, priority) VALUES (:r, :n, 1, :s, :t, :p)"
                            " ON CONFLICT (name) DO NOTHING RETURNING rule_id", r=rule_id, n=spec.name, s=pb.RULE_STATE_ACTIVE,
                            t=rtype, p=spec.priority)
        if done.first() is None:
            return False
        await self._version(rule_id, 1, pb.RULE_STATE_ACTIVE, spec, by)
        return True

    async def save_version(self, rule: pb.Rule, spec: pb.RuleSpec, state: int, rtype: int, by: str) -> None:
        version = rule.version + 1
        await self.q("UPDATE rules SET version = :v, state = :s, type = :t, priority = :p, name = :n, update_time = now() WHERE rule_id = :r",
                     v=version, s=state, t=rtype, p=spec.priority, n=spec.name, r=rule.rule_id)
        await self._version(rule.rule_id, version, state, spec, by)

    async def _version(self, rule_id: str, version: int, state: int, spec: pb.RuleSpec, by: str) -> None:
        await self.q("INSERT INTO rule_versions (rule_id, version, state, spec, updated_by) VALUES (:r, :v, :s, :b, :u)",
                     r=rule_id, v=version, s=state, b=spec.SerializeToString(), u=by)
        await self.rule_set_version(bump=True)

    async def list_rules(self, state: int, rtype: int, after: str, limit: int) -> list[pb.Rule]:
        rows = await self.q("SELECT r.*, v.spec, v.updated_by, v.create_time AS vtime FROM rules r JOIN rule_versions v USING (rule_id, version)"
                            " WHERE (:s = 0 OR r.state = :s) AND (:t = 0 OR r.type = :t) AND (lpad(r.priority::text, 6, '0') || r.rule_id) > :a"
                            " ORDER BY r.priority, r.rule_id LIMIT :l", s=state, t=rtype, a=after, l=limit)
        return [_rule(r, r) for r in rows]

    async def rule_versions(self, rule_id: str, before: int, limit: int) -> list[pb.Rule]:
        head = (await self.q("SELECT * FROM rules WHERE rule_id = :r", r=rule_id)).first()
        rows = await self.q("SELECT * FROM rule_versions WHERE rule_id = :r AND version < :b ORDER BY version DESC LIMIT :l",
                            r=rule_id, b=before, l=limit)
        return [_rule(head, v) for v in rows] if head else []

    # lists ---------------------------------------------------------------------------------
    async def list_dimensions(self, list_ids: list[str]) -> dict[str, int]:
        if not list_ids:
            return {}
        rows = await self.q("SELECT list_id, dimension FROM lists WHERE list_id = ANY(:ids)", ids=list_ids)
        return {r.list_id: r.dimension for r in rows}

    async def risk_list(self, list_id: str) -> pb.RiskList | None:
        row = (await self.q("SELECT l.*, (SELECT count(*) FROM list_entries e WHERE e.list_id = l.list_id) AS n FROM lists l"
                            " WHERE list_id = :l", l=list_id)).first()
        return _list(row) if row else None

    # subjects, ratings ---------------------------------------------------------------------
    async def rating(self, subject_type: int, subject_id: str) -> pb.RiskRating:
        row = (await self.q("SELECT * FROM ratings WHERE subject_type = :t AND subject_id = :s", t=subject_type, s=subject_id)).first()
        if row is None:
            return pb.RiskRating(subject_type=subject_type, subject_id=subject_id, level=pb.RATING_LEVEL_MEDIUM)
        r = pb.RiskRating(subject_type=subject_type, subject_id=subject_id, level=row.level, score=RATING_SCORE.get(row.level, 0),
                          success_count=row.success_count,
                          fraud_count=row.fraud_count, chargeback_count=row.chargeback_count, manual_override=row.manual_override)
        r.update_time.FromDatetime(row.update_time)
        return r

    async def rating_levels(self, subjects: list[tuple[int, str]]) -> dict[tuple[int, str], tuple[int, dt.datetime]]:
        """(level, update time) of the subjects that have a rating row."""
        rows = await self.q("SELECT subject_type, subject_id, level, update_time FROM ratings WHERE (subject_type, subject_id) IN"
                            " (SELECT * FROM unnest(CAST(:t AS smallint[]), CAST(:s AS text[])))",
                            t=[t for t, _ in subjects], s=[s for _, s in subjects])
        return {(r.subject_type, r.subject_id): (r.level, r.update_time) for r in rows}

    async def count_outcome(self, subject_type: int, subject_id: str, success: int, fraud: int, chargeback: int) -> None:
        """Adds outcome counts to a subject (row locked until commit) and re-derives its level unless overridden."""
        row = (await self.q("INSERT INTO ratings (subject_type, subject_id, level, success_count, fraud_count, chargeback_count, update_time)"
                            " VALUES (:t, :s, :l, GREATEST(:a, 0), GREATEST(:f, 0), GREATEST(:c, 0), clock_timestamp())"
                            " ON CONFLICT (subject_type, subject_id) DO UPDATE SET success_count = GREATEST(ratings.success_count + :a, 0),"
                            " fraud_count = GREATEST(ratings.fraud_count + :f, 0), chargeback_count = GREATEST(ratings.chargeback_count + :c, 0),"
                            f" update_time = {RATING_VERSION} RETURNING *", t=subject_type, s=subject_id, l=pb.RATING_LEVEL_MEDIUM, a=success,
                            f=fraud, c=chargeback)).one()
        if not row.manual_override:
            level = rating_level(row.success_count, row.fraud_count, row.chargeback_count)
            await self.q("UPDATE ratings SET level = :l WHERE subject_type = :t AND subject_id = :s", l=level, t=subject_type, s=subject_id)

    # decisions, challenges, tickets --------------------------------------------------------
    async def save_decision(self, d: pb.RiskDecision) -> None:
        """Rewrites a decision's after-the-event fields (outcome, review resolution) and its body."""
        await self.q("UPDATE decisions SET outcome = :o, review_resolution = :r, body = :b WHERE decision_id = :d",
                     o=d.outcome, r=d.review_resolution, b=d.SerializeToString(), d=d.decision_id)

    async def decision_for_update(self, decision_id: str) -> pb.RiskDecision | None:
        body = (await self.q("SELECT body FROM decisions WHERE decision_id = :d FOR UPDATE", d=decision_id)).scalar()
        return pb.RiskDecision.FromString(bytes(body)) if body is not None else None

    async def latest_decision_id(self, order_id: str) -> str | None:
        return (await self.q("SELECT decision_id FROM decisions WHERE order_id = :o ORDER BY create_time DESC, decision_id DESC LIMIT 1",
                             o=order_id)).scalar()

    async def decision(self, decision_id: str) -> pb.RiskDecision | None:
        body = (await self.q("SELECT body FROM decisions WHERE decision_id = :d", d=decision_id)).scalar()
        return pb.RiskDecision.FromString(bytes(body)) if body is not None else None

    async def decisions(self, f: pb.ListDecisionsRequest, after: tuple[dt.datetime, str] | None, limit: int) -> list[tuple[dt.datetime, pb.RiskDecision]]:
        where, params = ["true"], {"l": limit}
        for col, value in (("order_id", f.order_id), ("member_id", f.member_id), ("merchant_id", f.merchant_id)):
            if value:
                where.append(f"{col} = :{col}")
                params[col] = value
        if f.decision:
            where.append("decision = :dec")
            params["dec"] = f.decision
        if f.rule_id:
            where.append(":rule = ANY(rule_ids)")
            params["rule"] = f.rule_id
        if f.HasField("start_time"):
            where.append("create_time >= :st")
            params["st"] = f.start_time.ToDatetime(dt.timezone.utc)
        if f.HasField("end_time"):
            where.append("create_time < :et")
            params["et"] = f.end_time.ToDatetime(dt.timezone.utc)
        if after:
            where.append("(create_time, decision_id) < (:at, :aid)")
            params["at"], params["aid"] = after
        rows = await self.q(f"SELECT create_time, decision_id, body FROM decisions WHERE {' AND '.join(where)}"
                            " ORDER BY create_time DESC, decision_id DESC LIMIT :l", **params)
        return [(r.create_time, pb.RiskDecision.FromString(bytes(r.body))) for r in rows]

    async def challenge(self, challenge_id: str):
        return (await self.q("SELECT * FROM challenges WHERE challenge_id = :c FOR UPDATE", c=challenge_id)).first()

    async def update_challenge(self, challenge_id: str, **cols) -> None:
        sets = ", ".join(f"{k} = :{k}" for k in cols)
        await self.q(f"UPDATE challenges SET {sets} WHERE challenge_id = :challenge_id", challenge_id=challenge_id, **cols)

    async def insert_ticket(self, t: pb.RiskTicket, ticket_id: str) -> None:
        await self.q("INSERT INTO tickets (ticket_id, decision_id, order_id, member_id, merchant_id, currency_code, amount_minor,"
                     " verification, state, issue_time, expire_time) VALUES (:t, :d, :o, :m, :mch, :c, :a, :v, :s, :i, :e)",
                     t=ticket_id, d=t.decision_id, o=t.order_id, m=t.member_id, mch=t.merchant_id, c=t.amount.currency_code,
                     a=t.amount.amount_minor, v=t.verification, s=t.state, i=t.issue_time.ToDatetime(dt.timezone.utc),
                     e=t.expire_time.ToDatetime(dt.timezone.utc))

    async def ticket(self, ticket_id: str):
        return (await self.q("SELECT * FROM tickets WHERE ticket_id = :t FOR UPDATE", t=ticket_id)).first()

    async def redeem_ticket(self, ticket_id: str, request_id: str, payment_id: str, now: dt.datetime) -> bool:
        done = await self.q("UPDATE tickets SET state = :r, redeem_time = :now, redeem_request_id = :q, payment_id = :p"
                            " WHERE ticket_id = :t AND state = :i RETURNING ticket_id", r=pb.RISK_TICKET_STATE_REDEEMED, now=now,
                            q=request_id, p=payment_id, t=ticket_id, i=pb.RISK_TICKET_STATE_ISSUED)
        return done.first() is not None


def _rule(head, v) -> pb.Rule:
    spec = pb.RuleSpec.FromString(bytes(v.spec))
    rule = pb.Rule(rule_id=head.rule_id, version=v.version if hasattr(v, "version") else head.version, type=head.type,
                   state=v.state if hasattr(v, "state") else head.state, spec=spec, updated_by=v.updated_by)
    rule.create_time.FromDatetime(head.create_time)
    rule.update_time.FromDatetime(getattr(v, "vtime", None) or v.create_time)
    return rule


def _list(row) -> pb.RiskList:
    out = pb.RiskList(list_id=row.list_id, name=row.name, type=row.type, dimension=row.dimension, description=row.description,
                      entry_count=row.n)
    out.create_time.FromDatetime(row.create_time)
    out.update_time.FromDatetime(row.update_time)
    return out
