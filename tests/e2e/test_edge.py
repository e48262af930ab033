"""The edge: bad input never becomes a 500, Envoy's own errors are JSON, services whose issue
has not landed answer UNIMPLEMENTED, and grpcurl works through Envoy with reflection."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import grpc
import pytest
from google.rpc import error_details_pb2, status_pb2

from paymesh.trade.v1 import trade_service_pb2 as trade_api

GRPCURL = shutil.which("grpcurl", path=str(Path(sys.executable).parent)) or "grpcurl"


def violations(body: dict) -> dict[str, str]:
    out = {}
    for detail in body.get("details", []):
        for v in detail.get("fieldViolations", detail.get("field_violations", [])):
            out[v["field"]] = v["description"]
    return out


@pytest.mark.parametrize("body, fields", [
    ({}, {"merchant_id", "out_trade_no", "product_code", "subject", "amount", "payer_member_id"}),
    ({"merchant_id": "m 1", "out_trade_no": "x", "product_code": "P", "subject": "s", "payer_member_id": "p",
      "amount": {"currency_code": "EURO", "amount_minor": "-5"}}, {"merchant_id", "amount.currency_code", "amount.amount_minor"}),
])
def test_rest_bad_input_is_400_with_field_violations(rest, body, fields):
    r = rest.post("/v1/orders", json=body)
    assert r.status_code == 400, r.text
    payload = r.json()
    assert set(violations(payload)) == fields
    assert any(d.get("reason") == "INVALID_ARGUMENT" for d in payload["details"])


@pytest.mark.parametrize("raw", [b"{not json", b'{"amount": {"amount_minor": "abc"}}', b'{"merchant_id": 5, "unknown_field": 1}', b"[]"])
def test_rest_malformed_bodies_are_4xx_json_never_5xx(rest, raw):
    r = rest.post("/v1/orders", content=raw, headers={"content-type": "application/json"})
    assert 400 <= r.status_code < 500, r.text
    assert r.headers["content-type"].startswith("application/json")
    json.loads(r.text)


def test_envoy_own_errors_are_json(rest):
    r = rest.get("/no/such/route")
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/json")
    assert r.json()["code"] == 404


def test_unknown_order_is_404_json(rest):
    r = rest.get("/v1/orders/ord_missing")
    assert r.status_code == 404 and r.json()["details"][0]["reason"] == "ORDER_NOT_FOUND"


async def test_grpc_bad_input_is_invalid_argument_with_bad_request(via_envoy):
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await via_envoy.trade.CreateOrder(trade_api.CreateOrderRequest(merchant_id="m1"))
    assert err.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    details = dict(err.value.trailing_metadata())["grpc-status-details-bin"]
    bad = error_details_pb2.BadRequest()
    for any_detail in status_pb2.Status.FromString(details).details:
        if any_detail.Is(bad.DESCRIPTOR):
            any_detail.Unpack(bad)
    assert {v.field for v in bad.field_violations} >= {"out_trade_no", "amount"}


async def test_every_service_is_healthy_and_operations_not_landed_yet_answer_unimplemented(edge, rest):
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    from paymesh.channel.v1 import channel_service_pb2 as channel_api

    async with grpc.aio.insecure_channel(edge) as channel:
        for svc in ("trade", "risk", "payment", "channel", "ledger", "ufs", "ues"):
            reply = await health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), metadata=(("x-paymesh-service", svc),))
            assert reply.status == health_pb2.HealthCheckResponse.SERVING
        with pytest.raises(grpc.aio.AioRpcError) as err:  # statement import is the reconciliation issue
            await channel.unary_unary("/paymesh.channel.v1.ChannelStatementService/ImportStatement",
                                      request_serializer=channel_api.ImportStatementRequest.SerializeToString,
                                      response_deserializer=channel_api.ImportStatementResponse.FromString)(
                channel_api.ImportStatementRequest(channel_id="ch_x", statement_date="2026-01-01", source=1, request_id="r1"))
        assert err.value.code() == grpc.StatusCode.NOT_FOUND  # statements landed (reconciliation): an unknown channel
    r = rest.post("/v1/channels/ch_x/statements", json={"statement_date": "2026-01-01", "source": "STATEMENT_SOURCE_CHANNEL_FETCH",
                                                          "request_id": "r1"})
    assert r.status_code == 404 and r.headers["content-type"].startswith("application/json")


def test_grpcurl_lists_every_service_and_calls_through_envoy(edge):
    listed = subprocess.run([GRPCURL, "-plaintext", edge, "list"], capture_output=True, text=True, timeout=30)
    assert listed.returncode == 0, listed.stderr
    for package in ("trade", "risk", "payment", "channel", "ledger", "ufs", "ues"):
        assert f"paymesh.{package}.v1." in listed.stdout
    called = subprocess.run([GRPCURL, "-plaintext", "-d", '{"order_id": "ord_missing"}', edge, "paymesh.trade.v1.TradeService/GetOrder"],
                            capture_output=True, text=True, timeout=30)
    assert "NotFound" in called.stderr and "ORDER_NOT_FOUND" in called.stderr


async def test_credential_operations_are_grpc_only(rest, edge):
    """Secrets and credentials are never reachable over REST until operators authenticate at the edge."""
    from paymesh.trade.v1 import trade_service_pb2 as trade_api

    for method, path in (("GET", "/v1/merchants/mch_x/webhookSecret"), ("POST", "/v1/merchants/mch_x/webhookSecret:rotate"),
                         ("POST", "/v1/ufs/clients"), ("GET", "/v1/ues/keys")):
        r = rest.request(method, path, json={} if method == "POST" else None)
        assert r.status_code == 403, (path, r.status_code, r.text)
        assert r.headers["content-type"].startswith("application/json") and r.json()["message"].startswith("INTERNAL_ONLY")
    async with grpc.aio.insecure_channel(edge) as channel:  # the operator's native gRPC path still works
        reply = await channel.unary_unary("/paymesh.trade.v1.WebhookService/GetWebhookSecret",
                                          request_serializer=trade_api.GetWebhookSecretRequest.SerializeToString,
                                          response_deserializer=trade_api.GetWebhookSecretResponse.FromString)(
            trade_api.GetWebhookSecretRequest(merchant_id="mch_x"))
        assert reply.ListFields()
