"""Edge gateway through the public listener: the auth matrix, the trusted merchant, rotation,
rate limits (429 + Retry-After, changed without restart), metering, and the internal-only
operations being unroutable there."""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from paymesh.gateway.v1 import gateway_pb2 as gpb, gateway_service_pb2 as gw
from tests.e2e.conftest import eventually, signed


def order_body(out_trade_no: str, merchant: str | None = None) -> dict:
    body = {"out_trade_no": out_trade_no, "product_code": "DIGITAL_GOODS", "subject": "Tea",
            "amount": {"currency_code": "EUR", "amount_minor": "1999"}, "payer_member_id": "mem_gateway_e2e"}
    return {**body, "merchant_id": merchant} if merchant else body


def _reason(r) -> str:
    assert r.headers["content-type"].startswith("application/json"), (r.status_code, r.headers, r.text)
    return r.json()["reason"]


async def test_auth_matrix(public, api_key, via_envoy, ids):
    merchant = ids("mch")
    key = await api_key(merchant, ["orders"])
    path = f"/v1/orders/{ids('ord')}"
    ok = signed(public, "GET", path, key)
    assert ok.status_code == 404 and ok.json()["code"] == 5, ok.text  # reached trade: NOT_FOUND from the service

    r = public.get(path)
    assert r.status_code == 401 and _reason(r) == "MISSING_API_KEY"
    assert signed(public, "GET", path, ("ak_nope", key[1])).json()["reason"] == "UNKNOWN_API_KEY"
    r = signed(public, "GET", path, (key[0], "sk_wrong"))
    assert r.status_code == 401 and _reason(r) == "BAD_SIGNATURE"
    r = signed(public, "GET", path, key, timestamp=int(time.time()) - 400)
    assert r.status_code == 401 and _reason(r) == "STALE_TIMESTAMP"
    nonce = ids("nonce")
    assert signed(public, "GET", path, key, nonce=nonce).status_code == 404
    r = signed(public, "GET", path, key, nonce=nonce)
    assert r.status_code == 401 and _reason(r) == "REPLAYED_NONCE"
    r = signed(public, "GET", f"/v1/payments/{ids('pay')}", key)
    assert r.status_code == 403 and _reason(r) == "FORBIDDEN_SCOPE"
    # Query strings are signed too: a tampered query is a bad signature.
    from clients.signing import sign
    hdrs = sign("GET", "/v1/orders?page_size=1", b"", *key)
    assert public.get("/v1/orders?page_size=2", headers=hdrs).json()["reason"] == "BAD_SIGNATURE"

    await via_envoy.api_keys.RevokeApiKey(gw.RevokeApiKeyRequest(key_id=key[0], request_id=ids("r")))
    r = signed(public, "GET", path, key)
    assert r.status_code == 401 and _reason(r) == "API_KEY_REVOKED"


async def test_signed_create_order_acts_for_the_key_merchant_only(public, api_key, ids):
    merchant, other = ids("mch"), ids("mch")
    key, other_key = await api_key(merchant, ["orders"]), await api_key(other, ["orders"])
    # A client-sent trusted header is dropped by Envoy; the gateway's verified merchant wins.
    r = signed(public, "POST", "/v1/orders", key, order_body(ids("no")), headers={"x-paymesh-merchant-id": other})
    assert r.status_code == 200, r.text
    order = r.json()["order"]
    assert order["merchantId"] == merchant
    r = signed(public, "POST", "/v1/orders", key, order_body(ids("no"), merchant=other))
    assert r.status_code == 403 and "MERCHANT_MISMATCH" in r.text, r.text
    assert signed(public, "GET", f"/v1/orders/{order['orderId']}", key).status_code == 200
    r = signed(public, "GET", f"/v1/orders/{order['orderId']}", other_key)
    assert r.status_code == 404, r.text  # another merchant's order does not exist for this key
    listed = signed(public, "GET", "/v1/orders?page_size=5", key).json()["orders"]
    assert [o["orderId"] for o in listed] == [order["orderId"]]


async def test_rotation_keeps_the_old_key_for_the_overlap(public, api_key, via_envoy, ids):
    merchant = ids("mch")
    old = await api_key(merchant, ["orders"])
    reply = await via_envoy.api_keys.RotateApiKey(gw.RotateApiKeyRequest(key_id=old[0], overlap_seconds=1, request_id=ids("r")))
    new = (reply.api_key.key_id, reply.secret)
    assert reply.previous.state == gpb.API_KEY_STATE_ROTATED and reply.api_key.merchant_id == merchant
    path = f"/v1/orders/{ids('ord')}"
    assert signed(public, "GET", path, old).status_code == 404
    assert signed(public, "GET", path, new).status_code == 404
    await asyncio.sleep(1.6)
    r = signed(public, "GET", path, old)
    assert r.status_code == 401 and _reason(r) == "API_KEY_EXPIRED"
    assert signed(public, "GET", path, new).status_code == 404
    keys = (await via_envoy.api_keys.ListApiKeys(gw.ListApiKeysRequest(merchant_id=merchant))).api_keys
    assert {k.key_id: k.state for k in keys} == {new[0]: gpb.API_KEY_STATE_ACTIVE, old[0]: gpb.API_KEY_STATE_EXPIRED}
    assert all(len(k.fingerprint) == 64 for k in keys)


