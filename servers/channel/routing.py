"""Routing: which channel gets a request, which ones follow on fallback, and why. Pure.

1. A caller-named channel skips the rules (it must still be eligible).
2. Otherwise the active rules whose conditions match (operation, method, verification,
   card organization, BIN range, currency, amount range, merchant, member) are taken by
   priority; the first with an eligible channel decides, the later ones add fallbacks.
3. A channel is eligible when it is ACTIVE, supports the operation, method, card org,
   currency, amount and the verification (3DS capability), is not excluded, its circuit is
   not open and its remaining daily quota covers the amount.
4. The deciding rule's strategy orders its eligible channels: rule order, lowest fee,
   best recent success rate or lowest recent p99 latency; ties keep rule order; half-open
   channels (probing) go after healthy ones.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum
from typing import Callable, Mapping

from servers.channel.domain import Channel, ChannelState, Conditions, Method, RoutingRule, Strategy, ThreeDs, Verification
from servers.channel.health import Circuit, HealthSnapshot
from servers.kernel.money import Money


class Skip(IntEnum):
    NO_MATCHING_RULE = 1
    CHANNEL_INACTIVE = 2
    CIRCUIT_OPEN = 3
    QUOTA_EXHAUSTED = 4
    METHOD_UNSUPPORTED = 5
    CARD_ORG_UNSUPPORTED = 6
    CURRENCY_UNSUPPORTED = 7
    AMOUNT_OUT_OF_RANGE = 8
    THREE_DS_MISMATCH = 9
    EXCLUDED_BY_CALLER = 10
    OTHER_CHANNEL_NAMED = 11


class Standing(IntEnum):
    SELECTED = 1
    FALLBACK = 2
    SKIPPED = 3


@dataclass(frozen=True)
class RouteContext:
    operation: int
    method: int
    amount: Money
    verification: int = 0
    card_org: int = 0
    card_bin: str = ""
    merchant_id: str = ""
    member_id: str = ""
    channel_id: str = ""
    exclude: frozenset[str] = frozenset()


@dataclass
class Candidate:
    channel_id: str
    standing: Standing = Standing.SKIPPED
    rank: int = 0
    skips: list[Skip] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    fee: Money | None = None
    health: HealthSnapshot | None = None
    remaining_quota: Money | None = None


@dataclass(frozen=True)
class Decision:
    channel_id: str
    fallbacks: tuple[str, ...]
    rule_id: str
    rule_version: int
    fee: Money


@dataclass(frozen=True)
class Explanation:
    decision: Decision | None
    matched_rule_ids: tuple[str, ...]
    candidates: tuple[Candidate, ...]


def rule_matches(c: Conditions, ctx: RouteContext) -> bool:
    if c.operations and ctx.operation not in c.operations:
        return False
    if c.methods and ctx.method not in c.methods:
        return False
    if c.verification_methods and ctx.verification not in c.verification_methods:
        return False
    if c.card_orgs and ctx.card_org not in c.card_orgs:
        return False
    if c.bin_ranges and not any(r.contains(ctx.card_bin) for r in c.bin_ranges):
        return False
    if c.currency_codes and ctx.amount.currency_code not in c.currency_codes:
        return False
    if c.amount_ranges:
        cur, amt = ctx.amount.currency_code, ctx.amount.amount_minor
        if not any(r.currency_code == cur and r.min_minor <= amt and (r.max_minor is None or amt <= r.max_minor)
                   for r in c.amount_ranges):
            return False
    if c.merchant_ids and ctx.merchant_id not in c.merchant_ids:
        return False
    if c.member_ids and ctx.member_id not in c.member_ids:
        return False
    return True


def remaining_quota(channel: Channel, currency: str, used: Mapping[tuple[str, str], int]) -> Money | None:
    terms = channel.currencies.get(currency)
    if terms is None or terms.daily_quota_minor is None:
        return None
    return Money(currency, max(0, terms.daily_quota_minor - used.get((channel.channel_id, currency), 0)))


def assess(channel: Channel, ctx: RouteContext, health: HealthSnapshot, used: Mapping[tuple[str, str], int]) -> Candidate:
    """Fills a candidate with every reason the channel can't take the request (none = eligible)."""
    cand = Candidate(channel.channel_id, health=health)
    cur, amt = ctx.amount.currency_code, ctx.amount.amount_minor

    def skip(reason: Skip, detail: str) -> None:
        cand.skips.append(reason)
        cand.details.append(detail)

    if channel.channel_id in ctx.exclude:
        skip(Skip.EXCLUDED_BY_CALLER, "excluded by the caller")
    if channel.state != ChannelState.ACTIVE:
        skip(Skip.CHANNEL_INACTIVE, f"channel is {channel.state.name}")
    if ctx.operation not in channel.operations or ctx.method not in channel.methods:
        skip(Skip.METHOD_UNSUPPORTED, "operation or payment method not supported")
    if ctx.method == Method.CARD and ctx.card_org and channel.card_orgs and ctx.card_org not in channel.card_orgs:
        skip(Skip.CARD_ORG_UNSUPPORTED, "card organization not supported")
    terms = channel.currencies.get(cur)
    if terms is None:
        skip(Skip.CURRENCY_UNSUPPORTED, f"currency {cur} not supported")
    else:
        cand.fee = channel.fee(ctx.amount)
        if (terms.min_amount_minor is not None and amt < terms.min_amount_minor) or (
                terms.max_amount_minor is not None and amt > terms.max_amount_minor):
            skip(Skip.AMOUNT_OUT_OF_RANGE, f"amount {amt} outside [{terms.min_amount_minor}, {terms.max_amount_minor}] {cur}")
        cand.remaining_quota = remaining_quota(channel, cur, used)
        if cand.remaining_quota is not None and cand.remaining_quota.amount_minor < amt:
            skip(Skip.QUOTA_EXHAUSTED, f"quota left {cand.remaining_quota.amount_minor} {cur} < amount {amt} {cur}")
    if ctx.method == Method.CARD and ctx.operation == 1:
        wants_3ds = ctx.verification == Verification.THREE_DS
        if wants_3ds and channel.three_ds == ThreeDs.NONE:
            skip(Skip.THREE_DS_MISMATCH, "3DS verification needs a 3DS channel")
        if not wants_3ds and channel.three_ds == ThreeDs.ALWAYS:
            skip(Skip.THREE_DS_MISMATCH, "channel always does 3DS; payer was not verified by 3DS")
    if health.circuit == Circuit.OPEN:
        skip(Skip.CIRCUIT_OPEN, "circuit breaker open")
    return cand


