"""`paymesh gateway ...` — merchant API keys, rate limits and usage (edge gateway).

    paymesh gateway keys create MERCHANT --scopes orders,refunds [--description TEXT]   # prints the secret once
    paymesh gateway keys rotate KEY_ID [--overlap-seconds 86400]
    paymesh gateway keys revoke KEY_ID
    paymesh gateway keys list [--merchant M]
    paymesh gateway limits set MERCHANT|'*' ROUTE|'*' RPS [--burst N]                # RPS 0 removes it
    paymesh gateway limits list [--merchant M]
    paymesh gateway usage [--merchant M] [--start YYYY-MM-DD] [--end YYYY-MM-DD]
"""
from __future__ import annotations

import asyncio
import datetime as dt
import uuid


async def _gateway(args) -> int:
    from google.protobuf import timestamp_pb2

    from clients.services import Mesh
    from paymesh.gateway.v1 import gateway_pb2 as pb, gateway_service_pb2 as api
    from servers.kernel.settings import CommonSettings

    mesh = Mesh({"gateway": CommonSettings.from_env("cli").gateway_addr}, traced=False)
    rid = f"cli-{uuid.uuid4()}"

    def show(k) -> str:
        expires = f" expires {k.expire_time.ToJsonString()}" if k.HasField("expire_time") else ""
        return (f"{k.key_id:<24} {k.merchant_id:<20} {pb.ApiKeyState.Name(k.state).removeprefix('API_KEY_STATE_'):<8} "
                f"scopes={','.join(k.scopes)} sha256={k.fingerprint[:16]}…{expires}")

    def stamp(day: str | None):
        if not day:
            return None
        ts = timestamp_pb2.Timestamp()
        ts.FromDatetime(dt.datetime.fromisoformat(day).replace(tzinfo=dt.timezone.utc))
        return ts
    try:
        if args.area == "keys":
            if args.action == "create":
                reply = await mesh.api_keys.CreateApiKey(api.CreateApiKeyRequest(
                    merchant_id=args.target, scopes=args.scopes.split(","), description=args.description, request_id=rid))
                print(show(reply.api_key))
                print(f"secret (shown once, store it now): {reply.secret}")
            elif args.action == "rotate":
                reply = await mesh.api_keys.RotateApiKey(api.RotateApiKeyRequest(key_id=args.target, overlap_seconds=args.overlap_seconds,
                                                                                 request_id=rid))
                print(show(reply.api_key))
                print(f"secret (shown once, store it now): {reply.secret}")
                print(f"previous: {show(reply.previous)}")
            elif args.action == "revoke":
                print(show((await mesh.api_keys.RevokeApiKey(api.RevokeApiKeyRequest(key_id=args.target, request_id=rid))).api_key))
            else:
                for k in (await mesh.api_keys.ListApiKeys(api.ListApiKeysRequest(merchant_id=args.merchant, page_size=1000))).api_keys:
                    print(show(k))
        elif args.area == "limits":
            if args.action == "set":
                limit = pb.RateLimit(merchant_id=args.merchant_id, route=args.route, requests_per_second=args.rps, burst=args.burst)
                await mesh.rate_limits.SetRateLimit(api.SetRateLimitRequest(limit=limit, request_id=rid))
            for lim in (await mesh.rate_limits.ListRateLimits(api.ListRateLimitsRequest(merchant_id=args.merchant))).limits:
                print(f"{lim.merchant_id:<20} {lim.route:<48} {lim.requests_per_second:>10g}/s burst {lim.burst}")
        else:
            reply = await mesh.metering.GetUsage(api.GetUsageRequest(merchant_id=args.merchant, start_time=stamp(args.start),
                                                                     end_time=stamp(args.end or args.start)))
            for u in reply.rows:
                print(f"{u.day} {u.merchant_id:<20} {u.api:<56} calls {u.calls:>8} throttled {u.throttled:>6}")
        return 0
    finally:
        await mesh.close()


def register(sub) -> None:
    gateway = sub.add_parser("gateway", help="merchant API keys, rate limits, usage (edge gateway)")
    areas = gateway.add_subparsers(dest="area", required=True)
    keys = areas.add_parser("keys", help="merchant API keys").add_subparsers(dest="action", required=True)
    create = keys.add_parser("create", help="new key; prints the secret once")
    create.add_argument("target", metavar="MERCHANT")
    create.add_argument("--scopes", default="*", help="comma separated, e.g. orders,refunds (default *)")
    create.add_argument("--description", default="")
    rotate = keys.add_parser("rotate", help="new key; the old one works for --overlap-seconds")
    rotate.add_argument("target", metavar="KEY_ID")
    rotate.add_argument("--overlap-seconds", type=int, default=0)
    revoke = keys.add_parser("revoke", help="revoke a key now")
    revoke.add_argument("target", metavar="KEY_ID")
    key_list = keys.add_parser("list")
    key_list.add_argument("--merchant", default="")
    limits = areas.add_parser("limits", help="rate limits").add_subparsers(dest="action", required=True)
    put = limits.add_parser("set", help="create or replace a limit (RPS 0 removes it)")
    put.add_argument("merchant_id", metavar="MERCHANT")
    put.add_argument("route", metavar="ROUTE", help="scope, full method or *")
    put.add_argument("rps", type=float, metavar="RPS")
    put.add_argument("--burst", type=int, default=1)
    put.add_argument("--merchant", default="")
    limit_list = limits.add_parser("list")
    limit_list.add_argument("--merchant", default="")
    usage = areas.add_parser("usage", help="calls per merchant, API and day")
    usage.add_argument("--merchant", default="")
    usage.add_argument("--start", default="", help="YYYY-MM-DD (default today, UTC)")
    usage.add_argument("--end", default="")
    for parser in (create, rotate, revoke, key_list, put, limit_list, usage):
        parser.set_defaults(func=lambda args: asyncio.run(_gateway(args)))
