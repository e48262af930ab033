"""`paymesh risk ...` — edit risk rules and lists at runtime (no restart), read decisions.

    paymesh risk rules                              list rules (current versions)
    paymesh risk create '<RuleSpec JSON>'           create a rule
    paymesh risk update <rule_id> <version> '<RuleSpec JSON>'
    paymesh risk disable|enable <rule_id>
    paymesh risk decisions [--merchant m] [--member m]
"""
from __future__ import annotations

import asyncio
import json
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
        else:
            reply = await mesh.risk.ListDecisions(api.ListDecisionsRequest(merchant_id=args.merchant, member_id=args.member, page_size=50))
            for d in reply.decisions:
                rules = ",".join(m.name for m in d.matched_rules) or "-"
                print(f"{d.decision_id}  {pb.Decision.Name(d.decision):<18} score={d.score:<4} {d.payment.order_id}  {rules}")
        return 0
    finally:
        await mesh.close()


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
    risk.set_defaults(func=lambda a: asyncio.run(_risk(a)))
