"""Runtime configuration: channels, routing rules and error code tables, stored as proto JSON
with a version column (CAS). Each mutation runs under the kernel's idempotency record in the
same transaction, then the local catalog reloads so the change routes at once."""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from paymesh.channel.v1 import channel_pb2 as pb
from servers.channel import convert, errors
from servers.kernel.db import Database
from servers.kernel.errors import FieldViolation, InvalidArgument
from servers.kernel.ids import new_id

ADAPTERS = ("http-json-v1", "simulator")


def check_channel_spec(spec: pb.ChannelSpec, key_refs: set[str]) -> None:
    bad: list[FieldViolation] = []
    codes = [c.currency_code for c in spec.currencies]
    if len(set(codes)) != len(codes):
        bad.append(FieldViolation("spec.currencies", "a currency is listed twice"))
    for i, c in enumerate(spec.currencies):
        for name in ("fixed_fee", "daily_quota", "min_amount", "max_amount"):
            if c.HasField(name):
                m = getattr(c, name)
                if m.currency_code != c.currency_code or m.amount_minor < 0:
                    bad.append(FieldViolation(f"spec.currencies[{i}].{name}", f"must be a non-negative {c.currency_code} amount"))
        if c.HasField("min_amount") and c.HasField("max_amount") and c.min_amount.amount_minor > c.max_amount.amount_minor:
            bad.append(FieldViolation(f"spec.currencies[{i}]", "min_amount above max_amount"))
    if spec.connector.adapter not in ADAPTERS:
        bad.append(FieldViolation("spec.connector.adapter", f"must be one of {', '.join(ADAPTERS)}"))
    if not spec.connector.endpoint.startswith(("http://", "https://")):
        bad.append(FieldViolation("spec.connector.endpoint", "must be an http(s) URL"))
    if spec.connector.signing_key_ref not in key_refs:
        bad.append(FieldViolation("spec.connector.signing_key_ref", "no signing key with this reference is configured"))
    if bad:
        raise InvalidArgument(bad)


def check_rule_spec(spec: pb.RoutingRuleSpec, known: set[str]) -> None:
    bad = [FieldViolation("spec.channel_ids", f"unknown channel {cid}") for cid in spec.channel_ids if cid not in known]
    for i, b in enumerate(spec.conditions.bin_ranges):
        if len(b.start_bin) != len(b.end_bin) or b.start_bin > b.end_bin:
            bad.append(FieldViolation(f"spec.conditions.bin_ranges[{i}]", "start and end must have the same length, start <= end"))
    for i, a in enumerate(spec.conditions.amount_ranges):
        if a.HasField("max_amount") and (a.max_amount.currency_code != a.min_amount.currency_code
                                         or a.max_amount.amount_minor < a.min_amount.amount_minor):
            bad.append(FieldViolation(f"spec.conditions.amount_ranges[{i}]", "max must be >= min, same currency"))
    if bad:
        raise InvalidArgument(bad)


def _channel_pb(row) -> pb.Channel:
    return pb.Channel(channel_id=row.channel_id, state=row.state, spec=convert.from_json(row.spec, pb.ChannelSpec), version=row.version,
                      create_time=convert.ts(row.create_time), update_time=convert.ts(row.update_time))


def _rule_pb(row) -> pb.RoutingRule:
    return pb.RoutingRule(rule_id=row.rule_id, state=row.state, spec=convert.from_json(row.spec, pb.RoutingRuleSpec), version=row.version,
                          create_time=convert.ts(row.create_time), update_time=convert.ts(row.update_time))


def _mapping_pb(row) -> pb.ErrorCodeMapping:
    return pb.ErrorCodeMapping(channel_id=row.channel_id, channel_code=row.channel_code, result_code=row.result_code,
                               retryable=row.retryable, description=row.description, update_time=convert.ts(row.update_time))


async def _one(conn: AsyncConnection, sql: str, **params):
    return (await conn.execute(text(sql), params)).first()


_CH = "channel_id, state, spec, version, create_time, update_time"
_RU = "rule_id, state, spec, version, create_time, update_time"


async def create_channel(conn, channel_id: str, spec: pb.ChannelSpec) -> pb.Channel:
    row = await _one(conn, f"INSERT INTO channels (channel_id, state, spec) VALUES (:c, 1, CAST(:s AS JSONB)) ON CONFLICT DO NOTHING"
                           f" RETURNING {_CH}", c=channel_id, s=_json(spec))
    if row is None:
        raise errors.channel_exists(channel_id)
    return _channel_pb(row)


async def update_channel(conn, channel_id: str, expected_version: int, spec: pb.ChannelSpec) -> pb.Channel:
    row = await _one(conn, f"UPDATE channels SET spec = CAST(:s AS JSONB), version = version + 1, update_time = now()"
                           f" WHERE channel_id = :c AND version = :v RETURNING {_CH}", c=channel_id, s=_json(spec), v=expected_version)
    if row is None:
        current = await get_channel(conn, channel_id)
        raise errors.version_moved("channel", channel_id, expected_version, current.version)
    return _channel_pb(row)


async def set_channel_state(conn, channel_id: str, state: int) -> pb.Channel:
    row = await _one(conn, f"UPDATE channels SET state = :st, version = version + CASE WHEN state = :st THEN 0 ELSE 1 END,"
                           f" update_time = now() WHERE channel_id = :c RETURNING {_CH}", c=channel_id, st=state)
    if row is None:
        raise errors.channel_not_found(channel_id)
    return _channel_pb(row)


