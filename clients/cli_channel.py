"""`paymesh channel ...` — channels, routing rules and error codes at runtime (no restart).

    paymesh channel list | get ID | health ID | state ID active|paused|disabled
    paymesh channel create ID --endpoint URL --currency EUR [--fee-bps 150 --fixed-fee 10 --quota 1000000]
                              [--method card --org visa --three-ds supported --key-ref sim]
    paymesh channel map ID CODE RESULT [--retryable]          e.g. map sim_a 91 CHANNEL_UNAVAILABLE --retryable
    paymesh channel rule NAME CH1,CH2 [--priority 10 --strategy lowest_fee --merchant M ...]
    paymesh channel explain --amount 1000 --currency EUR [--merchant M --org visa --verification three_ds]

`paymesh recon ...` — channel statements and reconciliation (ReconciliationService).

    paymesh recon import CHANNEL DATE [--replace]          fetch + import the channel's statement of DATE
    paymesh recon run CHANNEL DATE [--rerun]               reconcile (cases + automatic resolution)
    paymesh recon summary CHANNEL DATE [--csv]             matched / each difference class
    paymesh recon cases [--channel C --date D --state open --kind amount_mismatch]
    paymesh recon propose CASE AMOUNT NOTE --operator ME   manual adjustment (signed: + clearing → suspense)
    paymesh recon approve CASE --operator OTHER            maker-checker: not the proposer
    paymesh recon writeoff CASE NOTE --operator ME
"""
from __future__ import annotations

import asyncio
import sys
import uuid

from google.protobuf import json_format


def _print(msg) -> None:
    print(json_format.MessageToJson(msg, indent=2))


async def _run(args) -> int:
    from clients.services import Mesh
    from paymesh.channel.v1 import channel_pb2 as pb, channel_service_pb2 as api
    from servers.kernel.settings import CommonSettings

    mesh = Mesh({"channel": CommonSettings.from_env("cli").channel_addr}, traced=False)
    rid = lambda: f"cli-{uuid.uuid4()}"  # noqa: E731
    money = lambda v: {"currency_code": args.currency, "amount_minor": v}  # noqa: E731
    try:
        a = args.action
        if a == "list":
            _print(await mesh.channel_admin.ListChannels(api.ListChannelsRequest(page_size=1000)))
        elif a == "get":
            _print(await mesh.channel_admin.GetChannel(api.GetChannelRequest(channel_id=args.id)))
        elif a == "health":
            _print(await mesh.channel_admin.GetChannelHealth(api.GetChannelHealthRequest(channel_id=args.id)))
        elif a == "state":
            _print(await mesh.channel_admin.SetChannelState(api.SetChannelStateRequest(
                channel_id=args.id, state=pb.ChannelState.Value(f"CHANNEL_STATE_{args.state.upper()}"), request_id=rid())))
        elif a == "create":
            cur = pb.ChannelCurrency(currency_code=args.currency, fixed_fee=money(args.fixed_fee))
            if args.quota:
                cur.daily_quota.currency_code, cur.daily_quota.amount_minor = args.currency, args.quota
            spec = pb.ChannelSpec(display_name=args.id, methods=[pb.PaymentMethod.Value(f"PAYMENT_METHOD_{m.upper()}") for m in args.method],
                                  card_orgs=[pb.CardOrganization.Value(f"CARD_ORGANIZATION_{o.upper()}") for o in args.org],
                                  operations=[1, 2, 3], currencies=[cur], fee_rate_bps=args.fee_bps,
                                  three_ds=pb.ThreeDsCapability.Value(f"THREE_DS_CAPABILITY_{args.three_ds.upper()}"),
                                  connector=pb.ChannelConnector(adapter="http-json-v1", endpoint=args.endpoint, signing_key_ref=args.key_ref,
                                                                request_timeout_millis=args.timeout_ms))
            _print(await mesh.channel_admin.CreateChannel(api.CreateChannelRequest(channel_id=args.id, spec=spec, request_id=rid())))
        elif a == "map":
            _print(await mesh.channel_admin.UpsertErrorCodeMapping(api.UpsertErrorCodeMappingRequest(request_id=rid(), mapping=pb.ErrorCodeMapping(
                channel_id=args.id, channel_code=args.code, result_code=pb.ResultCode.Value(f"RESULT_CODE_{args.result.upper()}"),
                retryable=args.retryable))))
        elif a == "rule":
            cond = pb.RoutingConditions(merchant_ids=args.merchant, currency_codes=args.only_currency)
            _print(await mesh.routing.CreateRoutingRule(api.CreateRoutingRuleRequest(request_id=rid(), spec=pb.RoutingRuleSpec(
                name=args.name, priority=args.priority, conditions=cond, channel_ids=args.channels.split(","),
                strategy=pb.RoutingStrategy.Value(f"ROUTING_STRATEGY_{args.strategy.upper()}")))))
        elif a == "explain":
            _print(await mesh.routing.ExplainRoute(api.ExplainRouteRequest(context=pb.RoutingContext(
                operation=1, method=1, amount=money(args.amount), merchant_id=args.merchant_id,
                card_org=pb.CardOrganization.Value(f"CARD_ORGANIZATION_{args.org_one.upper()}"),
                verification_method=pb.VerificationMethod.Value(f"VERIFICATION_METHOD_{args.verification.upper()}")))))
        return 0
    finally:
        await mesh.close()


