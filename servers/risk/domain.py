"""Risk domain: evaluating rules against a payment. Pure: no I/O, the clock is an argument.

Counters (daily sums, velocity windows) and list hits are looked up by the caller and passed
in as `Facts`, so the table of rules × facts → decision is testable on its own.
Strength: ALLOW < SCORE < CHALLENGE < REVIEW < REJECT; an allow-list match skips every
non-REJECT rule; the total score escalates through the review/reject thresholds.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from paymesh.risk.v1 import risk_pb2 as pb
from servers.kernel.money import Money

A = pb.RuleAction
_STRENGTH = {pb.RULE_ACTION_ALLOW: 0, pb.RULE_ACTION_SCORE: 1, pb.RULE_ACTION_CHALLENGE: 2, pb.RULE_ACTION_REVIEW: 3,
             pb.RULE_ACTION_REJECT: 4}
_DECISION = {pb.RULE_ACTION_ALLOW: pb.DECISION_ACCEPT, pb.RULE_ACTION_SCORE: pb.DECISION_ACCEPT,
             pb.RULE_ACTION_CHALLENGE: pb.DECISION_CHALLENGE, pb.RULE_ACTION_REVIEW: pb.DECISION_REVIEW,
             pb.RULE_ACTION_REJECT: pb.DECISION_REJECT}
RATING_SCORE = {pb.RATING_LEVEL_LOW: 0, pb.RATING_LEVEL_MEDIUM: 0, pb.RATING_LEVEL_HIGH: 30, pb.RATING_LEVEL_BLOCKED: 0}
PARAM_TYPES = {"single_transaction_limit": pb.RULE_TYPE_SINGLE_TRANSACTION_LIMIT, "daily_cumulative_limit": pb.RULE_TYPE_DAILY_CUMULATIVE_LIMIT,
               "velocity": pb.RULE_TYPE_VELOCITY, "list_match": pb.RULE_TYPE_LIST_MATCH,
               "three_ds_threshold": pb.RULE_TYPE_THREE_DS_THRESHOLD, "new_member": pb.RULE_TYPE_NEW_MEMBER, "new_card": pb.RULE_TYPE_NEW_CARD}


@dataclass(frozen=True)
class ActiveRule:
    rule_id: str
    version: int
    spec: pb.RuleSpec

    @property
    def kind(self) -> str:
        return self.spec.WhichOneof("params") or ""


@dataclass
class Facts:
    """What the caller looked up for one payment."""
    now: dt.datetime
    counters: dict[str, tuple[int, int]] = field(default_factory=dict)  # rule_id → (count, sum minor) incl. this payment
    list_hits: dict[str, pb.ListType.ValueType] = field(default_factory=dict)  # list_id → type, for lists the payment is in
    member_first_seen: dt.datetime | None = None
    card_first_seen: dt.datetime | None = None
    member_rating: int = pb.RATING_LEVEL_MEDIUM
    merchant_rating: int = pb.RATING_LEVEL_MEDIUM


@dataclass(frozen=True)
class Verdict:
    decision: int
    score: int
    matched: list[pb.MatchedRule]
    challenge_types: list[int]


def dimension_value(payment: pb.PaymentContext, dimension: int) -> str:
    return {pb.DIMENSION_MEMBER: payment.member_id, pb.DIMENSION_CARD_DIGEST: payment.card_digest, pb.DIMENSION_DEVICE: payment.device_id,
            pb.DIMENSION_IP: payment.ip_address, pb.DIMENSION_MERCHANT: payment.merchant_id,
            pb.DIMENSION_CARD_BIN: payment.card_bin}.get(dimension, "")


def in_scope(spec: pb.RuleSpec, p: pb.PaymentContext, method: int) -> bool:
    s = spec.scope
    return ((not s.merchant_ids or p.merchant_id in s.merchant_ids) and (not s.product_codes or p.product_code in s.product_codes)
            and (not s.payment_methods or method in s.payment_methods)
            and (not s.currency_codes or p.amount.currency_code in s.currency_codes))


def _fmt(minor: int, currency: str) -> str:
    return f"{minor / 100:.2f} {currency}"


def _matches(rule: ActiveRule, p: pb.PaymentContext, method: int, facts: Facts) -> str | None:
    """Why the rule matches, or None."""
    amount, cur, sp = p.amount.amount_minor, p.amount.currency_code, rule.spec
    kind = rule.kind
    if kind == "single_transaction_limit":
        lim = sp.single_transaction_limit.max_amount
        return f"amount {_fmt(amount, cur)} > {_fmt(lim.amount_minor, cur)}" if lim.currency_code == cur and amount > lim.amount_minor else None
    if kind == "daily_cumulative_limit":
        lim = sp.daily_cumulative_limit.max_amount
        _, total = facts.counters.get(rule.rule_id, (0, 0))
        return f"daily sum {_fmt(total, cur)} > {_fmt(lim.amount_minor, cur)}" if lim.currency_code == cur and total > lim.amount_minor else None
    if kind == "velocity":
        v = sp.velocity
        count, total = facts.counters.get(rule.rule_id, (0, 0))
        if v.max_count and count > v.max_count:
            return f"{count} payments in {v.window_seconds}s > {v.max_count}"
        if v.HasField("max_amount") and v.max_amount.currency_code == cur and total > v.max_amount.amount_minor:
            return f"sum {_fmt(total, cur)} in {v.window_seconds}s > {_fmt(v.max_amount.amount_minor, cur)}"
        return None
    if kind == "list_match":
        return f"listed in {sp.list_match.list_id}" if sp.list_match.list_id in facts.list_hits else None
    if kind == "three_ds_threshold":
        t = sp.three_ds_threshold.threshold
        if method in (pb.PAYMENT_METHOD_CARD, pb.PAYMENT_METHOD_UNSPECIFIED) and t.currency_code == cur and amount >= t.amount_minor:
            return f"card amount {_fmt(amount, cur)} >= 3DS threshold {_fmt(t.amount_minor, cur)}"
        return None
    if kind in ("new_member", "new_card"):
        params = getattr(sp, kind)
        since = facts.member_first_seen if kind == "new_member" else facts.card_first_seen
        if since is None or (facts.now - since).total_seconds() >= params.max_age_seconds:
            return None
        if params.HasField("min_amount") and (params.min_amount.currency_code != cur or amount < params.min_amount.amount_minor):
            return None
        return f"{kind.replace('_', ' ')} for {int((facts.now - since).total_seconds())}s"
    return None


def match(rule: ActiveRule, payment: pb.PaymentContext, method: int, facts: Facts) -> pb.MatchedRule | None:
    """The rule's match for this payment (in scope and condition true), or None."""
    if not in_scope(rule.spec, payment, method):
        return None
    detail = _matches(rule, payment, method, facts)
    if detail is None:
        return None
    return pb.MatchedRule(rule_id=rule.rule_id, rule_version=rule.version, name=rule.spec.name, action=rule.spec.action,
                          challenge_type=rule.spec.challenge_type, score=rule.spec.score, detail=detail)