async def get_channel(conn, channel_id: str) -> pb.Channel:
    row = await _one(conn, f"SELECT {_CH} FROM channels WHERE channel_id = :c", c=channel_id)
    if row is None:
        raise errors.channel_not_found(channel_id)
    return _channel_pb(row)


async def list_channels(conn, req) -> tuple[list[pb.Channel], str]:
    size = req.page_size or 50
    rows = (await conn.execute(text(f"SELECT {_CH} FROM channels WHERE channel_id > :after AND (:st = 0 OR state = :st)"
                                    " ORDER BY channel_id"), {"after": req.page_token, "st": int(req.state)})).all()
    out = [c for c in map(_channel_pb, rows)
           if (not req.method or req.method in c.spec.methods)
           and (not req.currency_code or any(x.currency_code == req.currency_code for x in c.spec.currencies))]
    page = out[:size]
    return page, (page[-1].channel_id if len(out) > size else "")


async def create_rule(conn, spec: pb.RoutingRuleSpec) -> pb.RoutingRule:
    row = await _one(conn, f"INSERT INTO routing_rules (rule_id, name, state, priority, spec) VALUES (:r, :n, 1, :p, CAST(:s AS JSONB))"
                           f" ON CONFLICT (name) DO NOTHING RETURNING {_RU}", r=new_id("rtr"), n=spec.name, p=spec.priority, s=_json(spec))
    if row is None:
        raise errors.rule_name_taken(spec.name)
    return _rule_pb(row)


async def update_rule(conn, rule_id: str, expected_version: int, spec: pb.RoutingRuleSpec | None, state: int) -> pb.RoutingRule:
    current = await get_rule(conn, rule_id)
    if current.version != expected_version:
        raise errors.version_moved("routing rule", rule_id, expected_version, current.version)
    new_spec = spec if spec is not None else current.spec
    row = await _one(conn, f"UPDATE routing_rules SET spec = CAST(:s AS JSONB), name = :n, priority = :p, state = :st,"
                           f" version = version + 1, update_time = now() WHERE rule_id = :r AND version = :v RETURNING {_RU}",
                     s=_json(new_spec), n=new_spec.name, p=new_spec.priority, st=state or current.state, r=rule_id, v=expected_version)
    if row is None:
        raise errors.version_moved("routing rule", rule_id, expected_version, (await get_rule(conn, rule_id)).version)
    return _rule_pb(row)


async def get_rule(conn, rule_id: str) -> pb.RoutingRule:
    row = await _one(conn, f"SELECT {_RU} FROM routing_rules WHERE rule_id = :r", r=rule_id)
    if row is None:
        raise errors.rule_not_found(rule_id)
    return _rule_pb(row)


async def list_rules(conn, req) -> tuple[list[pb.RoutingRule], str]:
    size, offset = req.page_size or 50, int(req.page_token or 0)
    rows = (await conn.execute(text(f"SELECT {_RU} FROM routing_rules WHERE (:st = 0 OR state = :st)"
                                    f" AND (:ch = '' OR jsonb_exists(spec->'channel_ids', :ch)) ORDER BY priority, rule_id OFFSET :o LIMIT :n"),
                               {"st": int(req.state), "ch": req.channel_id, "o": offset, "n": size + 1})).all()
    return [_rule_pb(r) for r in rows[:size]], (str(offset + size) if len(rows) > size else "")


async def delete_rule(conn, rule_id: str) -> bool:
    return (await _one(conn, "DELETE FROM routing_rules WHERE rule_id = :r RETURNING rule_id", r=rule_id)) is not None


async def upsert_mapping(conn, m: pb.ErrorCodeMapping) -> pb.ErrorCodeMapping:
    await get_channel(conn, m.channel_id)
    row = await _one(conn, "INSERT INTO error_code_mappings (channel_id, channel_code, result_code, retryable, description)"
                           " VALUES (:c, :k, :r, :y, :d) ON CONFLICT (channel_id, channel_code) DO UPDATE SET result_code = :r,"
                           " retryable = :y, description = :d, update_time = now() RETURNING *",
                     c=m.channel_id, k=m.channel_code, r=int(m.result_code), y=m.retryable, d=m.description)
    return _mapping_pb(row)


async def list_mappings(conn, req) -> tuple[list[pb.ErrorCodeMapping], str]:
    size = req.page_size or 50
    rows = (await conn.execute(text("SELECT * FROM error_code_mappings WHERE channel_id = :c AND channel_code > :after"
                                    " ORDER BY channel_code LIMIT :n"), {"c": req.channel_id, "after": req.page_token, "n": size + 1})).all()
    page = [_mapping_pb(r) for r in rows[:size]]
    return page, (page[-1].channel_code if len(rows) > size else "")


async def delete_mapping(conn, channel_id: str, code: str) -> bool:
    return (await _one(conn, "DELETE FROM error_code_mappings WHERE channel_id = :c AND channel_code = :k RETURNING channel_code",
                       c=channel_id, k=code)) is not None


def _json(msg) -> str:
    import json

    return json.dumps(convert.to_json(msg))


async def known_channels(db: Database) -> set[str]:
    async with db.transaction() as conn:
        return {r.channel_id for r in (await conn.execute(text("SELECT channel_id FROM channels"))).all()}
