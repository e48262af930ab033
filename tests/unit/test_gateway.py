"""Edge gateway, pure parts and the Check use case with fakes: signature scheme, window,
nonces, key states, scopes, limit lookup and GCRA math, caches, the trusted merchant."""
from __future__ import annotations

import asyncio

import pytest

from clients.signing import sign
from servers.gateway import domain
from servers.gateway.domain import KeyRecord, Limit, Route
from servers.gateway.handlers import Authorizer, CachedKeys, CachedLimits
from servers.gateway.routes import RouteTable, public_methods, template_regex

NOW = 1_800_000_000.0
KEY = KeyRecord("ak_1", "m1", ("orders",), 1, b"sk_secret", None)
GET_ORDER = Route("/paymesh.trade.v1.TradeService/GetOrder", "orders")


def headers(method="GET", path="/v1/orders/o1", body=b"", secret="sk_secret", **kw):
    return sign(method, path, body, "ak_1", secret, timestamp=kw.pop("timestamp", int(NOW)), nonce=kw.pop("nonce", "n" * 20))


def test_client_signing_matches_the_server_scheme():
    h = headers("POST", "/v1/orders?x=1", b'{"a":1}')
    assert h["x-paymesh-signature"] == domain.signature(b"sk_secret", "post", "/v1/orders?x=1", str(int(NOW)), "n" * 20, b'{"a":1}')
    assert domain.check_signature(KEY, "POST", "/v1/orders?x=1", h, b'{"a":1}') is None
    for method, path, body in (("GET", "/v1/orders?x=1", b'{"a":1}'), ("POST", "/v1/orders?x=2", b'{"a":1}'), ("POST", "/v1/orders?x=1", b'{"a":2}')):
        assert domain.check_signature(KEY, method, path, h, body).reason == "BAD_SIGNATURE"
    assert domain.check_signature(KEY, "GET", "/v1/orders/o1", headers(secret="other"), b"").status == 401


@pytest.mark.parametrize("change, reason", [
    ({"x-paymesh-key-id": ""}, "MISSING_API_KEY"),
    ({"x-paymesh-signature": ""}, "MISSING_SIGNATURE"),
    ({"x-paymesh-timestamp": "12a"}, "BAD_TIMESTAMP"),
    ({"x-paymesh-timestamp": str(int(NOW) - 301)}, "STALE_TIMESTAMP"),
    ({"x-paymesh-timestamp": str(int(NOW) + 301)}, "STALE_TIMESTAMP"),
    ({"x-paymesh-nonce": "short"}, "BAD_NONCE"),
    ({"x-paymesh-nonce": "x" * 65}, "BAD_NONCE"),
    ({"x-paymesh-nonce": "bad nonce with spaces"}, "BAD_NONCE"),
])
def test_header_shape_and_window(change, reason):
    assert domain.check_headers({**headers(), **change}, NOW).reason == reason
    assert domain.check_headers({**headers(), "x-paymesh-timestamp": str(int(NOW) - 300)}, NOW) is None


def test_key_states_and_scopes():
    assert domain.check_key(None, NOW).reason == "UNKNOWN_API_KEY"
    assert domain.check_key(KeyRecord("k", "m", (), 3, b"", None, revoked=True), NOW).reason == "API_KEY_REVOKED"
    assert domain.check_key(KeyRecord("k", "m", (), 2, b"", NOW - 1), NOW).reason == "API_KEY_EXPIRED"
    assert domain.check_key(KeyRecord("k", "m", (), 2, b"", NOW + 1), NOW) is None
    assert domain.check_scope(KEY, GET_ORDER) is None
    denied = domain.check_scope(KEY, Route("/x.Y/Z", "payments"))
    assert denied.status == 403 and denied.reason == "FORBIDDEN_SCOPE"
    assert KeyRecord("k", "m", ("*",), 1, b"", None).allows("anything")