def evaluate(rules: list[ActiveRule], payment: pb.PaymentContext, method: int, facts: Facts, review_score: int,
             reject_score: int) -> Verdict:
    matched = [m for m in (match(r, payment, method, facts) for r in sorted(rules, key=lambda r: (r.spec.priority, r.rule_id)))
               if m is not None]
    return combine(matched, facts.member_rating, facts.merchant_rating, review_score, reject_score)


def combine(matched: list[pb.MatchedRule], member_rating: int, merchant_rating: int, review_score: int, reject_score: int) -> Verdict:
    """The decision of a set of matched rules and the subjects' ratings (also used by backtests)."""
    allowed = any(m.action == pb.RULE_ACTION_ALLOW for m in matched)
    effective = [m for m in matched if not allowed or m.action in (pb.RULE_ACTION_REJECT, pb.RULE_ACTION_ALLOW)]
    score = sum(m.score for m in effective) + RATING_SCORE.get(member_rating, 0) + RATING_SCORE.get(merchant_rating, 0)
    action = max((m.action for m in effective), key=_STRENGTH.__getitem__, default=pb.RULE_ACTION_SCORE)
    decision = _DECISION[action]
    if pb.RATING_LEVEL_BLOCKED in (member_rating, merchant_rating):
        decision = pb.DECISION_REJECT
    elif not allowed and score >= reject_score:
        decision = pb.DECISION_REJECT
    elif not allowed and score >= review_score and decision in (pb.DECISION_ACCEPT, pb.DECISION_CHALLENGE):
        decision = pb.DECISION_REVIEW
    challenges = sorted({m.challenge_type or pb.CHALLENGE_TYPE_PASSWORD for m in effective if m.action == pb.RULE_ACTION_CHALLENGE})
    if decision == pb.DECISION_CHALLENGE and pb.CHALLENGE_TYPE_THREE_DS in challenges:
        challenges = [pb.CHALLENGE_TYPE_THREE_DS]  # 3DS is demanded; a password does not replace it
    return Verdict(decision, score, list(matched), challenges if decision == pb.DECISION_CHALLENGE else [])


