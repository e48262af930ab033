import asyncio
import uuid

import httpx
import pytest

from tests.conftest import start_stack, stop_stack


@pytest.fixture(scope="session")
def stack():
    plan, env = start_stack("e2e")
    yield plan, env
    stop_stack(plan)


@pytest.fixture(scope="session")
def env(stack):
    return stack[1]


@pytest.fixture(scope="session")
def edge(stack) -> str:
    return stack[0].endpoints()["envoy"].removeprefix("http://")


@pytest.fixture
def rest(edge):
    with httpx.Client(base_url=f"http://{edge}", timeout=10) as client:
        yield client


@pytest.fixture
async def via_envoy(edge):
    """gRPC stubs for every service, all through Envoy's one listener."""
    from clients.services import HOSTS, Mesh

    mesh = Mesh({host: edge for host in set(HOSTS.values())}, traced=False)
    yield mesh
    await mesh.close()


@pytest.fixture
def ids():
    return lambda prefix: f"{prefix}_{uuid.uuid4().hex[:16]}"


@pytest.fixture
async def pg(env):
    import asyncpg

    from servers.kernel.settings import local_defaults

    url = local_defaults(env)["database_url"].reveal().replace("+asyncpg", "")
    conn = await asyncpg.connect(url)
    yield conn
    await conn.close()


async def eventually(check, timeout_s: float = 20.0, interval_s: float = 0.1):
    deadline = asyncio.get_running_loop().time() + timeout_s
    while True:
        result = await check()
        if result or asyncio.get_running_loop().time() > deadline:
            return result
        await asyncio.sleep(interval_s)


async def simulated_channel(via_envoy, stack, ids, routes: list, payouts: bool = False) -> str:
    """A fresh channel on the stack's simulator (scripted faults on: amounts ending in 51 decline
    with code "05", mapped to DECLINED), routed by one rule per RoutingConditions in `routes`."""
    import httpx

    from paymesh.channel.v1 import channel_pb2 as pb, channel_service_pb2 as channel_api

    sim = stack[0].endpoints()["channel_sim"]
    channel = ids("chn").lower()
    operations = [pb.INST_ORDER_TYPE_PAY, pb.INST_ORDER_TYPE_REFUND] + ([pb.INST_ORDER_TYPE_PAYOUT] if payouts else [])
    methods = [pb.PAYMENT_METHOD_CARD] + ([pb.PAYMENT_METHOD_BANK_TRANSFER] if payouts else [])
    spec = pb.ChannelSpec(display_name=channel, methods=methods, card_orgs=[pb.CARD_ORGANIZATION_VISA], operations=operations,
                          currencies=[pb.ChannelCurrency(currency_code="EUR")], fee_rate_bps=100,
                          three_ds=pb.THREE_DS_CAPABILITY_SUPPORTED,
                          connector=pb.ChannelConnector(adapter="http-json-v1", endpoint=sim, signing_key_ref="sim",
                                                        request_timeout_millis=2000, query_backoff_seconds=[1]))
    await via_envoy.channel_admin.CreateChannel(channel_api.CreateChannelRequest(channel_id=channel, spec=spec, request_id=ids("r")))
    httpx.post(f"{sim}/sim/config/{channel}", json={"magic": True, "notify_delay_ms": 50})
    await via_envoy.channel_admin.UpsertErrorCodeMapping(channel_api.UpsertErrorCodeMappingRequest(
        mapping=pb.ErrorCodeMapping(channel_id=channel, channel_code="05", result_code=pb.RESULT_CODE_DECLINED, retryable=False),
        request_id=ids("r")))
    for conditions in routes:
        await via_envoy.routing.CreateRoutingRule(channel_api.CreateRoutingRuleRequest(request_id=ids("r"), spec=pb.RoutingRuleSpec(
            name=ids("rule").lower(), priority=10, conditions=conditions, channel_ids=[channel],
            strategy=pb.ROUTING_STRATEGY_PRIORITY)))
    return channel


async def payment_outcome(rest, payment_id: str, states=("PAYMENT_STATE_SUCCEEDED", "PAYMENT_STATE_FAILED")) -> dict:
    """The payment once it reaches one of `states` (asynchronous channel verdicts, events)."""
    async def done():
        p = rest.get(f"/v1/payments/{payment_id}").json()["payment"]
        return p if p["state"] in states else None
    result = await eventually(done, timeout_s=45, interval_s=0.2)
    assert result, rest.get(f"/v1/payments/{payment_id}").json()
    return result


def transfers_of(rest, payment_id: str) -> list[dict]:
    return rest.get("/v1/ledger/transfers", params={"payment_id": payment_id}).json().get("transfers", [])


# --- edge gateway (public listener) -------------------------------------------------------

@pytest.fixture(scope="session")
def public_edge(stack) -> str:
    """Base URL of the public merchant listener (signed REST only)."""
    from servers.kernel.settings import port

    return f"http://127.0.0.1:{port('envoy_public', stack[1])}"


@pytest.fixture
def public(public_edge):
    with httpx.Client(base_url=public_edge, timeout=10) as client:
        yield client


@pytest.fixture
def api_key(via_envoy, ids):
    """`await api_key(merchant, scopes)` → (key_id, secret): a fresh merchant API key."""
    from paymesh.gateway.v1 import gateway_service_pb2 as gw

    async def make(merchant: str, scopes=("*",)) -> tuple[str, str]:
        reply = await via_envoy.api_keys.CreateApiKey(gw.CreateApiKeyRequest(merchant_id=merchant, scopes=list(scopes), request_id=ids("r")))
        return reply.api_key.key_id, reply.secret
    return make


def signed(client, method: str, path: str, key: tuple[str, str], body=None, headers: dict | None = None, **sign_overrides):
    """One signed call on the public listener (body: dict → JSON)."""
    import json as _json

    from clients.signing import sign

    raw = b"" if body is None else (body if isinstance(body, bytes) else _json.dumps(body).encode())
    hdrs = {**sign(method, path, raw, key[0], key[1], **sign_overrides), **(headers or {})}
    if raw:
        hdrs.setdefault("content-type", "application/json")
    return client.request(method, path, content=raw or None, headers=hdrs)
