"""Channels end to end: the mesh through Envoy, the channel simulator as the acquirers."""
from __future__ import annotations

import json
import time
from pathlib import Path

import grpc
import httpx
import pytest

from paymesh.channel.v1 import channel_pb2 as pb, channel_service_pb2 as api
from servers.channel.connector import load_keys, sign
from tests.e2e.conftest import eventually

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def simulator(stack):
    """The stack's channel simulator (a stand-in for the acquirers, started by `paymesh up`)."""
    url = stack[0].endpoints()["channel_sim"]
    assert httpx.get(f"{url}/health", timeout=2).status_code == 200
    return url


def spec(sim: str, name: str, timeout_ms: int = 2000, three_ds: int = pb.THREE_DS_CAPABILITY_SUPPORTED, bps: int = 200):
    return pb.ChannelSpec(display_name=name, methods=[pb.PAYMENT_METHOD_CARD], card_orgs=[pb.CARD_ORGANIZATION_VISA],
                          operations=[pb.INST_ORDER_TYPE_PAY, pb.INST_ORDER_TYPE_REFUND],
                          currencies=[pb.ChannelCurrency(currency_code="EUR", fixed_fee={"currency_code": "EUR", "amount_minor": 10})],
                          fee_rate_bps=bps, three_ds=three_ds,
                          connector=pb.ChannelConnector(adapter="http-json-v1", endpoint=sim, signing_key_ref="sim",
                                                        request_timeout_millis=timeout_ms, query_backoff_seconds=[1]))


@pytest.fixture
async def setup(via_envoy, simulator, ids):
    """Two channels (A first, B fallback with scripted faults off), a rule scoped to a fresh merchant."""
    a, b, merchant = ids("cha").lower(), ids("chb").lower(), ids("mer")
    for cid, magic in ((a, True), (b, False)):
        await via_envoy.channel_admin.CreateChannel(api.CreateChannelRequest(channel_id=cid, spec=spec(simulator, cid, 700), request_id=ids("r")))
        httpx.post(f"{simulator}/sim/config/{cid}", json={"magic": magic, "notify_delay_ms": 100})
        for code, result, retry in (("05", pb.RESULT_CODE_DECLINED, False), ("91", pb.RESULT_CODE_CHANNEL_UNAVAILABLE, True),
                                    ("N7", pb.RESULT_CODE_AUTHENTICATION_FAILED, False)):
            await via_envoy.channel_admin.UpsertErrorCodeMapping(api.UpsertErrorCodeMappingRequest(
                mapping=pb.ErrorCodeMapping(channel_id=cid, channel_code=code, result_code=result, retryable=retry), request_id=ids("r")))
    await via_envoy.routing.CreateRoutingRule(api.CreateRoutingRuleRequest(request_id=ids("r"), spec=pb.RoutingRuleSpec(
        name=ids("rule").lower(), priority=10, conditions=pb.RoutingConditions(merchant_ids=[merchant]), channel_ids=[a, b],
        strategy=pb.ROUTING_STRATEGY_PRIORITY)))
    return {"a": a, "b": b, "merchant": merchant, "sim": simulator}


async def submit(mesh, ids, setup, amount: int, verification=pb.VERIFICATION_METHOD_PASSWORD):
    reply = await mesh.channel.SubmitPayment(api.SubmitPaymentRequest(
        request_id=ids("r"), instruction_id=ids("ins"), ref={"order_id": ids("ord"), "payment_id": ids("pay")}, merchant_id=setup["merchant"],
        amount={"currency_code": "EUR", "amount_minor": amount}, verification_method=verification,
        card=pb.CardInstrument(card_no_ticket="tkt_x", card_org=pb.CARD_ORGANIZATION_VISA, card_bin="411111", card_last4="1111", expiry_month=12, expiry_year=2030)))
    return reply.inst_order