def _order(cands: list[Candidate], strategy: Strategy) -> list[Candidate]:
    position = {c.channel_id: i for i, c in enumerate(cands)}
    key: Callable[[Candidate], tuple]
    if strategy == Strategy.LOWEST_FEE:
        key = lambda c: (c.fee.amount_minor if c.fee else 0,)  # noqa: E731
    elif strategy == Strategy.BEST_SUCCESS_RATE:
        key = lambda c: (-(c.health.success_rate_bps if c.health else 0),)  # noqa: E731
    elif strategy == Strategy.LOWEST_LATENCY:
        key = lambda c: (c.health.latency_ms_p99 if c.health else 0,)  # noqa: E731
    else:
        key = lambda c: ()  # noqa: E731
    return sorted(cands, key=lambda c: (c.health is not None and c.health.circuit == Circuit.HALF_OPEN, *key(c), position[c.channel_id]))


def explain(ctx: RouteContext, channels: Mapping[str, Channel], rules: list[RoutingRule],
            health: Callable[[str], HealthSnapshot], used: Mapping[tuple[str, str], int]) -> Explanation:
    cands: dict[str, Candidate] = {}

    def candidate(channel_id: str) -> Candidate:
        if channel_id not in cands:
            channel = channels.get(channel_id)
            if channel is None:
                cands[channel_id] = Candidate(channel_id, skips=[Skip.CHANNEL_INACTIVE], details=["channel does not exist"])
            else:
                cands[channel_id] = assess(channel, ctx, health(channel_id), used)
        return cands[channel_id]

    if ctx.channel_id:
        chosen = candidate(ctx.channel_id)
        for other in sorted(channels):
            if other != ctx.channel_id:
                cands[other] = Candidate(other, skips=[Skip.OTHER_CHANNEL_NAMED], details=[f"caller named {ctx.channel_id}"])
        decision = None
        if not chosen.skips:
            chosen.standing, chosen.rank = Standing.SELECTED, 1
            decision = Decision(chosen.channel_id, (), "", 0, chosen.fee or Money.zero(ctx.amount.currency_code))
        return Explanation(decision, (), _listing(cands))

    matched = [r for r in sorted(rules, key=lambda r: (r.priority, r.rule_id)) if r.active and rule_matches(r.conditions, ctx)]
    ranked: list[Candidate] = []
    deciding: RoutingRule | None = None
    for rule in matched:
        taken = {c.channel_id for c in ranked}
        eligible = [c for c in (candidate(cid) for cid in dict.fromkeys(rule.channel_ids)) if not c.skips and c.channel_id not in taken]
        if eligible and deciding is None:
            deciding = rule
        ranked += _order(eligible, rule.strategy)
    for channel_id in sorted(channels):
        if channel_id not in cands:
            cands[channel_id] = Candidate(channel_id, skips=[Skip.NO_MATCHING_RULE], details=["no matching active rule lists it"])
    for rank, cand in enumerate(ranked, start=1):
        cand.standing, cand.rank = (Standing.SELECTED if rank == 1 else Standing.FALLBACK), rank
    decision = None
    if ranked and deciding is not None:
        first = ranked[0]
        decision = Decision(first.channel_id, tuple(c.channel_id for c in ranked[1:]), deciding.rule_id, deciding.version,
                            first.fee or Money.zero(ctx.amount.currency_code))
    return Explanation(decision, tuple(r.rule_id for r in matched), _listing(cands))


def _listing(cands: dict[str, Candidate]) -> tuple[Candidate, ...]:
    chosen = sorted((c for c in cands.values() if c.rank), key=lambda c: c.rank)
    skipped = sorted((c for c in cands.values() if not c.rank), key=lambda c: c.channel_id)
    return tuple(chosen + skipped)
