"""Signed merchant webhooks through Envoy: the example receiver (tools/webhook_receiver.py) gets
a correctly signed order.paid once; a 500 is retried on the (short, test) backoff; the delivery
log shows the attempts; ResendWebhook sends the same event again; closing notifies too."""
from __future__ import annotations

import asyncio
import json
import threading

import pytest

from tests.e2e.conftest import eventually
from tests.e2e.test_skeleton_flow import order_body, topup
from tools.webhook_receiver import Receiver


def _secret(edge: str, merchant: str) -> str:
    """Webhook secrets are an internal operation: native gRPC only (REST gets 403 at the edge)."""
    import grpc

    from paymesh.trade.v1 import trade_service_pb2 as trade_api

    with grpc.insecure_channel(edge) as channel:
        return channel.unary_unary("/paymesh.trade.v1.WebhookService/GetWebhookSecret",
                                   request_serializer=trade_api.GetWebhookSecretRequest.SerializeToString,
                                   response_deserializer=trade_api.GetWebhookSecretResponse.FromString)(
            trade_api.GetWebhookSecretRequest(merchant_id=merchant), timeout=5).secret


@pytest.fixture
def receiver_for(rest, edge):
    servers: list[Receiver] = []

    def start(merchant: str, fail_first: int = 0) -> Receiver:
        server = Receiver(("127.0.0.1", 0), _secret(edge, merchant), fail_first)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def url_of(server: Receiver) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/paymesh/hook"


def paid_order(rest, ids, merchant: str, notify_url: str) -> str:
    member = ids("mem")
    topup(rest, member, 5000)
    created = rest.post("/v1/orders", json=order_body(merchant, ids("no"), member, notify_url=notify_url))
    assert created.status_code == 200, created.text
    order_id = created.json()["order"]["orderId"]
    paid = rest.post(f"/v1/orders/{order_id}:pay", json={"request_id": "a1", "method": "PAY_METHOD_BALANCE"})
    assert paid.status_code == 200 and paid.json()["paymentState"] == "PAYMENT_STATE_SUCCEEDED", paid.text
    return order_id


async def test_paid_order_is_notified_once_with_a_valid_signature_and_closing_notifies(rest, ids, receiver_for):
    merchant = ids("mch")
    receiver = receiver_for(merchant)
    order_id = paid_order(rest, ids, merchant, url_of(receiver))

    async def got_it():
        return receiver.accepted
    assert await eventually(got_it)
    await asyncio.sleep(1.0)  # nothing more arrives
    assert len(receiver.requests) == 1 and receiver.requests[0][0] == 200
    event = receiver.accepted[0]
    assert (event["event_type"], event["order_id"], event["merchant_id"], event["state"]) == ("order.paid", order_id, merchant, "PAID")
    assert event["amount"] == {"currency_code": "EUR", "amount_minor": "1999"} and event["payment_id"].startswith("pay")
    assert event["event_id"] and event["create_time"]

    # A wrongly signed request is refused by the receiver (the signature is what makes it accept).
    import httpx
    bad = httpx.post(url_of(receiver), content=json.dumps(event), headers={"x-paymesh-timestamp": "1", "x-paymesh-signature": "v1=00"})
    assert bad.status_code == 401

    created = rest.post("/v1/orders", json=order_body(merchant, ids("no"), ids("mem"), notify_url=url_of(receiver)))
    closing = created.json()["order"]["orderId"]
    assert rest.post(f"/v1/orders/{closing}:close", json={}).status_code == 200

    async def closed_notified():
        return any(e["event_type"] == "order.closed" and e["order_id"] == closing for e in receiver.accepted)
    assert await eventually(closed_notified)


async def test_failed_delivery_is_retried_logged_and_can_be_resent(rest, ids, receiver_for):
    merchant = ids("mch")
    receiver = receiver_for(merchant, fail_first=1)
    order_id = paid_order(rest, ids, merchant, url_of(receiver))

    def deliveries(**params):
        r = rest.get("/v1/webhookDeliveries", params=params)
        assert r.status_code == 200, r.text
        return r.json().get("deliveries", [])

    async def delivered():
        rows = deliveries(order_id=order_id)
        return rows and rows[0]["state"] == "WEBHOOK_DELIVERY_STATE_DELIVERED"
    assert await eventually(delivered)
    [row] = deliveries(order_id=order_id)
    event_id = receiver.accepted[0]["event_id"]
    assert receiver.requests == [(500, event_id), (200, event_id)]
    assert (row["attempts"], row["lastStatusCode"], row["eventId"], row["url"]) == (2, 200, event_id, url_of(receiver))
    assert [d["deliveryId"] for d in deliveries(merchant_id=merchant)] == [row["deliveryId"]]

    resent = rest.post(f"/v1/webhookDeliveries/{row['deliveryId']}:resend", json={})
    assert resent.status_code == 200, resent.text

    async def sent_again():
        return len(receiver.requests) == 3 and deliveries(order_id=order_id)[0]["attempts"] == 3
    assert await eventually(sent_again)
    assert receiver.requests[2] == (200, event_id) and len(receiver.accepted) == 1  # same event id: the receiver dedupes

    assert rest.get("/v1/webhookDeliveries").status_code == 400  # order or merchant required
    assert rest.post("/v1/webhookDeliveries/whd_nope:resend", json={}).status_code == 404