def test_most_specific_limit_wins():
    limits = {("*", "*"): Limit("*", "*", 100, 10), ("m1", "orders"): Limit("m1", "orders", 5, 1),
              ("m1", GET_ORDER.method): Limit("m1", GET_ORDER.method, 0, 1)}  # rps 0: no limit at this level
    assert domain.find_limit(limits, "m1", GET_ORDER).rps == 5
    assert domain.find_limit(limits, "m2", GET_ORDER).rps == 100
    assert domain.find_limit({}, "m1", GET_ORDER) is None
    assert Limit("m", "r", 1, 2).bucket != Limit("m", "r", 2, 2).bucket  # a changed limit gets a fresh bucket


def test_gcra_burst_then_rate():
    tat, now, results = None, 0.0, []
    for _ in range(4):  # 2/s with burst 3 at one instant: 3 pass, the 4th waits 500 ms
        ok, tat, retry = domain.gcra(tat, now, 2.0, 3)
        results.append((ok, retry))
    assert [r[0] for r in results] == [True, True, True, False] and results[3][1] == pytest.approx(500)
    ok, tat, _ = domain.gcra(tat, now + 500, 2.0, 3)
    assert ok
    assert domain.retry_after_seconds(1) == "1" and domain.retry_after_seconds(1500) == "2"


def test_route_table_from_the_contracts():
    table = RouteTable(public_methods())
    assert table.match("GET", "/v1/orders/ord_1?x=1").method == GET_ORDER.method
    assert table.match("GET", "/v1/orders").method.endswith("/ListOrders")
    assert table.match("POST", "/v1/orders/o1:refund").scope == "refunds"
    for verb, path in (("POST", "/v1/orders/o1:pay"), ("POST", "/v1/payments"), ("GET", "/v1/ledger/transfers"),
                       ("GET", "/v1/merchants/m/webhookSecret"), ("POST", "/v1/gateway/apiKeys"), ("DELETE", "/v1/orders/o1")):
        assert table.match(verb, path) is None, path
    assert template_regex("/v1/a/{x}:go") == r"^/v1/a/[^/:]+:go$"


class FakeCounters:
    def __init__(self, verdict="ok"):
        self.verdict, self.nonces, self.calls = verdict, set(), []

    async def admit(self, key_id, nonce, ttl, limit, merchant_id, api, day):
        if (key_id, nonce) in self.nonces:
            return "replay", 0.0
        self.nonces.add((key_id, nonce))
        self.calls.append((merchant_id, api, day, limit))
        return (self.verdict, 1200.0) if self.verdict == "limited" else ("ok", 0.0)


class FakeKeys:
    async def key(self, key_id):
        return KEY if key_id == "ak_1" else None


class FakeLimits:
    async def limits(self):
        return {("m1", "orders"): Limit("m1", "orders", 1, 1)}


def authorizer(counters):
    return Authorizer(RouteTable(public_methods()), FakeKeys(), FakeLimits(), counters, 300, clock=lambda: NOW)


async def test_check_allows_sets_trusted_headers_and_meters():
    counters = FakeCounters()
    decision = await authorizer(counters).check("GET", "/v1/orders/o1", headers(), b"")
    assert decision.allowed and decision.headers == {"x-paymesh-merchant-id": "m1", "x-paymesh-verified-key-id": "ak_1"}
    assert counters.calls == [("m1", GET_ORDER.method, "2027-01-15", Limit("m1", "orders", 1, 1))]
    again = await authorizer(counters).check("GET", "/v1/orders/o1", headers(), b"")
    assert again.status == 401 and again.reason == "REPLAYED_NONCE"


async def test_check_denials_in_order():
    a = authorizer(FakeCounters())
    assert (await a.check("POST", "/v1/payments", {}, b"")).status == 404  # unknown route before anything else
    assert (await a.check("GET", "/v1/orders/o1", {}, b"")).reason == "MISSING_API_KEY"
    assert (await a.check("GET", "/v1/orders/o1", {**headers(), "x-paymesh-key-id": "ak_2"}, b"")).reason == "UNKNOWN_API_KEY"
    assert (await a.check("GET", "/v1/payments/p1", headers(path="/v1/payments/p1"), b"")).status == 403
    limited = await authorizer(FakeCounters("limited")).check("GET", "/v1/orders/o1", headers(), b"")
    assert limited.status == 429 and limited.headers == {"retry-after": "2"}
    body = limited.body("ctx_1")
    assert '"reason": "RATE_LIMITED"' in body and '"code": 429' in body


