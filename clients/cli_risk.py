"""`paymesh risk ...` — edit risk rules and lists at runtime (no restart), read decisions.

    paymesh risk rules                              list rules (current versions)
    paymesh risk create '<RuleSpec JSON>'           create a rule
    paymesh risk update <rule_id> <version> '<RuleSpec JSON>'
    paymesh risk disable|enable <rule_id>
    paymesh risk decisions [--merchant m] [--member m]
    paymesh risk hits [--since 24h]                 rule-hit report of the period
    paymesh risk backtest --since 7d [--rule <rule_id>] [--spec '<RuleSpec JSON>']
                                                    how many recorded decisions a rule change would change
                                                    (--rule alone: disable it; --spec alone: a new rule; both: change it)
    paymesh risk lists | entries <list_id> [--prefix p]
"""
from __future__ import annotations

import asyncio
import datetime as dt
import re
import uuid

from google.protobuf import json_format


async def _risk(args) -> int:
    from clients.services import Mesh
    from paymesh.risk.v1 import risk_pb2 as pb, risk_service_pb2 as api
    from servers.kernel.settings import CommonSettings

    mesh = Mesh({"risk": CommonSettings.from_env("cli").risk_addr}, traced=False)
    rid = f"cli-{uuid.uuid4()}"
    try:
        if args.action == "rules":
            for r in (await mesh.risk_rules.ListRules(api.ListRulesRequest(page_size=1000))).rules:
                print(f"{r.rule_id}  v{r.version:<3} {pb.RuleState.Name(r.state):<19} {pb.RuleAction.Name(r.spec.action):<22} {r.spec.name}")
        elif args.action in ("create", "update"):
            spec = json_format.Parse(args.spec, pb.RuleSpec())
            if args.action == "create":
                rule = (await mesh.risk_rules.CreateRule(api.CreateRuleRequest(spec=spec, request_id=rid))).rule
            else:
                rule = (await mesh.risk_rules.UpdateRule(api.UpdateRuleRequest(rule_id=args.rule_id, expected_version=args.version,
                                                                                spec=spec, request_id=rid))).rule
            print(f"{rule.rule_id} now at version {rule.version}")
        elif args.action in ("disable", "enable"):
            rpc = mesh.risk_rules.DisableRule if args.action == "disable" else mesh.risk_rules.EnableRule
            req = (api.DisableRuleRequest if args.action == "disable" else api.EnableRuleRequest)(rule_id=args.rule_id, request_id=rid)
            rule = (await rpc(req)).rule
            print(f"{rule.rule_id} {pb.RuleState.Name(rule.state)} (version {rule.version})")
        elif args.action in ("hits", "backtest", "lists", "entries"):
            await _reports(mesh, args, pb, api)
        else:
            reply = await mesh.risk.ListDecisions(api.ListDecisionsRequest(merchant_id=args.merchant, member_id=args.member, page_size=50))
            for d in reply.decisions:
                rules = ",".join(m.name for m in d.matched_rules) or "-"
                print(f"{d.decision_id}  {pb.Decision.Name(d.decision):<18} score={d.score:<4} {d.payment.order_id}  {rules}")
        return 0
    finally:
        await mesh.close()


def _since(text: str):
    """'90m', '24h', '7d' or an ISO time → Timestamp."""
    from google.protobuf.timestamp_pb2 import Timestamp

    m = re.fullmatch(r"(\d+)([smhd])", text.strip())
    if m:
        start = dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=int(m[1]) * {"s": 1, "m": 60, "h": 3600, "d": 86400}[m[2]])
    else:
        start = dt.datetime.fromisoformat(text)
        start = start if start.tzinfo else start.replace(tzinfo=dt.timezone.utc)
    ts = Timestamp()
    ts.FromDatetime(start)
    return ts


