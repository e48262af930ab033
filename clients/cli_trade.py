"""`paymesh trade ...` — trade administration.

    paymesh trade webhook-secret <merchant> [--rotate]     read (or rotate) a merchant's webhook signing secret
    paymesh trade deliveries (--order o | --merchant m)    the webhook delivery log
    paymesh trade resend <delivery_id>                     send a webhook delivery again now
"""
from __future__ import annotations

import asyncio


async def _trade(args) -> int:
    from clients.channel import open_channel
    from paymesh.trade.v1 import trade_service_pb2 as api, trade_service_pb2_grpc as rpc
    from servers.kernel.settings import CommonSettings

    channel = open_channel(CommonSettings.from_env("cli").trade_addr, traced=False)
    hooks = rpc.WebhookServiceStub(channel)
    try:
        if args.action == "webhook-secret":
            if args.rotate:
                reply = await hooks.RotateWebhookSecret(api.RotateWebhookSecretRequest(merchant_id=args.merchant))
            else:
                reply = await hooks.GetWebhookSecret(api.GetWebhookSecretRequest(merchant_id=args.merchant))
            print(f"{reply.merchant_id}  v{reply.version}  {reply.secret}")
        elif args.action == "deliveries":
            reply = await hooks.ListWebhookDeliveries(api.ListWebhookDeliveriesRequest(
                order_id=args.order, merchant_id=args.merchant, page_size=100))
            for d in reply.deliveries:
                state = api.WebhookDeliveryState.Name(d.state).removeprefix("WEBHOOK_DELIVERY_STATE_")
                print(f"{d.delivery_id}  {d.event_type:<15} {state:<9} attempts={d.attempts:<3} status={d.last_status_code:<3}"
                      f" {d.order_id}  {d.last_error}")
        else:
            d = (await hooks.ResendWebhook(api.ResendWebhookRequest(delivery_id=args.delivery_id))).delivery
            print(f"{d.delivery_id} re-queued ({d.attempts} attempts so far)")
        return 0
    finally:
        await channel.close()


def register(subparsers) -> None:
    p = subparsers.add_parser("trade", help="trade administration (webhooks)")
    sub = p.add_subparsers(dest="action", required=True)
    s = sub.add_parser("webhook-secret", help="read or rotate a merchant's webhook signing secret")
    s.add_argument("merchant")
    s.add_argument("--rotate", action="store_true")
    s = sub.add_parser("deliveries", help="webhook delivery log of an order or a merchant")
    s.add_argument("--order", default="")
    s.add_argument("--merchant", default="")
    s = sub.add_parser("resend", help="send a webhook delivery again now")
    s.add_argument("delivery_id")
    p.set_defaults(func=lambda args: asyncio.run(_trade(args)))