async def until_state(mesh, inst_order_id: str, states: set[int], timeout_s: float = 8.0):
    async def check():
        order = (await mesh.channel.GetInstOrder(api.GetInstOrderRequest(inst_order_id=inst_order_id))).inst_order
        return order if order.state in states else None
    order = await eventually(check, timeout_s)
    assert order is not None, f"{inst_order_id} never reached {states}"
    return order


async def test_success_is_processing_then_success_with_event(via_envoy, ids, setup, pg):
    first = await submit(via_envoy, ids, setup, 1000)
    assert first.result_code == pb.RESULT_CODE_PROCESSING and first.channel_id == setup["a"]
    done = await until_state(via_envoy, first.inst_order_id, {pb.INST_ORDER_STATE_SUCCESS})
    assert done.settled_amount.amount_minor == 1000 and done.fee.amount_minor == 30 and done.channel_reference.startswith("sim_")
    events = await pg.fetch("SELECT event_type FROM channel.outbox WHERE payload->'inst_order'->>'inst_order_id' = $1", first.inst_order_id)
    assert [e["event_type"] for e in events] == ["inst_order.sent", "inst_order.success"] or "inst_order.success" in [e["event_type"] for e in events]


async def test_retryable_decline_falls_back_to_next_channel(via_envoy, ids, setup):
    first = await submit(via_envoy, ids, setup, 1052)
    failed = await until_state(via_envoy, first.inst_order_id, {pb.INST_ORDER_STATE_FAIL})
    assert failed.retryable and failed.result_code == pb.RESULT_CODE_CHANNEL_UNAVAILABLE and failed.superseded_by_inst_order_id
    second = await until_state(via_envoy, failed.superseded_by_inst_order_id, {pb.INST_ORDER_STATE_SUCCESS})
    assert second.channel_id == setup["b"] and second.attempt == 2 and second.instruction_id == first.instruction_id


async def test_non_retryable_decline_stays_failed(via_envoy, ids, setup):
    first = await submit(via_envoy, ids, setup, 1051)
    failed = await until_state(via_envoy, first.inst_order_id, {pb.INST_ORDER_STATE_FAIL})
    assert not failed.retryable and failed.result_code == pb.RESULT_CODE_DECLINED and not failed.superseded_by_inst_order_id


async def test_timeout_becomes_unknown_and_query_resolves(via_envoy, ids, setup):
    first = await submit(via_envoy, ids, setup, 1061)
    unknown = await until_state(via_envoy, first.inst_order_id, {pb.INST_ORDER_STATE_UNKNOWN})
    assert unknown.result_code == pb.RESULT_CODE_TIMEOUT
    queried = (await via_envoy.channel.QueryInstOrder(api.QueryInstOrderRequest(inst_order_id=first.inst_order_id))).inst_order
    assert queried.state == pb.INST_ORDER_STATE_SUCCESS and queried.query_count == 1


async def test_three_ds_round_trip(via_envoy, ids, setup):
    first = await submit(via_envoy, ids, setup, 1000, pb.VERIFICATION_METHOD_THREE_DS)
    action = await until_state(via_envoy, first.inst_order_id, {pb.INST_ORDER_STATE_REQUIRES_ACTION})
    assert "/sim/3ds/" in action.required_action.redirect_url
    httpx.post(f"{action.required_action.redirect_url}?result=pass")
    await until_state(via_envoy, first.inst_order_id, {pb.INST_ORDER_STATE_SUCCESS})