async def test_caches_expire():
    loads, clock = [], [0.0]

    async def load(key_id):
        loads.append(key_id)
        return KEY
    keys = CachedKeys(load, 1.0, clock=lambda: clock[0])
    await keys.key("ak_1")
    await keys.key("ak_1")
    clock[0] = 1.5
    await keys.key("ak_1")
    keys.forget("ak_1")
    await keys.key("ak_1")
    assert len(loads) == 3

    tables = []

    async def load_limits():
        tables.append(1)
        return {}
    limits = CachedLimits(load_limits, 1.0, clock=lambda: clock[0])
    await asyncio.gather(limits.limits(), limits.limits())
    limits.invalidate()
    await limits.limits()
    assert len(tables) == 2


def test_trusted_merchant_fills_or_refuses():
    from paymesh.trade.v1 import trade_service_pb2 as api
    from servers.kernel.errors import PermissionDenied
    from servers.kernel.interceptors import apply_trusted_merchant

    request = api.CreateOrderRequest(out_trade_no="n1")
    apply_trusted_merchant(request, "m1")
    assert request.merchant_id == "m1"
    apply_trusted_merchant(request, "")  # internal callers: untouched
    with pytest.raises(PermissionDenied) as exc:
        apply_trusted_merchant(api.CreateOrderRequest(merchant_id="m2"), "m1")
    assert exc.value.reason == "MERCHANT_MISMATCH"
    apply_trusted_merchant(api.GetOrderRequest(order_id="o1"), "m1")  # no merchant field: nothing to do


def test_envoy_public_listener_routes_only_public_rpcs():
    from servers.stack import envoy_config

    yaml = envoy_config.render({"PAYMESH_PORT_BASE": "40000"})
    public = yaml[yaml.index("- name: public"):yaml.index("  clusters:")]
    assert "port_value: 40090" in public and "envoy.filters.http.ext_authz" in public
    assert '"/paymesh.trade.v1.TradeService/GetOrder"' in public
    for internal in ("PayOrder", "PaymentService/CreatePayment", "paymesh.ledger", "paymesh.ues", "paymesh.ufs", "GetWebhookSecret",
                     "paymesh.gateway", "cluster: ledger"):
        assert internal not in public, internal
    assert "mutations: [{remove: x-paymesh-merchant-id}, {remove: x-paymesh-verified-key-id}]" in public


async def test_usage_merges_redis_counters_with_their_postgres_copies():
    import datetime as dt

    from servers.gateway.admin import Admin

    class Counters:
        async def usage(self, days, merchant_id):
            return [("m1", "/a.B/C", days[-1], 5, 1)]

    class Stored:
        async def load(self, start, end, merchant_id):
            return [("m1", "/a.B/C", end.isoformat(), 3, 2), ("m1", "/a.B/C", start.isoformat(), 7, 0)]

    admin = Admin(None, None, None, Counters(), None, None, set(), 0, Stored())
    rows = await admin.usage("m1", dt.date(2027, 1, 1), dt.date(2027, 1, 2))
    assert rows == [("m1", "/a.B/C", "2027-01-01", 7, 0), ("m1", "/a.B/C", "2027-01-02", 5, 2)]


def test_resp_parser_handles_every_reply_type_and_partial_input():
    from servers.gateway.resp import _INCOMPLETE, RespError, encode, parse

    wire = bytearray(b"*2\r\n$2\r\nok\r\n$1\r\n0\r\n+OK\r\n-NOSCRIPT no\r\n:42\r\n$-1\r\n")
    values, pos = [], 0
    while pos < len(wire):
        value, pos = parse(wire, pos)
        values.append(value)
    assert values == [[b"ok", b"0"], "OK", "NOSCRIPT no", 42, None] and isinstance(values[2], RespError)
    for cut in range(19):  # the first reply (19 bytes) split anywhere is incomplete, never misread
        assert parse(bytearray(wire[:cut]), 0) == (_INCOMPLETE, 0), cut
    assert encode(("EVALSHA", "ab", 1, "k", 0.5)) == b"*5\r\n$7\r\nEVALSHA\r\n$2\r\nab\r\n$1\r\n1\r\n$1\r\nk\r\n$3\r\n0.5\r\n"