async def _reports(mesh, args, pb, api) -> None:
    name = pb.Decision.Name
    if args.action == "hits":
        r = await mesh.risk_rules.GetRuleHitReport(api.GetRuleHitReportRequest(start_time=_since(args.since)))
        amounts = ", ".join(f"{m.amount_minor / 100:.2f} {m.currency_code}" for m in r.assessed_amounts) or "-"
        print(f"{r.decision_count} decisions since {args.since} ({amounts})")
        print(f"{'rule':<30} {'name':<32} {'hits':>7} {'reject':>7} {'challenge':>9} {'review':>7} {'fraud':>6}")
        for h in r.rules:
            print(f"{h.rule_id:<30} {h.name[:32]:<32} {h.hit_count:>7} {h.reject_count:>7} {h.challenge_count:>9} {h.review_count:>7}"
                  f" {h.fraud_count:>6}")
    elif args.action == "backtest":
        req = api.BacktestRuleRequest(rule_id=args.rule, start_time=_since(args.since), max_decisions=args.max)
        if args.spec:
            req.candidate.CopyFrom(json_format.Parse(args.spec, pb.RuleSpec()))
        r = await mesh.risk_rules.BacktestRule(req)
        print(f"replayed {r.replayed_count} decisions; {r.changed_count} would change")
        for c in r.changes:
            print(f"  {name(c.from_decision):<18} -> {name(c.to_decision):<18} {c.count:>7}  (of which fraud/chargeback: {c.fraud_count})")
        if r.sample_decision_ids:
            print("  e.g. " + " ".join(r.sample_decision_ids[:5]))
    elif args.action == "lists":
        for x in (await mesh.risk_lists.ListRiskLists(api.ListRiskListsRequest(page_size=1000))).lists:
            print(f"{x.list_id}  {pb.ListType.Name(x.type):<15} {pb.Dimension.Name(x.dimension):<22} {x.entry_count:>6}  {x.name}")
    else:
        token = ""
        while True:
            page = await mesh.risk_lists.ListRiskListEntries(api.ListRiskListEntriesRequest(list_id=args.list_id, value_prefix=args.prefix,
                                                                                           page_size=1000, page_token=token))
            for e in page.entries:
                print(f"{e.value:<45} {e.reason}")
            token = page.next_page_token
            if not token:
                break


def register(sub) -> None:
    risk = sub.add_parser("risk", help="risk rules, lists and decisions")
    rsub = risk.add_subparsers(dest="action", required=True)
    rsub.add_parser("rules", help="list rules")
    create = rsub.add_parser("create", help="create a rule from RuleSpec JSON")
    create.add_argument("spec")
    update = rsub.add_parser("update", help="new version of a rule (compare-and-set on the version)")
    update.add_argument("rule_id")
    update.add_argument("version", type=int)
    update.add_argument("spec")
    for verb in ("disable", "enable"):
        rsub.add_parser(verb, help=f"{verb} a rule").add_argument("rule_id")
    dec = rsub.add_parser("decisions", help="recent decisions")
    dec.add_argument("--merchant", default="")
    dec.add_argument("--member", default="")
    hits = rsub.add_parser("hits", help="rule-hit report")
    hits.add_argument("--since", default="24h", help="90m, 24h, 7d or an ISO time")
    bt = rsub.add_parser("backtest", help="replay recorded decisions with a rule changed, added or disabled")
    bt.add_argument("--since", default="7d", help="90m, 24h, 7d or an ISO time")
    bt.add_argument("--rule", default="", help="rule to change (with --spec) or disable (without)")
    bt.add_argument("--spec", default="", help="candidate RuleSpec JSON")
    bt.add_argument("--max", type=int, default=0, help="most decisions to replay (default 100000)")
    rsub.add_parser("lists", help="block and allow lists")
    entries = rsub.add_parser("entries", help="entries of a list")
    entries.add_argument("list_id")
    entries.add_argument("--prefix", default="")
    risk.set_defaults(func=lambda a: asyncio.run(_risk(a)))
