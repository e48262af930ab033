"""Card payments through the payment engine: the channel tool submits to the channel's async
front, the verdict comes back as a channel event, the engine books channel clearing → merchant
and finishes the plan — or compensates the balance part of a combination when the card fails."""
from __future__ import annotations

import pytest

from paymesh.channel.v1 import channel_pb2 as pb
from tests.e2e.conftest import payment_outcome as _final, simulated_channel

CARD = {"card_no_ticket": "P_test_card_ticket", "card_org": "VISA", "card_bin": "411111", "card_last4": "1111",
        "expiry_month": 12, "expiry_year": 2030}


def _money(amount: int) -> dict:
    return {"currency_code": "EUR", "amount_minor": str(amount)}


@pytest.fixture
async def merchant(via_envoy, stack, ids):
    """A fresh merchant routed to a fresh simulated channel (amounts ending in 51 are declined "05")."""
    merchant = ids("mch")
    await simulated_channel(via_envoy, stack, ids, [pb.RoutingConditions(merchant_ids=[merchant])])
    return merchant


def _pay(rest, ids, merchant: str, member: str, amount: int, parts: list | None = None) -> dict:
    body = {"request_id": ids("r"), "order_id": ids("ord"), "merchant_id": merchant, "payer_member_id": member,
            "amount": _money(amount), "method": "PAYMENT_METHOD_CARD_NON_3DS", "card": CARD}
    if parts:
        body["parts"] = parts
    r = rest.post("/v1/payments", json=body)
    assert r.status_code == 200, r.text
    return r.json()["payment"]


async def test_card_payment_succeeds_asynchronously_and_books_channel_clearing(rest, ids, merchant):
    started = _pay(rest, ids, merchant, ids("mem"), 1_000)
    assert started["state"] in ("PAYMENT_STATE_PROCESSING", "PAYMENT_STATE_SUCCEEDED")
    done = await _final(rest, started["paymentId"])
    assert done["state"] == "PAYMENT_STATE_SUCCEEDED" and done["instructions"][0]["instOrderId"]
    codes = sorted(t["businessCode"] for t in rest.get("/v1/ledger/transfers", params={"payment_id": done["paymentId"]}).json()["transfers"])
    assert codes == ["PAYMENT"]
    assert rest.post("/v1/ledger:verify", json={}).json()["ok"]


async def test_a_declined_card_fails_the_combination_and_reverses_the_balance_part(rest, ids, merchant):
    member = ids("mem")
    rest.post(f"/v1/ledger/wallets/{member}:topUp", json={"request_id": ids("f"), "amount": _money(1_000)}).raise_for_status()
    started = _pay(rest, ids, merchant, member, 951, parts=[  # card part 551: the simulator declines "05"
        {"method": "PAYMENT_METHOD_BALANCE", "amount": _money(400)}, {"method": "PAYMENT_METHOD_CARD_NON_3DS", "amount": _money(551)}])
    done = await _final(rest, started["paymentId"])
    assert done["state"] == "PAYMENT_STATE_FAILED"
    assert [i["state"] for i in done["instructions"]] == ["INSTRUCTION_STATE_COMPENSATED", "INSTRUCTION_STATE_FAILED"]
    wallet = rest.post(f"/v1/ledger/wallets/{member}:topUp", json={"request_id": ids("p"), "amount": _money(1)}).json()["wallet"]
    assert wallet["balance"]["available"]["amountMinor"] == "1001"  # the 400 came back
    assert rest.post("/v1/ledger:verify", json={}).json()["ok"]


def test_a_card_part_without_a_card_is_a_clear_400(rest, ids):
    r = rest.post("/v1/payments", json={"request_id": ids("r"), "order_id": "ord_x", "merchant_id": "m1", "payer_member_id": "mem1",
                                       "amount": _money(100), "method": "PAYMENT_METHOD_CARD_NON_3DS"})
    assert r.status_code == 400 and r.json()["details"][0]["reason"] == "CARD_REQUIRED"


async def test_a_card_payment_is_refunded_through_the_channel_in_parts(rest, ids, merchant):
    from tests.e2e.conftest import eventually, transfers_of

    paid = await _final(rest, _pay(rest, ids, merchant, ids("mem"), 1_000)["paymentId"])
    assert paid["state"] == "PAYMENT_STATE_SUCCEEDED"
    refunds = [rest.post(f"/v1/payments/{paid['paymentId']}/refunds", json={"request_id": ids("rf"), "amount": _money(n)})
               for n in (300, 700)]
    assert all(r.status_code == 200 for r in refunds), [r.text for r in refunds]

    async def settled():
        states = [rest.get(f"/v1/payments/{r.json()['refund']['paymentId']}").json()["payment"]["state"] for r in refunds]
        return states if all(s != "PAYMENT_STATE_PROCESSING" for s in states) else None
    assert await eventually(settled, 30) == ["PAYMENT_STATE_SUCCEEDED"] * 2
    over = rest.post(f"/v1/payments/{paid['paymentId']}/refunds", json={"request_id": ids("rf"), "amount": _money(1)})
    assert over.status_code == 400 and "REFUND_EXCEEDS_PAID" in over.text
    payment = rest.get(f"/v1/payments/{paid['paymentId']}").json()["payment"]
    assert sorted((r["source"], r["state"], r["amount"]["amountMinor"]) for r in payment["channelRefunds"]) == [
        ("REFUND", "SUCCEEDED", "300"), ("REFUND", "SUCCEEDED", "700")]
    booked = sorted((t["businessCode"], t["amount"]["amountMinor"]) for t in transfers_of(rest, paid["paymentId"]))
    assert ("REFUND", "300") in booked and ("REFUND", "700") in booked  # merchant pending → channel clearing
    for r in refunds:  # each refund's own transfers are found by its id
        rid = r.json()["refund"]["paymentId"]
        assert rest.get("/v1/ledger/transfers", params={"refund_id": rid}).json().get("transfers"), rid
    assert rest.post("/v1/ledger:verify", json={}).json()["ok"]
