"""The walking skeleton through Envoy: trade → payment → ledger, over REST and gRPC, with one
context id on every row and every span, and idempotency that holds."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import grpc
import pytest

from clients.channel import error_reason
from paymesh.ledger.v1 import ledger_service_pb2 as ledger_api
from paymesh.trade.v1 import trade_pb2, trade_service_pb2 as trade_api
from servers.stack import traces
from tests.e2e.conftest import eventually


def topup(rest, member: str, amount: int, context_id: str | None = None):
    headers = {"x-context-id": context_id} if context_id else {}
    r = rest.post(f"/v1/ledger/wallets/{member}:topUp", headers=headers,
                  json={"request_id": f"topup-{member}-{amount}", "amount": {"currency_code": "EUR", "amount_minor": str(amount)}})
    assert r.status_code == 200, r.text
    return r


def order_body(merchant: str, out_trade_no: str, member: str, amount: int = 1999, **extra) -> dict:
    return {"merchant_id": merchant, "out_trade_no": out_trade_no, "product_code": "DIGITAL_GOODS", "subject": "Tea",
            "amount": {"currency_code": "EUR", "amount_minor": str(amount)}, "payer_member_id": member, **extra}


async def test_rest_payment_flow_is_paid_by_event_with_one_context_id_everywhere(rest, ids, pg, env):
    ctx, member, merchant = ids("ctx"), ids("mem"), ids("mch")
    topup(rest, member, 5000, ctx)
    created = rest.post("/v1/orders", json=order_body(merchant, ids("no"), member), headers={"x-context-id": ctx})
    assert created.status_code == 200, created.text
    assert created.headers["x-context-id"] == ctx
    order = created.json()["order"]
    assert order["state"] == "ORDER_STATE_WAIT_PAY" and order["amount"]["amountMinor"] == "1999"

    paid = rest.post(f"/v1/orders/{order['orderId']}:pay", headers={"x-context-id": ctx},
                     json={"request_id": "attempt-1", "method": "PAY_METHOD_BALANCE"})
    assert paid.status_code == 200, paid.text
    assert paid.json()["paymentState"] == "PAYMENT_STATE_SUCCEEDED"

    async def is_paid():
        return rest.get(f"/v1/orders/{order['orderId']}").json()["order"]["state"] == "ORDER_STATE_PAID"
    assert await eventually(is_paid)

    # The context id is stored on the order, the payment and every ledger row of the flow.
    assert await pg.fetchval("SELECT context_id FROM trade.orders WHERE order_id = $1", order["orderId"]) == ctx
    assert await pg.fetchval("SELECT context_id FROM payment.payments WHERE order_id = $1", order["orderId"]) == ctx
    rows = await pg.fetch("SELECT t.context_id, e.context_id AS entry_ctx FROM ledger.transfers t JOIN ledger.entries e USING (transfer_id)"
                          " WHERE t.order_id = $1", order["orderId"])
    assert rows and {r["context_id"] for r in rows} == {r["entry_ctx"] for r in rows} == {ctx}
    assert await pg.fetchval("SELECT context_id FROM payment.outbox WHERE payload->>'order_id' = $1", order["orderId"]) == ctx

    # Money moved: wallet 5000 → 3001, merchant pending settlement +1999, ledger balanced.
    transfers = rest.get("/v1/ledger/transfers", params={"context_id": ctx}).json()["transfers"]
    assert sorted((t["businessCode"], t["amount"]["amountMinor"]) for t in transfers) == [("PAYMENT", "1999"), ("TOPUP", "5000")]
    verify = rest.post("/v1/ledger:verify", json={}).json()
    assert verify["ok"], verify

    # One trace holds Envoy, trade, payment and ledger spans of the pay request, all under the context id.
    home = Path(env["PAYMESH_HOME"]) / "traces"
    wanted = {"paymesh-envoy", "paymesh-trade", "paymesh-payment", "paymesh-ledger"}

    async def one_trace_with_every_hop():
        by_trace: dict[str, set[str]] = {}
        for span in traces.flow(traces.load_spans(home), ctx):
            by_trace.setdefault(span["trace_id"], set()).add(span["service"])
        return by_trace if any(wanted <= services for services in by_trace.values()) else None

    by_trace = await eventually(one_trace_with_every_hop, timeout_s=20, interval_s=0.3)
    assert by_trace, "no trace holds Envoy, trade, payment and ledger spans"
    spans = traces.flow(traces.load_spans(home), ctx)
    pay_trace = next(t for t, s in by_trace.items() if "paymesh-ledger" in s and "paymesh-payment" in s)
    untagged = [(s["service"], s["name"]) for s in spans if s["trace_id"] == pay_trace and s["attributes"].get("paymesh.context_id") != ctx]
    assert not untagged

    # The CLI prints the same tree.
    out = subprocess.run([sys.executable, "-m", "clients.cli", "trace", ctx], capture_output=True, text=True,
                         env={**os.environ, **env}, timeout=30)
    assert out.returncode == 0, out.stderr
    for service in ("paymesh-envoy", "paymesh-trade", "paymesh-payment", "paymesh-ledger"):
        assert service in out.stdout


async def test_grpc_through_envoy_create_order_is_idempotent_and_conflicts_are_clear(via_envoy, ids):
    request = trade_api.CreateOrderRequest(merchant_id=ids("mch"), out_trade_no=ids("no"), product_code="P1", subject="s",
                                           amount={"currency_code": "EUR", "amount_minor": 100}, payer_member_id=ids("mem"))
    first, second = await asyncio.gather(via_envoy.trade.CreateOrder(request), via_envoy.trade.CreateOrder(request))
    assert first.order.order_id == second.order.order_id
    request.amount.amount_minor = 101
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await via_envoy.trade.CreateOrder(request)
    assert err.value.code() == grpc.StatusCode.ALREADY_EXISTS and error_reason(err.value) == "OUT_TRADE_NO_REUSED"


async def test_grpc_pay_with_insufficient_funds_fails_cleanly_and_reopens_the_order(via_envoy, ids):
    member = ids("mem")
    await via_envoy.ledger.TopUpWallet(ledger_api.TopUpWalletRequest(request_id=ids("r"), member_id=member,
                                                                      amount={"currency_code": "EUR", "amount_minor": 50}))
    order = (await via_envoy.trade.CreateOrder(trade_api.CreateOrderRequest(
        merchant_id=ids("mch"), out_trade_no=ids("no"), product_code="P1", subject="s",
        amount={"currency_code": "EUR", "amount_minor": 100}, payer_member_id=member))).order
    reply = await via_envoy.trade.PayOrder(trade_api.PayOrderRequest(order_id=order.order_id, request_id="a1",
                                                                      method=trade_pb2.PAY_METHOD_BALANCE))
    assert reply.payment_state == "PAYMENT_STATE_FAILED" and reply.failure_reason == "INSUFFICIENT_FUNDS"
    assert reply.order.state == trade_pb2.ORDER_STATE_WAIT_PAY
    again = await via_envoy.trade.PayOrder(trade_api.PayOrderRequest(order_id=order.order_id, request_id="a1",
                                                                      method=trade_pb2.PAY_METHOD_BALANCE))
    assert again.payment_id == reply.payment_id  # the same attempt, not a second payment


async def test_paying_an_expired_order_is_gone(rest, via_envoy, ids):
    member = ids("mem")
    order = rest.post("/v1/orders", json=order_body(ids("mch"), ids("no"), member, expire_seconds="1")).json()["order"]
    await asyncio.sleep(1.2)
    r = rest.post(f"/v1/orders/{order['orderId']}:pay", json={"request_id": "late", "method": "PAY_METHOD_BALANCE"})
    assert r.status_code == 410, r.text
    assert r.headers["content-type"].startswith("application/json")
    assert r.json()["details"][0]["reason"] == "ORDER_EXPIRED"
    with pytest.raises(grpc.aio.AioRpcError) as err:
        await via_envoy.trade.PayOrder(trade_api.PayOrderRequest(order_id=order["orderId"], request_id="late2", method=1))
    assert err.value.code() == grpc.StatusCode.FAILED_PRECONDITION and error_reason(err.value) == "ORDER_EXPIRED"
    assert rest.get(f"/v1/orders/{order['orderId']}").json()["order"]["state"] == "ORDER_STATE_CLOSED"
