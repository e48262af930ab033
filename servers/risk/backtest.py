"""Backtests (pure): replay recorded decisions with one rule changed, added or disabled, and count
how many decisions would change, from what to what.

What the replay knows and what it approximates:
- the other rules' matches are kept as recorded (with the facts they saw then);
- the changed rule is evaluated anew against the recorded payment: amount, scope and method are
  exact; ratings are the recorded ones; daily/velocity counters are rebuilt by replaying the
  recorded decisions in time order (a payment counts unless the candidate rule set rejects it,
  like live Assess; decisions shortly before the period only warm the counters up); member and
  card ages come from the payment or risk's first-seen records; list membership is today's.
"""
from __future__ import annotations

import datetime as dt
import ipaddress
from collections import defaultdict, deque
from dataclasses import dataclass, field

from paymesh.risk.v1 import risk_pb2 as pb, risk_service_pb2 as api
from servers.risk import domain

SAMPLES = 20
FRAUDULENT = (pb.OUTCOME_FRAUD, pb.OUTCOME_CHARGEBACK)


@dataclass
class ListSnapshot:
    """The entries of the candidate's list, as they are now."""
    list_type: int
    dimension: int
    values: set[str] = field(default_factory=set)
    networks: list = field(default_factory=list)

    def has(self, value: str, now: dt.datetime) -> bool:
        if not value:
            return False
        if value in self.values:
            return True
        if self.dimension == pb.DIMENSION_IP and self.networks:
            try:
                ip = ipaddress.ip_address(value)
            except ValueError:
                return False
            return any(ip in net for net in self.networks if net.version == ip.version)
        return False


@dataclass
class Replay:
    rule_id: str                                  # rule changed or disabled; "" for a new rule
    candidate: domain.ActiveRule | None           # None: the rule is disabled
    review_score: int
    reject_score: int
    listed: ListSnapshot | None = None
    first_seen: dict[tuple[str, str], dt.datetime] = field(default_factory=dict)
    daily: dict[str, list[int]] = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    windows: dict[str, deque] = field(default_factory=lambda: defaultdict(deque))
    replayed: int = 0
    changes: dict[tuple[int, int], list[int]] = field(default_factory=dict)  # (from, to) → [count, fraud]
    samples: list[str] = field(default_factory=list)

    def _count(self, key: tuple[str, int], now: dt.datetime, amount: int) -> tuple[int, int]:
        name, window = key
        if window == 0:
            c = self.daily[name]
            c[0], c[1] = c[0] + 1, c[1] + amount
            return c[0], c[1]
        q, now_ms = self.windows[name], int(now.timestamp() * 1000)
        while q and q[0][0] <= now_ms - window * 1000:
            q.popleft()
        q.append((now_ms, amount))
        return len(q), sum(a for _, a in q)

    def _uncount(self, key: tuple[str, int], amount: int) -> None:
        name, window = key
        if window == 0:
            self.daily[name][0] -= 1
            self.daily[name][1] -= amount
        elif self.windows[name]:
            self.windows[name].pop()

    def _candidate_match(self, p: pb.PaymentContext, d: pb.RiskDecision, now: dt.datetime):
        rule = self.candidate
        facts = domain.Facts(now=now, member_rating=d.member_rating, merchant_rating=d.merchant_rating)
        key = domain.counter_key(rule, p, now) if domain.in_scope(rule.spec, p, p.payment_method) else None
        if key is not None:
            facts.counters[rule.rule_id] = self._count(key, now, p.amount.amount_minor)
        if rule.kind == "list_match" and self.listed is not None:
            if self.listed.has(domain.dimension_value(p, self.listed.dimension), now):
                facts.list_hits[rule.spec.list_match.list_id] = self.listed.list_type
        facts.member_first_seen = (p.member_create_time.ToDatetime(dt.timezone.utc) if p.HasField("member_create_time")
                                   else self.first_seen.get(("member", p.member_id)))
        facts.card_first_seen = (p.card_bind_time.ToDatetime(dt.timezone.utc) if p.HasField("card_bind_time")
                                 else self.first_seen.get(("card", p.card_digest)))
        return domain.match(rule, p, p.payment_method, facts), key

    def feed(self, d: pb.RiskDecision, outcome: int, warm_up: bool = False) -> None:
        p, now = d.payment, d.create_time.ToDatetime(dt.timezone.utc)
        matched = [m for m in d.matched_rules if m.rule_id != self.rule_id]
        key = None
        if self.candidate is not None:
            m, key = self._candidate_match(p, d, now)
            if m is not None:
                matched.append(m)
        verdict = domain.combine(matched, d.member_rating, d.merchant_rating, self.review_score, self.reject_score)
        if key is not None and verdict.decision == pb.DECISION_REJECT:
            self._uncount(key, p.amount.amount_minor)
        if warm_up:
            return
        self.replayed += 1
        if verdict.decision != d.decision:
            slot = self.changes.setdefault((d.decision, verdict.decision), [0, 0])
            slot[0] += 1
            slot[1] += outcome in FRAUDULENT
            if len(self.samples) < SAMPLES:
                self.samples.append(d.decision_id)

    def response(self) -> api.BacktestRuleResponse:
        out = api.BacktestRuleResponse(replayed_count=self.replayed, changed_count=sum(c for c, _ in self.changes.values()),
                                       sample_decision_ids=self.samples)
        for (src, dst), (count, fraud) in sorted(self.changes.items(), key=lambda kv: -kv[1][0]):
            out.changes.add(from_decision=src, to_decision=dst, count=count, fraud_count=fraud)
        return out


def warm_up_seconds(candidate: domain.ActiveRule | None) -> int:
    """How long before the period the counters of the candidate need decisions from."""
    if candidate is None:
        return 0
    if candidate.kind == "daily_cumulative_limit":
        return 24 * 3600  # the local day of the first replayed decision starts at most 24 h earlier
    if candidate.kind == "velocity":
        return candidate.spec.velocity.window_seconds
    return 0