async def test_duplicated_and_out_of_order_notifications_change_nothing(via_envoy, ids, setup, pg):
    dup = await submit(via_envoy, ids, setup, 1063)
    late = await submit(via_envoy, ids, setup, 1064)
    for order in (dup, late):
        await until_state(via_envoy, order.inst_order_id, {pb.INST_ORDER_STATE_SUCCESS})
    await eventually(lambda: _notes(pg, late.inst_order_id, 2), 5)
    time.sleep(0.3)
    rows = await pg.fetch("SELECT result FROM channel.channel_notifications WHERE inst_order_id = $1", dup.inst_order_id)
    assert [r["result"] for r in rows] == [pb.NOTIFICATION_RESULT_APPLIED]  # the duplicate was not even recorded twice
    rows = await pg.fetch("SELECT result FROM channel.channel_notifications WHERE inst_order_id = $1 ORDER BY receive_time", late.inst_order_id)
    assert [r["result"] for r in rows] == [pb.NOTIFICATION_RESULT_APPLIED, pb.NOTIFICATION_RESULT_STALE]
    for order in (dup, late):
        assert (await until_state(via_envoy, order.inst_order_id, {pb.INST_ORDER_STATE_SUCCESS})).state == pb.INST_ORDER_STATE_SUCCESS


async def _notes(pg, inst_order_id: str, count: int):
    return len(await pg.fetch("SELECT 1 FROM channel.channel_notifications WHERE inst_order_id = $1", inst_order_id)) >= count


async def test_notification_after_query_finished_and_bad_signature(via_envoy, ids, setup, rest, env):
    first = await submit(via_envoy, ids, setup, 1065)  # notification lost: only the query finds the result
    await until_state(via_envoy, first.inst_order_id, {pb.INST_ORDER_STATE_PROCESSING})
    time.sleep(0.2)
    done = (await via_envoy.channel.QueryInstOrder(api.QueryInstOrderRequest(inst_order_id=first.inst_order_id))).inst_order
    assert done.state == pb.INST_ORDER_STATE_SUCCESS
    key = load_keys(Path(env["PAYMESH_HOME"]) / "channel" / "signing-keys.json")["sim"]
    body = json.dumps({"notification_id": ids("ntf"), "reference": first.inst_order_id, "status": "DECLINED", "code": "05"}).encode()
    stamp = str(int(time.time()))
    url = f"/v1/channels/{setup['a']}/notifications"
    late = rest.post(url, content=body, headers={"content-type": "application/json", "x-channel-timestamp": stamp,
                                                  "x-channel-signature": sign(key, stamp, body)})
    assert late.status_code == 200 and late.json()["result"] == "NOTIFICATION_RESULT_STALE", late.text
    bad = rest.post(url, content=body, headers={"content-type": "application/json", "x-channel-timestamp": stamp, "x-channel-signature": "00"})
    assert bad.status_code == 401, bad.text
    after = await until_state(via_envoy, first.inst_order_id, {pb.INST_ORDER_STATE_SUCCESS})
    assert after.version if hasattr(after, "version") else True


async def test_explain_route_and_named_channel(via_envoy, ids, setup):
    ctx = pb.RoutingContext(operation=pb.INST_ORDER_TYPE_PAY, method=pb.PAYMENT_METHOD_CARD, card_org=pb.CARD_ORGANIZATION_VISA,
                            verification_method=pb.VERIFICATION_METHOD_PASSWORD, amount={"currency_code": "EUR", "amount_minor": 500},
                            merchant_id=setup["merchant"])
    ex = await via_envoy.routing.ExplainRoute(api.ExplainRouteRequest(context=ctx))
    assert ex.decision.channel_id == setup["a"] and list(ex.decision.fallback_channel_ids) == [setup["b"]]
    await via_envoy.channel_admin.SetChannelState(api.SetChannelStateRequest(channel_id=setup["a"], state=pb.CHANNEL_STATE_PAUSED,
                                                                             request_id=ids("r")))
    ex = await via_envoy.routing.ExplainRoute(api.ExplainRouteRequest(context=ctx))
    skipped = {c.channel_id: c for c in ex.candidates}[setup["a"]]
    assert ex.decision.channel_id == setup["b"] and pb.SKIP_REASON_CHANNEL_INACTIVE in skipped.skip_reasons
    ctx.amount.currency_code = "USD"
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await via_envoy.routing.Route(api.RouteRequest(context=ctx))
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION
