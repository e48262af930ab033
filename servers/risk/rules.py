"""Rule and list administration: every change is a new rule version and bumps the rule-set
version, which Assess sees on its next call (no restart)."""
from __future__ import annotations

import base64
import datetime as dt
import ipaddress
import json
from typing import Callable

from paymesh.risk.v1 import risk_pb2 as pb, risk_service_pb2 as api
from servers.kernel import idempotency
from servers.kernel.db import Database
from servers.kernel.ids import new_id
from servers.risk import domain, errors
from servers.risk.store import RiskStore, _list

PAGE_SIZE_DEFAULT = 50


def _check(spec: pb.RuleSpec) -> int:
    problems = domain.validate_spec(spec)
    if problems:
        raise errors.bad_spec(problems)
    return domain.PARAM_TYPES[spec.WhichOneof("params")]


class Rules:
    def __init__(self, db: Database, changed: Callable[[], None] = lambda: None):
        self.db, self.changed = db, changed  # changed(): after a committed change, e.g. RuleSnapshot.changed

    async def _run(self, method: str, request, response_type, work):
        try:
            return await idempotency.run_once(self.db, method, request.request_id, request, response_type, work)
        finally:
            self.changed()  # also after a failure: harmless (one reload), and never misses a commit

    async def create(self, request: api.CreateRuleRequest, by: str = "") -> api.CreateRuleResponse:
        rtype = _check(request.spec)

        async def work(conn) -> api.CreateRuleResponse:
            store, rule_id = RiskStore(conn), new_id("rul")
            if not await store.insert_rule(rule_id, request.spec, rtype, by):
                raise errors.name_taken("rule", request.spec.name)
            return api.CreateRuleResponse(rule=await store.rule(rule_id))
        return await self._run("risk.CreateRule", request, api.CreateRuleResponse, work)

    async def _change(self, method: str, request, rule_id: str, change) -> pb.Rule:
        async def work(conn):
            store = RiskStore(conn)
            rule = await store.rule(rule_id, lock=True)
            if rule is None:
                raise errors.not_found("rule", rule_id)
            changed = change(rule)
            if changed is not None:
                spec, state = changed
                await store.save_version(rule, spec, state, domain.PARAM_TYPES[spec.WhichOneof("params")], "")
            return api.GetRuleResponse(rule=await store.rule(rule_id))
        return (await self._run(method, request, api.GetRuleResponse, work)).rule

    async def update(self, request: api.UpdateRuleRequest) -> pb.Rule:
        _check(request.spec)

        def change(rule: pb.Rule):
            if request.expected_version and rule.version != request.expected_version:
                raise errors.version_moved(rule.rule_id, rule.version)
            return request.spec, rule.state
        return await self._change("risk.UpdateRule", request, request.rule_id, change)

    async def set_state(self, request, state: int) -> pb.Rule:
        return await self._change(f"risk.SetRuleState{state}", request, request.rule_id,
                                  lambda rule: None if rule.state == state else (rule.spec, state))

    async def get(self, rule_id: str, version: int) -> pb.Rule:
        async with self.db.transaction() as conn:
            rule = await RiskStore(conn).rule(rule_id, version)
        if rule is None:
            raise errors.not_found("rule", rule_id)
        return rule

    async def list(self, request: api.ListRulesRequest) -> api.ListRulesResponse:
        limit = request.page_size or PAGE_SIZE_DEFAULT
        async with self.db.transaction() as conn:
            rules = await RiskStore(conn).list_rules(request.state, request.type, request.page_token, limit + 1)
        token = ""
        if len(rules) > limit:
            rules, last = rules[:limit], rules[limit - 1]
            token = f"{last.spec.priority:06d}{last.rule_id}"
        return api.ListRulesResponse(rules=rules, next_page_token=token)

    async def versions(self, request: api.ListRuleVersionsRequest) -> api.ListRuleVersionsResponse:
        limit = request.page_size or PAGE_SIZE_DEFAULT
        before = int(request.page_token) if request.page_token.isdigit() else 2**62
        async with self.db.transaction() as conn:
            rules = await RiskStore(conn).rule_versions(request.rule_id, before, limit + 1)
        if not rules and not request.page_token:
            raise errors.not_found("rule", request.rule_id)
        token = str(rules[limit - 1].version) if len(rules) > limit else ""
        return api.ListRuleVersionsResponse(rules=rules[:limit], next_page_token=token)

    # lists -----------------------------------------------------------------------------------
    async def create_list(self, request: api.CreateRiskListRequest) -> api.CreateRiskListResponse:
        async def work(conn) -> api.CreateRiskListResponse:
            store, list_id = RiskStore(conn), new_id("lst")
            done = await store.q("INSERT INTO lists (list_id, name, type, dimension, description) VALUES (:l, :n, :t, :d, :x)"
                                 " ON CONFLICT (name) DO NOTHING RETURNING list_id", l=list_id, n=request.name, t=request.type,
                                 d=request.dimension, x=request.description)
            if done.first() is None:
                raise errors.name_taken("list", request.name)
            await store.rule_set_version(bump=True)
            return api.CreateRiskListResponse(list=await store.risk_list(list_id))
        return await self._run("risk.CreateRiskList", request, api.CreateRiskListResponse, work)

    async def get_list(self, list_id: str) -> pb.RiskList:
        async with self.db.transaction() as conn:
            found = await RiskStore(conn).risk_list(list_id)
        if found is None:
            raise errors.not_found("list", list_id)
        return found

    async def add_entries(self, request: api.AddRiskListEntriesRequest) -> api.AddRiskListEntriesResponse:
        async def work(conn) -> api.AddRiskListEntriesResponse:
            store = RiskStore(conn)
            found = await store.risk_list(request.list_id)
            if found is None:
                raise errors.not_found("list", request.list_id)
            for i, e in enumerate(request.entries):
                value = e.value
                if found.dimension == pb.DIMENSION_IP:
                    value = ip_or_cidr(value)
                    if value is None:
                        raise errors.list_value_invalid(i, "an IP address or a CIDR range (e.g. 10.0.0.0/8)")
                expire = e.expire_time.ToDatetime(dt.timezone.utc) if e.HasField("expire_time") else None
                await store.q("INSERT INTO list_entries (list_id, value, reason, expire_time) VALUES (:l, :v, :r, :e)"
                              " ON CONFLICT (list_id, value) DO UPDATE SET reason = EXCLUDED.reason, expire_time = EXCLUDED.expire_time",
                              l=request.list_id, v=value, r=e.reason, e=expire)
            await store.q("UPDATE lists SET update_time = now() WHERE list_id = :l", l=request.list_id)
            return api.AddRiskListEntriesResponse(list=await store.risk_list(request.list_id))
        return await self._run("risk.AddRiskListEntries", request, api.AddRiskListEntriesResponse, work)

    async def remove_entries(self, request: api.RemoveRiskListEntriesRequest) -> api.RemoveRiskListEntriesResponse:
        async def work(conn) -> api.RemoveRiskListEntriesResponse:
            store = RiskStore(conn)
            found = await store.risk_list(request.list_id)
            if found is None:
                raise errors.not_found("list", request.list_id)
            values = list(request.values)
            if found.dimension == pb.DIMENSION_IP:
                values = [ip_or_cidr(v) or v for v in values]
            gone = await store.q("DELETE FROM list_entries WHERE list_id = :l AND value = ANY(:v) RETURNING value",
                                 l=request.list_id, v=values)
            removed = len(gone.all())
            return api.RemoveRiskListEntriesResponse(list=await store.risk_list(request.list_id), removed_count=removed)
        return await self._run("risk.RemoveRiskListEntries", request, api.RemoveRiskListEntriesResponse, work)

    async def list_lists(self, request: api.ListRiskListsRequest) -> api.ListRiskListsResponse:
        limit = request.page_size or PAGE_SIZE_DEFAULT
        after = _untoken(request.page_token, {"type": request.type})
        async with self.db.transaction() as conn:
            rows = (await RiskStore(conn).q(
                "SELECT l.*, (SELECT count(*) FROM list_entries e WHERE e.list_id = l.list_id) AS n FROM lists l"
                " WHERE (:t = 0 OR l.type = :t) AND l.name > :a ORDER BY l.name LIMIT :n", t=request.type, a=after, n=limit + 1)).all()
        token = _token(rows[limit - 1].name, {"type": request.type}) if len(rows) > limit else ""
        return api.ListRiskListsResponse(lists=[_list(r) for r in rows[:limit]], next_page_token=token)

    async def list_entries(self, request: api.ListRiskListEntriesRequest) -> api.ListRiskListEntriesResponse:
        limit, query = request.page_size or PAGE_SIZE_DEFAULT, {"list": request.list_id, "prefix": request.value_prefix}
        after = _untoken(request.page_token, query)
        async with self.db.transaction() as conn:
            store = RiskStore(conn)
            if await store.risk_list(request.list_id) is None:
                raise errors.not_found("list", request.list_id)
            rows = (await store.q("SELECT * FROM list_entries WHERE list_id = :l AND starts_with(value, :p) AND value > :a"
                                  " ORDER BY value LIMIT :n", l=request.list_id, p=request.value_prefix, a=after, n=limit + 1)).all()
        entries = []
        for r in rows[:limit]:
            e = pb.RiskListEntry(value=r.value, reason=r.reason)
            e.create_time.FromDatetime(r.create_time)
            if r.expire_time is not None:
                e.expire_time.FromDatetime(r.expire_time)
            entries.append(e)
        token = _token(rows[limit - 1].value, query) if len(rows) > limit else ""
        return api.ListRiskListEntriesResponse(entries=entries, next_page_token=token)


