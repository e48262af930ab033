"""The payment engine through Envoy: versioned fee plans booked as fee income, partial refunds
back to the wallet, member transfers, and lookups by context id."""
from __future__ import annotations

from tests.e2e.conftest import eventually


def _post(rest, path: str, body: dict, ctx: str = "") -> dict:
    r = rest.post(path, json=body, headers={"x-context-id": ctx} if ctx else {})
    assert r.status_code == 200, r.text
    return r.json()


def _money(amount: int) -> dict:
    return {"currency_code": "EUR", "amount_minor": str(amount)}


def _available(rest, member: str) -> int:
    wallet = _post(rest, f"/v1/ledger/wallets/{member}:topUp", {"request_id": f"probe-{member}-{id(rest)}", "amount": _money(1)})
    return int(wallet["wallet"]["balance"]["available"]["amountMinor"]) - 1


async def test_fee_refund_and_transfer_flow(rest, ids):
    ctx, member, friend, merchant = ids("ctx"), ids("mem"), ids("mem"), ids("mch")
    plan = _post(rest, f"/v1/fee-plans/{merchant}", {"rules": [{"currency_code": "EUR", "percent_bps": 250, "fixed_minor": "30"}]})
    assert plan["plan"]["version"] == 1
    _post(rest, f"/v1/ledger/wallets/{member}:topUp", {"request_id": ids("fund"), "amount": _money(10_000)}, ctx)
    order = _post(rest, "/v1/orders", {"merchant_id": merchant, "out_trade_no": ids("no"), "product_code": "P1", "subject": "s",
                                       "amount": _money(2_000), "payer_member_id": member}, ctx)["order"]
    paid = _post(rest, f"/v1/orders/{order['orderId']}:pay", {"request_id": "a1", "method": "PAY_METHOD_BALANCE"}, ctx)
    payment = rest.get(f"/v1/payments/{paid['paymentId']}").json()["payment"]
    assert payment["fee"]["amountMinor"] == "80" and payment["feePlanVersion"] == 1  # 2.5 % of 2000 + 30
    assert [i["state"] for i in payment["instructions"]] == ["INSTRUCTION_STATE_SUCCEEDED"]
    codes = sorted(t["businessCode"] for t in rest.get("/v1/ledger/transfers", params={"payment_id": payment["paymentId"]}).json()["transfers"])
    assert codes == ["FEE", "PAYMENT"]

    refund = _post(rest, f"/v1/payments/{payment['paymentId']}/refunds", {"request_id": "rf1", "amount": _money(500)}, ctx)["refund"]
    assert refund["state"] == "PAYMENT_STATE_SUCCEEDED" and refund["fee"]["amountMinor"] == "20"
    too_much = rest.post(f"/v1/payments/{payment['paymentId']}/refunds", json={"request_id": "rf2", "amount": _money(1_501)})
    assert too_much.status_code == 400 and too_much.json()["details"][0]["reason"] == "REFUND_EXCEEDS_PAID"
    assert _available(rest, member) == 10_000 - 2_000 + 500

    moved = _post(rest, "/v1/member-transfers", {"request_id": ids("t"), "from_member_id": member, "to_member_id": friend,
                                                  "amount": _money(1_000)}, ctx)["payment"]
    assert moved["state"] == "PAYMENT_STATE_SUCCEEDED" and _available(rest, friend) == 1_000

    async def listed():
        kinds = {p["kind"] for p in rest.get("/v1/payments", params={"context_id": ctx}).json()["payments"]}
        return kinds == {"PAYMENT_KIND_ORDER", "PAYMENT_KIND_REFUND", "PAYMENT_KIND_TRANSFER"}
    assert await eventually(listed, timeout_s=2)
    assert rest.post("/v1/ledger:verify", json={}).json()["ok"]


async def test_one_hundred_identical_concurrent_pay_requests_charge_once(via_envoy, ids, rest):
    import asyncio

    from paymesh.ledger.v1 import ledger_service_pb2 as ledger_api
    from paymesh.trade.v1 import trade_pb2, trade_service_pb2 as trade_api

    member = ids("mem")
    await via_envoy.ledger.TopUpWallet(ledger_api.TopUpWalletRequest(request_id=ids("f"), member_id=member,
                                                                      amount={"currency_code": "EUR", "amount_minor": 10_000}))
    order = (await via_envoy.trade.CreateOrder(trade_api.CreateOrderRequest(
        merchant_id=ids("mch"), out_trade_no=ids("no"), product_code="P1", subject="s",
        amount={"currency_code": "EUR", "amount_minor": 700}, payer_member_id=member))).order
    request = trade_api.PayOrderRequest(order_id=order.order_id, request_id="same-attempt", method=trade_pb2.PAY_METHOD_BALANCE)
    replies = await asyncio.gather(*[via_envoy.trade.PayOrder(request) for _ in range(100)], return_exceptions=True)
    errors = [r for r in replies if isinstance(r, Exception)]
    assert not errors, errors[:3]
    assert {r.payment_id for r in replies} == {replies[0].payment_id}
    transfers = (await via_envoy.ledger.ListTransfers(ledger_api.ListTransfersRequest(order_id=order.order_id))).transfers
    assert [(t.business_code, t.amount.amount_minor) for t in transfers] == [("PAYMENT", 700)]
    assert rest.post("/v1/ledger:verify", json={}).json()["ok"]


async def test_order_refunds_through_trade_reach_partially_then_fully_refunded(rest, ids):
    member, merchant = ids("mem"), ids("mch")
    _post(rest, f"/v1/ledger/wallets/{member}:topUp", {"request_id": ids("fund"), "amount": _money(1_000)})
    order = _post(rest, "/v1/orders", {"merchant_id": merchant, "out_trade_no": ids("no"), "product_code": "P1", "subject": "s",
                                       "amount": _money(800), "payer_member_id": member})["order"]
    _post(rest, f"/v1/orders/{order['orderId']}:pay", {"request_id": "a1", "method": "PAY_METHOD_BALANCE"})

    def state():
        return rest.get(f"/v1/orders/{order['orderId']}").json()["order"]["state"]

    async def is_(expected):
        return state() == expected
    assert await eventually(lambda: is_("ORDER_STATE_PAID"))
    _post(rest, f"/v1/orders/{order['orderId']}:refund", {"request_id": "r1", "amount": _money(300), "reason": "damaged"})
    assert await eventually(lambda: is_("ORDER_STATE_PARTIALLY_REFUNDED"))
    over = rest.post(f"/v1/orders/{order['orderId']}:refund", json={"request_id": "r2", "amount": _money(501)})
    assert over.status_code == 400 and over.json()["details"][0]["reason"] == "REFUND_EXCEEDS_PAID"
    _post(rest, f"/v1/orders/{order['orderId']}:refund", {"request_id": "r3", "amount": _money(500)})
    assert await eventually(lambda: is_("ORDER_STATE_REFUNDED"))
    assert rest.get(f"/v1/orders/{order['orderId']}").json()["order"]["refunded"]["amountMinor"] == "800"
    assert _available(rest, member) == 1_000
