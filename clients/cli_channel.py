"""`paymesh channel ...` — channels, routing rules and error codes at runtime (no restart).

    paymesh channel list | get ID | health ID | state ID active|paused|disabled
    paymesh channel create ID --endpoint URL --currency EUR [--fee-bps 150 --fixed-fee 10 --quota 1000000]
                              [--method card --org visa --three-ds supported --key-ref sim]
    paymesh channel map ID CODE RESULT [--retryable]          e.g. map sim_a 91 CHANNEL_UNAVAILABLE --retryable
    paymesh channel rule NAME CH1,CH2 [--priority 10 --strategy lowest_fee --merchant M ...]
    paymesh channel explain --amount 1000 --currency EUR [--merchant M --org visa --verification three_ds]
"""
from __future__ import annotations

import asyncio
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
