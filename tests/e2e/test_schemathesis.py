"""schemathesis against the live REST API through Envoy, driven by envoy/openapi.json: for every
public operation a bounded number of generated requests (valid and invalid ones) must get no
5xx, only documented status codes, and bodies that conform to the document.

Target: the public listener (signed requests with a fresh API key) once the edge gateway is in
the stack; until then the internal listener, which serves the same operations unsigned.
Also here: trade's Prometheus `/metrics` shows CreateOrder after a call.
"""
from __future__ import annotations

import json
import os
import secrets
import socket
import time
import uuid
from collections import Counter

import httpx
import pytest
import requests
from hypothesis import HealthCheck, Phase, given, settings

from clients import signing
from servers.kernel.settings import PORT_OFFSETS, port
from servers.stack import openapi

_REQUEST_ARGS = ("method", "url", "headers", "params", "json", "data", "cookies", "files")
# Per operation and generation mode: 15 operations x 2 modes x 12 = 384 calls in 10-20 s; raise it
# for a deeper run (50: 1600 calls in ~40 s).
EXAMPLES = int(os.environ.get("PAYMESH_SCHEMATHESIS_EXAMPLES", "12"))
BUDGET_S = 90  # a hard ceiling on a loaded machine


async def _public_target(env, via_envoy):
    """(base url, key id, secret) of the public listener with a fresh API key, or None while
    the edge gateway's public listener (envoy_public) is not in the stack."""
    if "envoy_public" not in PORT_OFFSETS:
        return None
    public = port("envoy_public", env)
    try:
        socket.create_connection(("127.0.0.1", public), timeout=1).close()
    except OSError:
        return None
    from paymesh.gateway.v1 import gateway_service_pb2 as gw

    reply = await via_envoy.api_keys.CreateApiKey(gw.CreateApiKeyRequest(
        merchant_id=f"mch_st_{secrets.token_hex(4)}", scopes=["*"], request_id=uuid.uuid4().hex))
    return f"http://127.0.0.1:{public}", reply.api_key.key_id, reply.secret


@pytest.fixture
async def target(env, edge, via_envoy):
    public = await _public_target(env, via_envoy)
    return public or (f"http://{edge}", None, None)


def test_public_rest_api_has_no_5xx_and_conforms_to_openapi(target):
    import schemathesis
    from schemathesis.generation import GenerationMode
    from schemathesis.specs.openapi import checks as oa

    base_url, key_id, secret = target
    schema = schemathesis.openapi.from_dict(json.loads(openapi.OPENAPI.read_text()))
    chosen = [schemathesis.checks.not_a_server_error, oa.status_code_conformance, oa.content_type_conformance,
              oa.response_schema_conformance]
    failures: dict[str, str] = {}
    calls = {"n": 0}
    statuses: Counter[int] = Counter()
    session = requests.Session()
    started = time.monotonic()

    def run(case) -> None:
        # The signature headers are ours to set (signed below).
        case.headers = {k: v for k, v in (case.headers or {}).items() if not (key_id and k.lower().startswith("x-paymesh-"))} or None
        kwargs = case.as_transport_kwargs(base_url=base_url, headers={"x-context-id": f"ctx_st_{uuid.uuid4().hex[:12]}"})
        kwargs.pop("allow_redirects", None)
        prepared = session.prepare_request(requests.Request(**{k: v for k, v in kwargs.items() if k in _REQUEST_ARGS}))
        if key_id:  # sign exactly what goes out
            body = prepared.body.encode() if isinstance(prepared.body, str) else (prepared.body or b"")
            prepared.headers.update(signing.sign(prepared.method, prepared.path_url, body, key_id, secret))
        response = session.send(prepared, timeout=10)
        calls["n"] += 1
        statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=chosen)
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collected, one line per distinct failure
            titles = sorted({getattr(e, "title", type(e).__name__) for e in getattr(exc, "exceptions", [exc])})
            key = f"{case.method} {case.path} -> {response.status_code}: {', '.join(titles)}"
            failures.setdefault(key, f"{response.request.path_url[:200]} {response.text[:200]!r}")

    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
            @given(case=operation.as_strategy(generation_mode=mode))
            def fuzz(case):
                run(case)

            fuzz()
    elapsed = time.monotonic() - started
    print(f"schemathesis: {calls['n']} calls to {'public (signed)' if key_id else 'internal'} {base_url} in {elapsed:.1f} s: {sorted(statuses.items())}")
    assert calls["n"] >= 15, calls
    assert statuses[200] >= 5, statuses  # signed requests get through, not only refusals
    assert not failures, f"{len(failures)} failures in {calls['n']} calls:\n" + "\n".join(f"{k}\n    e.g. {v}" for k, v in list(failures.items())[:30])
    assert elapsed < BUDGET_S, f"schemathesis took {elapsed:.0f} s for {calls['n']} calls"


# Edge findings of earlier schemathesis runs, on both listeners: requests the upstream gRPC
# call cannot carry are refused at the edge with a JSON 400, never a 500 or an empty body.
@pytest.mark.parametrize("headers", [{"bad%name": "x"}, {"grpc-timeout": "1n"}, {"x-trace-bin": "###"}, {"x-ok": b"a\x7fb"}])
def test_headers_grpc_cannot_carry_are_a_json_400(edge, public_edge, headers):
    for base_url in (f"http://{edge}", public_edge):
        reply = httpx.get(f"{base_url}/v1/orders", params={"merchant_id": "mch_x"}, headers=headers)
        assert reply.status_code == 400, (base_url, reply.text)
        assert reply.headers.get("content-type", "").startswith("application/json"), reply.headers
        assert reply.json()["code"] in (3, 400), reply.text


@pytest.mark.parametrize("path", ["/v1/orders/a%5Cb", "/v1/orders/a%5cb", "/v1/orders/a%2Fb"])
def test_encoded_backslash_or_slash_gets_a_json_400(edge, public_edge, path):
    for base_url in (f"http://{edge}", public_edge):
        reply = httpx.get(f"{base_url}{path}")
        assert reply.status_code == 400, (base_url, reply.text)
        assert reply.headers.get("content-type", "").startswith("application/json"), reply.headers
        assert reply.json()["details"][0]["reason"] == "INVALID_PARAMETER", reply.text


def test_trade_metrics_count_create_order(rest, env, ids):
    from servers.kernel.metrics import metrics_port

    url = f"http://127.0.0.1:{metrics_port(port('trade', env))}/metrics"
    line = 'paymesh_rpc_server_handled_total{grpc_code="%s",grpc_method="CreateOrder",grpc_service="paymesh.trade.v1.TradeService"}'

    def count(code: str) -> float:
        for row in httpx.get(url, timeout=5).text.splitlines():
            if row.startswith(line % code + " "):
                return float(row.rsplit(" ", 1)[1])
        return 0.0

    before = count("INVALID_ARGUMENT")
    reply = rest.post("/v1/orders", json={"merchantId": ids("mch")})  # missing required fields
    assert reply.status_code == 400
    assert count("INVALID_ARGUMENT") == before + 1
    text = httpx.get(url, timeout=5).text
    assert "# TYPE paymesh_rpc_server_handling_seconds histogram" in text
    assert 'paymesh_rpc_server_handling_seconds_count{grpc_method="CreateOrder"' in text