async def test_rate_limit_then_raise_without_restart_and_metering(public, api_key, via_envoy, ids, env):
    merchant = ids("mch")
    key = await api_key(merchant, ["orders"])
    await via_envoy.rate_limits.SetRateLimit(gw.SetRateLimitRequest(limit=gpb.RateLimit(
        merchant_id=merchant, route="orders", requests_per_second=0.2, burst=2)))
    path = f"/v1/orders/{ids('ord')}"
    codes = [signed(public, "GET", path, key).status_code for _ in range(3)]
    assert codes[:2] == [404, 404] and codes[2] == 429, codes
    r = signed(public, "GET", path, key)
    assert r.status_code == 429 and _reason(r) == "RATE_LIMITED" and int(r.headers["retry-after"]) >= 1
    await via_envoy.rate_limits.SetRateLimit(gw.SetRateLimitRequest(limit=gpb.RateLimit(
        merchant_id=merchant, route="orders", requests_per_second=1000, burst=100)))
    await asyncio.sleep(1.2)  # the gateway's limit cache
    assert [signed(public, "GET", path, key).status_code for _ in range(3)] == [404, 404, 404]
    limits = (await via_envoy.rate_limits.ListRateLimits(gw.ListRateLimitsRequest(merchant_id=merchant))).limits
    assert [(lim.route, lim.requests_per_second) for lim in limits] == [("orders", 1000)]

    usage = (await via_envoy.metering.GetUsage(gw.GetUsageRequest(merchant_id=merchant))).rows
    assert [(u.api, u.calls, u.throttled) for u in usage] == [("/paymesh.trade.v1.TradeService/GetOrder", 5, 2)]
    # The same counts from the CLI an operator (or billing) uses.
    out = subprocess.run([sys.executable, "-m", "clients.cli", "gateway", "usage", "--merchant", merchant], capture_output=True,
                         text=True, env={**os.environ, **env}, timeout=60)
    assert out.returncode == 0, out.stderr
    [line] = [row for row in out.stdout.splitlines() if merchant in row]
    assert "/paymesh.trade.v1.TradeService/GetOrder" in line and line.split()[-4:] == ["calls", "5", "throttled", "2"], line


async def test_internal_operations_are_unroutable_on_the_public_listener(public, api_key, ids):
    key = await api_key(ids("mch"), ["*"])
    internal = [
        ("POST", "/v1/payments", {"request_id": "x"}),
        ("POST", f"/v1/orders/{ids('ord')}:pay", {"request_id": "x", "method": "PAY_METHOD_BALANCE"}),
        ("GET", "/v1/ledger/transfers?payment_id=x", None),
        ("POST", "/credit-ues/inner/encrypt", {"plainData": "x", "dataType": "USER_INFO"}),
        ("GET", "/v1/merchants/m1/webhookSecret", None),
        ("POST", "/v1/gateway/apiKeys", {"merchant_id": "m", "scopes": ["*"], "request_id": "x"}),
        ("GET", "/paymesh.ufs.v1.UfsAdminService/ListBuckets", None),
        ("POST", "/paymesh.trade.v1.TradeService/PayOrder", b"\x00\x00\x00\x00\x00"),
    ]
    for method, path, body in internal:
        for r in (signed(public, method, path, key, body), public.request(method, path)):
            assert r.status_code == 404, (path, r.status_code, r.text)
            assert r.json()["reason"] in ("NOT_FOUND", "direct_response"), (path, r.text)
    # Native gRPC on the public listener: refused at the edge as well.
    r = public.post("/paymesh.trade.v1.TradeService/GetOrder", content=b"\x00\x00\x00\x00\x00",
                    headers={"content-type": "application/grpc", **signed_headers(key)})
    assert r.status_code != 200 or r.headers.get("grpc-status") not in (None, "0"), r.headers


def signed_headers(key):
    from clients.signing import sign

    return sign("POST", "/paymesh.trade.v1.TradeService/GetOrder", b"\x00\x00\x00\x00\x00", *key)


async def test_prometheus_stats_and_access_log_show_the_checks(stack, public, api_key, ids):
    import httpx

    from servers.kernel.metrics import metrics_port
    from servers.kernel.settings import port

    merchant, context_id = ids("mch"), ids("ctx")
    key = await api_key(merchant, ["orders"])
    assert signed(public, "GET", f"/v1/orders/{ids('ord')}", key, headers={"x-context-id": context_id}).status_code == 404
    assert public.get("/v1/orders", headers={"x-context-id": context_id + "_denied"}).status_code == 401
    envoy = httpx.get(f"http://127.0.0.1:{port('envoy_admin', stack[1])}/stats/prometheus", timeout=5).text
    assert "envoy_http_downstream_rq_total" in envoy and 'envoy_http_conn_manager_prefix="public"' in envoy
    assert "envoy_http_ext_authz_ok" in envoy and "envoy_http_ext_authz_denied" in envoy
    gateway = httpx.get(f"http://127.0.0.1:{metrics_port(port('gateway', stack[1]))}/metrics", timeout=5).text
    assert 'paymesh_gateway_checks_total{reason="OK",status="200"}' in gateway
    assert 'paymesh_gateway_checks_total{reason="MISSING_API_KEY",status="401"}' in gateway
    assert "paymesh_gateway_check_seconds_bucket" in gateway

    # The public access log line carries the context id, the verified merchant and key.
    log = Path(stack[0].home) / "logs" / "envoy.log"

    async def logged() -> dict | None:
        for line in log.read_text(errors="replace").splitlines():
            if context_id in line and line.startswith("{"):
                entry = json.loads(line)
                if entry.get("context_id") == context_id:
                    return entry
        return None
    entry = await eventually(logged, timeout_s=25)  # Envoy flushes its access log every few seconds
    assert entry["listener"] == "public" and entry["merchant_id"] == merchant and entry["key_id"] == key[0], entry


def test_openapi_document_is_served_without_a_key(public):
    from servers.stack.envoy_config import ENVOY

    if not (ENVOY / "openapi.json").exists():
        import pytest

        pytest.skip("envoy/openapi.json is not generated yet")
    r = public.get("/openapi.json")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/json")
    assert "/v1/orders" in r.json()["paths"]
