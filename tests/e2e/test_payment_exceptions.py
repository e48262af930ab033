"""Exception cases of the payment engine through Envoy, injected by the channel simulator's
magic amounts (amount % 100): 72 partial capture (half), 71 wrong amount (one less), 63 the
result notified twice, 64 SUCCESS then a stale PENDING (out of order); and a second payment of
an already paid order. Each ends with the ledger verify passing."""
from __future__ import annotations

import asyncio

from tests.e2e import test_payment_cards as cards
from tests.e2e.conftest import payment_outcome, transfers_of as _transfers

_money, _pay = cards._money, cards._pay
merchant = cards.merchant  # the fixture: a fresh merchant routed to a fresh simulated channel with magic amounts

SETTLED = ("PAYMENT_STATE_SUCCEEDED", "PAYMENT_STATE_FAILED", "PAYMENT_STATE_REVIEW")


async def _settled(rest, payment_id: str) -> dict:
    return await payment_outcome(rest, payment_id, SETTLED)


def _verify_ok(rest) -> None:
    assert rest.post("/v1/ledger:verify", json={}).json()["ok"]


async def test_a_partial_capture_holds_the_payment_in_review_and_books_only_what_was_captured(rest, ids, merchant):
    started = _pay(rest, ids, merchant, ids("mem"), 1_072)  # the simulator captures half
    done = await _settled(rest, started["paymentId"])
    assert done["state"] == "PAYMENT_STATE_REVIEW" and done["reviewReason"] == "PARTIAL_CAPTURE"
    assert done["captured"]["amountMinor"] == "536" and done["instructions"][0]["state"] == "INSTRUCTION_STATE_SUCCEEDED"
    booked = [(t["businessCode"], t["amount"]["amountMinor"]) for t in _transfers(rest, done["paymentId"])]
    assert booked == [("PAYMENT", "536")]  # the merchant gets what was captured, no fee while in review
    trail = rest.get(f"/v1/payments/{done['paymentId']}/trail").json()
    assert trail["payment"]["state"] == "PAYMENT_STATE_REVIEW" and len(trail["transfers"]) == 1
    assert [o["instOrderId"] for o in trail["instOrders"]] == [done["instructions"][0]["instOrderId"]]
    assert trail["instOrders"][0]["settledAmount"]["amountMinor"] == "536"
    _verify_ok(rest)


async def test_a_wrong_amount_holds_the_payment_in_review(rest, ids, merchant):
    done = await _settled(rest, _pay(rest, ids, merchant, ids("mem"), 1_071)["paymentId"])  # one less captured
    assert done["state"] == "PAYMENT_STATE_REVIEW" and done["captured"]["amountMinor"] == "1070"
    assert [t["amount"]["amountMinor"] for t in _transfers(rest, done["paymentId"])] == ["1070"]
    _verify_ok(rest)


async def test_duplicated_and_out_of_order_notifications_book_once_and_never_move_back(rest, ids, merchant):
    payments = [_pay(rest, ids, merchant, ids("mem"), amount)["paymentId"] for amount in (1_063, 1_064)]
    for payment_id in payments:
        assert (await _settled(rest, payment_id))["state"] == "PAYMENT_STATE_SUCCEEDED"
    await asyncio.sleep(1.0)  # let the second (duplicated or stale) notification arrive
    for payment_id in payments:
        assert rest.get(f"/v1/payments/{payment_id}").json()["payment"]["state"] == "PAYMENT_STATE_SUCCEEDED"
        assert [t["businessCode"] for t in _transfers(rest, payment_id)] == ["PAYMENT"]
    _verify_ok(rest)


async def test_a_second_payment_of_a_paid_order_is_refunded_automatically(rest, ids):
    member, order = ids("mem"), ids("ord")
    rest.post(f"/v1/ledger/wallets/{member}:topUp", json={"request_id": ids("f"), "amount": _money(1_000)}).raise_for_status()
    body = {"order_id": order, "merchant_id": ids("mch"), "payer_member_id": member, "amount": _money(300),
            "method": "PAYMENT_METHOD_BALANCE"}
    first, second = (rest.post("/v1/payments", json={**body, "request_id": ids("r")}).json()["payment"] for _ in range(2))
    assert first["state"] == second["state"] == "PAYMENT_STATE_SUCCEEDED" and not first.get("duplicateOf")
    assert second["duplicateOf"] == first["paymentId"] and second["refunded"]["amountMinor"] == "300"
    wallet = rest.post(f"/v1/ledger/wallets/{member}:topUp", json={"request_id": ids("p"), "amount": _money(1)}).json()["wallet"]
    assert wallet["balance"]["available"]["amountMinor"] == "701"  # paid once
    assert sorted(t["businessCode"] for t in _transfers(rest, second["paymentId"])) == ["PAYMENT", "REFUND"]
    _verify_ok(rest)
