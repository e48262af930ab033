"""Proto ↔ domain for the channel service (used by the servicer and the SQL adapter, which
stores specs as proto JSON). Translation only."""
from __future__ import annotations

from google.protobuf import json_format

from paymesh.channel.v1 import channel_pb2 as pb
from servers.channel import domain as d
from servers.channel.routing import Candidate, Decision, Explanation
from servers.kernel.money import Money
from servers.kernel.timestamps import to_timestamp as ts


def _minor(msg, field_name: str) -> int | None:
    return int(getattr(msg, field_name).amount_minor) if msg.HasField(field_name) else None


def channel_from_spec(channel_id: str, state: int, spec: pb.ChannelSpec, version: int = 1) -> d.Channel:
    currencies = {c.currency_code: d.CurrencyTerms(c.currency_code, int(c.fixed_fee.amount_minor), _minor(c, "daily_quota"),
                                                   _minor(c, "min_amount"), _minor(c, "max_amount")) for c in spec.currencies}
    con = spec.connector
    return d.Channel(channel_id, d.ChannelState(state), frozenset(spec.methods), frozenset(spec.card_orgs), frozenset(spec.operations),
                     currencies, spec.fee_rate_bps, d.ThreeDs(spec.three_ds), con.adapter, con.endpoint, con.signing_key_ref,
                     con.request_timeout_millis, tuple(con.query_backoff_seconds), version)


def rule_from_spec(rule_id: str, state: int, spec: pb.RoutingRuleSpec, version: int = 1) -> d.RoutingRule:
    c = spec.conditions
    conditions = d.Conditions(
        frozenset(c.operations), frozenset(c.methods), frozenset(c.verification_methods), frozenset(c.card_orgs),
        tuple(d.BinRange(b.start_bin, b.end_bin) for b in c.bin_ranges), frozenset(c.currency_codes),
        tuple(d.AmountRange(a.min_amount.currency_code, int(a.min_amount.amount_minor), _minor(a, "max_amount")) for a in c.amount_ranges),
        frozenset(c.merchant_ids), frozenset(c.member_ids))
    return d.RoutingRule(rule_id, spec.name, spec.priority, conditions, tuple(spec.channel_ids), d.Strategy(spec.strategy),
                         state == pb.ROUTING_RULE_STATE_ACTIVE, version)


def to_json(msg) -> dict:
    return json_format.MessageToDict(msg, preserving_proto_field_name=True)


def from_json(data: dict, msg_type):
    return json_format.ParseDict(data, msg_type(), ignore_unknown_fields=True)


def money(value: Money | None):
    return value.to_proto() if value is not None else None


def inst_order_pb(o: d.InstOrder) -> pb.InstOrder:
    action = None
    if o.required_action is not None:
        a = o.required_action
        action = pb.RequiredAction(redirect_url=a.redirect_url, http_method=a.http_method, form_fields=a.form_fields,
                                   expire_time=ts(a.expire_time))
    return pb.InstOrder(
        inst_order_id=o.inst_order_id, instruction_id=o.instruction_id, attempt=o.attempt, type=int(o.type), state=int(o.state),
        channel_id=o.channel_id, ref={"order_id": o.order_id, "payment_id": o.payment_id, "refund_id": o.refund_id},
        merchant_id=o.merchant_id, member_id=o.member_id, method=o.method, verification_method=o.verification_method,
        amount=o.amount.to_proto(), settled_amount=money(o.settled_amount), fee=money(o.fee),
        original_inst_order_id=o.original_inst_order_id, channel_reference=o.channel_reference,
        channel_result_code=o.channel_result_code, channel_result_message=o.channel_result_message, result_code=int(o.result),
        retryable=o.retryable, required_action=action, routing_rule_id=o.routing_rule_id,
        superseded_by_inst_order_id=o.superseded_by, query_count=o.query_count, next_query_time=ts(o.next_query_time),
        context_id=o.context_id, create_time=ts(o.create_time), send_time=ts(o.send_time), finish_time=ts(o.finish_time),
        update_time=ts(o.update_time))


def decision_pb(dec: Decision | None) -> pb.RouteDecision | None:
    if dec is None:
        return None
    return pb.RouteDecision(channel_id=dec.channel_id, fallback_channel_ids=list(dec.fallbacks), rule_id=dec.rule_id,
                            rule_version=dec.rule_version, estimated_fee=dec.fee.to_proto())


def candidate_pb(c: Candidate) -> pb.RouteCandidate:
    h = c.health
    return pb.RouteCandidate(channel_id=c.channel_id, status=int(c.standing), rank=c.rank, skip_reasons=[int(s) for s in c.skips],
                             detail="; ".join(c.details) or ("selected" if c.rank == 1 else f"fallback #{c.rank - 1}"),
                             estimated_fee=money(c.fee), success_rate_bps=h.success_rate_bps if h else 0,
                             latency_ms_p99=h.latency_ms_p99 if h else 0, remaining_quota=money(c.remaining_quota),
                             circuit_state=int(h.circuit) if h else 0)


def explanation_parts(ex: Explanation):
    return decision_pb(ex.decision), list(ex.matched_rule_ids), [candidate_pb(c) for c in ex.candidates]