def register(sub) -> None:
    ch = sub.add_parser("channel", help="channels, routing rules, error codes (runtime configuration)")
    s = ch.add_subparsers(dest="action", required=True)
    s.add_parser("list")
    for name in ("get", "health"):
        s.add_parser(name).add_argument("id")
    st = s.add_parser("state")
    st.add_argument("id")
    st.add_argument("state", choices=["active", "paused", "disabled"])
    cr = s.add_parser("create")
    cr.add_argument("id")
    cr.add_argument("--endpoint", required=True)
    cr.add_argument("--currency", default="EUR")
    cr.add_argument("--fee-bps", type=int, default=0)
    cr.add_argument("--fixed-fee", type=int, default=0)
    cr.add_argument("--quota", type=int, default=0)
    cr.add_argument("--method", action="append", default=None)
    cr.add_argument("--org", action="append", default=[])
    cr.add_argument("--three-ds", default="supported", choices=["none", "supported", "always"])
    cr.add_argument("--key-ref", default="sim")
    cr.add_argument("--timeout-ms", type=int, default=5000)
    mp = s.add_parser("map")
    mp.add_argument("id")
    mp.add_argument("code")
    mp.add_argument("result")
    mp.add_argument("--retryable", action="store_true")
    ru = s.add_parser("rule")
    ru.add_argument("name")
    ru.add_argument("channels")
    ru.add_argument("--priority", type=int, default=100)
    ru.add_argument("--strategy", default="priority", choices=["priority", "lowest_fee", "best_success_rate", "lowest_latency"])
    ru.add_argument("--merchant", action="append", default=[])
    ru.add_argument("--only-currency", action="append", default=[])
    ex = s.add_parser("explain")
    ex.add_argument("--amount", type=int, required=True)
    ex.add_argument("--currency", default="EUR")
    ex.add_argument("--merchant", dest="merchant_id", default="")
    ex.add_argument("--org", dest="org_one", default="visa")
    ex.add_argument("--verification", default="password")
    for p in (st, mp, ru, s.choices["list"], s.choices["get"], s.choices["health"]):
        p.set_defaults(currency="EUR")

    def run(args) -> int:
        if getattr(args, "method", None) is None and args.action == "create":
            args.method = ["card"]
        return asyncio.run(_run(args))
    ch.set_defaults(func=run)
    _register_recon(sub)


async def _run_recon(args) -> int:
    from clients.services import Mesh
    from paymesh.channel.v1 import channel_pb2 as pb, channel_service_pb2 as api, reconciliation_pb2 as rc
    from servers.kernel.settings import CommonSettings

    import grpc

    from clients.channel import error_reason

    mesh = Mesh({"channel": args.via or CommonSettings.from_env("cli").channel_addr}, traced=False)
    rid = lambda: f"cli-{uuid.uuid4()}"  # noqa: E731
    try:
        return await _recon_action(args, mesh, pb, api, rc, rid)
    except grpc.aio.AioRpcError as exc:
        print(f"{exc.code().name} {error_reason(exc) or ''}: {exc.details()}", file=sys.stderr)
        return 1
    finally:
        await mesh.close()


async def _recon_action(args, mesh, pb, api, rc, rid) -> int:
    a = args.action
    if a == "import":
        _print(await mesh.statements.ImportStatement(api.ImportStatementRequest(
            channel_id=args.channel, statement_date=args.date, source=pb.STATEMENT_SOURCE_CHANNEL_FETCH, replace=args.replace,
            request_id=rid())))
    elif a == "run":
        _print(await mesh.recon.RunReconciliation(rc.RunReconciliationRequest(channel_id=args.channel, statement_date=args.date,
                                                                               rerun=args.rerun, request_id=rid())))
    elif a == "summary":
        req = dict(channel_id=args.channel, statement_date=args.date)
        if args.csv:
            print((await mesh.recon.GetReconciliationReport(rc.GetReconciliationReportRequest(**req))).data.decode(), end="")
        else:
            summary = await mesh.recon.GetReconciliationSummary(rc.GetReconciliationSummaryRequest(**req))
            run = summary.run
            print(f"{run.channel_id} {run.statement_date}: {run.line_count} lines, run {run.run_id}")
            for t in run.totals:
                amounts = ", ".join(f"{m.amount_minor} {m.currency_code}" for m in t.amounts)
                print(f"  {t.class_name:16} {t.count:>10}  {amounts}")
            print(f"  open cases {summary.open_cases}, closed {summary.closed_cases}")
    elif a == "cases":
        reply = await mesh.recon.ListReconciliationCases(rc.ListReconciliationCasesRequest(
            channel_id=args.channel, statement_date=args.date, page_size=args.limit,
            state=rc.CaseState.Value(f"CASE_STATE_{args.state.upper()}") if args.state else 0,
            kind=rc.DifferenceKind.Value(f"DIFFERENCE_KIND_{args.kind.upper()}") if args.kind else 0))
        for c in reply.cases:
            age = f"{c.age_seconds // 3600}h{'!' if c.sla_breached else ''}"
            print(f"{c.case_id}  {rc.DifferenceKind.Name(c.kind)[16:]:16} {rc.CaseState.Name(c.state)[11:]:13} {age:>6}"
                  f"  {c.inst_order_id or c.channel_reference}  {c.resolution}")
    elif a == "propose":
        _print(await mesh.recon.ProposeAdjustment(rc.ProposeAdjustmentRequest(
            case_id=args.case, amount_minor=args.amount, note=args.note, operator_id=args.operator, request_id=rid())))
    elif a == "approve":
        _print(await mesh.recon.ApproveAdjustment(rc.ApproveAdjustmentRequest(case_id=args.case, operator_id=args.operator,
                                                                               request_id=rid())))
    elif a == "writeoff":
        _print(await mesh.recon.WriteOffCase(rc.WriteOffCaseRequest(case_id=args.case, note=args.note, operator_id=args.operator,
                                                                     request_id=rid())))
    return 0


def _register_recon(sub) -> None:
    rp = sub.add_parser("recon", help="channel statements and reconciliation")
    rp.add_argument("--via", default="", help="host:port of the channel service or Envoy (default: the local stack)")
    s = rp.add_subparsers(dest="action", required=True)
    for name in ("import", "run", "summary"):
        p = s.add_parser(name)
        p.add_argument("channel")
        p.add_argument("date", help="YYYY-MM-DD")
    s.choices["import"].add_argument("--replace", action="store_true")
    s.choices["run"].add_argument("--rerun", action="store_true")
    s.choices["summary"].add_argument("--csv", action="store_true")
    cs = s.add_parser("cases")
    cs.add_argument("--channel", default="")
    cs.add_argument("--date", default="")
    cs.add_argument("--state", default="", choices=["", "open", "auto_resolved", "adjusted", "written_off"])
    cs.add_argument("--kind", default="", choices=["", "local_missing", "channel_missing", "amount_mismatch", "status_mismatch",
                                                   "fee_mismatch"])
    cs.add_argument("--limit", type=int, default=100)
    pr = s.add_parser("propose")
    pr.add_argument("case")
    pr.add_argument("amount", type=int)
    pr.add_argument("note")
    ap = s.add_parser("approve")
    ap.add_argument("case")
    wo = s.add_parser("writeoff")
    wo.add_argument("case")
    wo.add_argument("note")
    for p in (pr, ap, wo):
        p.add_argument("--operator", required=True)
    rp.set_defaults(func=lambda args: asyncio.run(_run_recon(args)))