def rating_level(success: int, fraud: int, chargeback: int) -> int:
    """A subject's rating from its reported outcomes (unless an operator overrode it):
    BLOCKED at 3+ frauds making up >= 10% of its outcomes; HIGH while frauds + chargebacks are
    >= 1% of its outcomes; LOW after 20 successes and no fraud or chargeback; MEDIUM otherwise."""
    bad = fraud + chargeback
    total = success + bad
    if fraud >= 3 and fraud * 10 >= total:
        return pb.RATING_LEVEL_BLOCKED
    if bad and bad * 100 >= total:
        return pb.RATING_LEVEL_HIGH
    if success >= 20 and not bad:
        return pb.RATING_LEVEL_LOW
    return pb.RATING_LEVEL_MEDIUM


def counter_key(rule: ActiveRule, payment: pb.PaymentContext, now: dt.datetime) -> tuple[str, int] | None:
    """(Redis key suffix, window seconds; 0 = daily) of a counting rule for this payment, or None."""
    if rule.kind == "daily_cumulative_limit":
        p = rule.spec.daily_cumulative_limit
        value = dimension_value(payment, p.dimension)
        if not value or p.max_amount.currency_code != payment.amount.currency_code:
            return None
        day = _local_day(now, p.time_zone)
        return f"daily:{rule.rule_id}:{value}:{day}", 0
    if rule.kind == "velocity":
        p = rule.spec.velocity
        value = dimension_value(payment, p.dimension)
        return (f"velocity:{rule.rule_id}:{value}", p.window_seconds) if value else None
    return None


def _local_day(now: dt.datetime, time_zone: str) -> str:
    if time_zone:
        from zoneinfo import ZoneInfo

        now = now.astimezone(ZoneInfo(time_zone))
    return now.strftime("%Y%m%d")


def validate_spec(spec: pb.RuleSpec) -> list[tuple[str, str]]:
    """Field violations of a rule definition beyond the contract's per-field rules."""
    problems = []
    kind = spec.WhichOneof("params")
    if kind is None:
        problems.append(("spec.params", "exactly one condition must be set"))
    if spec.action == pb.RULE_ACTION_CHALLENGE and not spec.challenge_type:
        problems.append(("spec.challenge_type", "required for RULE_ACTION_CHALLENGE"))
    if kind == "velocity" and not spec.velocity.max_count and not spec.velocity.HasField("max_amount"):
        problems.append(("spec.velocity", "set max_count or max_amount"))
    if kind == "daily_cumulative_limit" and spec.daily_cumulative_limit.time_zone:
        try:
            _local_day(dt.datetime.now(dt.timezone.utc), spec.daily_cumulative_limit.time_zone)
        except Exception:  # noqa: BLE001
            problems.append(("spec.daily_cumulative_limit.time_zone", "unknown IANA time zone"))
    return problems


def amount(payment: pb.PaymentContext) -> Money:
    return Money.from_proto(payment.amount)