def ip_or_cidr(value: str) -> str | None:
    """The canonical form of an IP address or CIDR range (host bits must be zero), or None."""
    try:
        return str(ipaddress.ip_network(value, strict=True)) if "/" in value else str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _token(after: str, query: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps({"a": after, "q": query}).encode()).decode()


def _untoken(token: str, query: dict) -> str:
    """The key to continue after; a token of another query (other filter) is refused (AIP-158)."""
    if not token:
        return ""
    try:
        raw = json.loads(base64.urlsafe_b64decode(token))
        if raw["q"] != query or not isinstance(raw["a"], str):
            raise ValueError
        return raw["a"]
    except (ValueError, KeyError, TypeError):
        raise errors.page_token_invalid() from None


DEFAULT_RULES = [
    pb.RuleSpec(name="default-single-limit-eur", description="refuse single payments above 50,000.00 EUR", priority=10,
                action=pb.RULE_ACTION_REJECT, score=0, single_transaction_limit={"max_amount": {"currency_code": "EUR", "amount_minor": 5_000_000}}),
    pb.RuleSpec(name="default-balance-password-eur", description="balance payments above 500.00 EUR need the payment password",
                priority=20, action=pb.RULE_ACTION_CHALLENGE, challenge_type=pb.CHALLENGE_TYPE_PASSWORD, score=5,
                scope={"payment_methods": [pb.PAYMENT_METHOD_BALANCE]},
                single_transaction_limit={"max_amount": {"currency_code": "EUR", "amount_minor": 50_000}}),
    pb.RuleSpec(name="default-card-3ds-eur", description="card payments from 100.00 EUR need 3DS", priority=30,
                action=pb.RULE_ACTION_CHALLENGE, challenge_type=pb.CHALLENGE_TYPE_THREE_DS, score=5,
                three_ds_threshold={"threshold": {"currency_code": "EUR", "amount_minor": 10_000}}),
]


async def seed_defaults(db: Database) -> None:
    """Creates the default rules once (by name); later edits are kept."""
    async with db.transaction() as conn:
        store = RiskStore(conn)
        for spec in DEFAULT_RULES:
            await store.insert_rule(new_id("rul"), spec, domain.PARAM_TYPES[spec.WhichOneof("params")], "seed")