async def test_resp_client_pipelines_in_order_reloads_scripts_and_resets_on_timeout():
    """A fake Redis: answers EVALSHA with NOSCRIPT once, then echoes the first key, in order."""
    from servers.gateway.resp import RespClient, Script

    seen, known, hang, writers = [], set(), asyncio.Event(), []

    async def serve(reader, writer):
        writers.append(writer)
        while True:
            head = await reader.readline()
            if not head:
                return
            args = []
            for _ in range(int(head[1:])):
                size = int((await reader.readline())[1:])
                args.append((await reader.readexactly(size + 2))[:-2].decode())
            seen.append(args[0])
            if args[3] == "hang":
                await hang.wait()
            if args[0] == "EVALSHA" and args[1] not in known:
                writer.write(b"-NOSCRIPT No matching script\r\n")
            else:
                known.add(__import__("hashlib").sha1(args[1].encode()).hexdigest() if args[0] == "EVAL" else args[1])
                writer.write(b"*2\r\n$%d\r\n%s\r\n$1\r\n0\r\n" % (len(args[3]), args[3].encode()))
            await writer.drain()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    client = RespClient(f"redis://127.0.0.1:{server.sockets[0].getsockname()[1]}/0", timeout_s=0.3)
    script = Script(client, "return {KEYS[1], '0'}")
    assert await script(["first"], []) == [b"first", b"0"]
    assert seen == ["EVALSHA", "EVAL"]
    replies = await asyncio.gather(*(script([f"k{i}"], [i]) for i in range(50)))
    assert [r[0] for r in replies] == [f"k{i}".encode() for i in range(50)]  # one connection, replies matched in order
    with pytest.raises((TimeoutError, ConnectionError)):
        await script(["hang"], [])
    hang.set()
    assert await script(["after"], []) == [b"after", b"0"]  # a fresh connection after the reset
    await client.close()
    server.close()
    for writer in writers:
        writer.close()
    await server.wait_closed()
    await asyncio.sleep(0.05)


async def test_check_servicer_fails_closed_with_json_and_reuses_the_allowed_answer():
    from prometheus_client import CollectorRegistry

    from servers.gateway.envoy_api import attribute_context_pb2 as attrs, external_auth_pb2 as authz
    from servers.gateway.servicer import AuthorizationServicer, CheckMetrics

    class Broken(FakeCounters):
        async def admit(self, *args):
            raise ConnectionError("redis down")

    def request(hdrs):
        http = attrs.AttributeContext.HttpRequest(method="GET", path="/v1/orders/o1", headers={**hdrs, "x-context-id": "ctx_t1"})
        return authz.CheckRequest(attributes=attrs.AttributeContext(request=attrs.AttributeContext.Request(http=http)))

    registry = CollectorRegistry()
    metrics = CheckMetrics(registry)
    ok = AuthorizationServicer(authorizer(FakeCounters()), metrics)
    first = await ok.Check(request(headers()), None)
    second = await ok.Check(request(headers(nonce="m" * 20)), None)
    assert first.HasField("ok_response") and second is first
    assert {h.header.key: h.header.value for h in first.ok_response.headers} == {"x-paymesh-merchant-id": "m1", "x-paymesh-verified-key-id": "ak_1"}
    down = await AuthorizationServicer(authorizer(Broken()), metrics).Check(request(headers()), None)
    assert down.denied_response.status.code == 503 and '"reason": "GATEWAY_UNAVAILABLE"' in down.denied_response.body
    assert '"context_id": "ctx_t1"' in down.denied_response.body
    assert registry.get_sample_value("paymesh_gateway_checks_total", {"status": "200", "reason": "OK"}) == 2
    assert registry.get_sample_value("paymesh_gateway_checks_total", {"status": "503", "reason": "GATEWAY_UNAVAILABLE"}) == 1
