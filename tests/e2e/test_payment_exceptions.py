"""Exception cases of the payment engine through Envoy, injected by the channel simulator's
magic amounts (amount % 100): 72 partial capture (half), 71 wrong amount (one less), 73 over-capture
(one more), 63 the result notified twice, 64 SUCCESS then a stale PENDING (out of order); a second
payment of an already paid order (balance, or card: refunded through the channel); resolving a
REVIEW (accept / refund). Each ends with the ledger verify passing."""
from __future__ import annotations

import asyncio

from tests.e2e import test_payment_cards as cards
from tests.e2e.conftest import eventually, payment_outcome, transfers_of as _transfers

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


def _resolve(rest, payment_id: str, decision: str, request_id: str):
    return rest.post(f"/v1/payments/{payment_id}:resolveReview",
                     json={"request_id": request_id, "decision": decision, "operator_id": "ops_e2e", "note": "checked with the bank"})


async def _refunded(rest, payment_id: str, count: int = 1) -> dict:
    """The payment once its engine refunds reached the channel's verdict and were booked."""
    async def done():
        p = rest.get(f"/v1/payments/{payment_id}").json()["payment"]
        rows = p.get("channelRefunds", [])
        return p if len(rows) >= count and all(r["state"] in ("SUCCEEDED", "FAILED") for r in rows) else None
    result = await eventually(done, timeout_s=30, interval_s=0.2)
    assert result, rest.get(f"/v1/payments/{payment_id}").json()
    return result


async def test_a_partial_capture_is_not_accepted_and_refunding_it_gives_the_capture_back_through_the_channel(rest, ids, merchant):
    held = await _settled(rest, _pay(rest, ids, merchant, ids("mem"), 1_172)["paymentId"])
    assert held["state"] == "PAYMENT_STATE_REVIEW" and held["captured"]["amountMinor"] == "586"
    refused = _resolve(rest, held["paymentId"], "REVIEW_DECISION_ACCEPT", ids("rv"))
    assert refused.status_code == 400 and "REVIEW_NOT_ACCEPTABLE" in refused.text
    request_id = ids("rv")
    first = _resolve(rest, held["paymentId"], "REVIEW_DECISION_REFUND", request_id)
    assert first.status_code == 200, first.text
    again = _resolve(rest, held["paymentId"], "REVIEW_DECISION_REFUND", request_id).json()["payment"]  # idempotent
    assert again["state"] == "PAYMENT_STATE_FAILED" and again["failureReason"] == "REVIEW_REFUNDED"
    assert again["reviewResolution"] == "REFUND" and again["resolvedBy"] == "ops_e2e"
    done = await _refunded(rest, held["paymentId"])
    row = done["channelRefunds"][0]
    assert (row["source"], row["state"], row["amount"]["amountMinor"]) == ("REVIEW_REFUND", "SUCCEEDED", "586")
    booked = sorted((t["businessCode"], t["amount"]["amountMinor"]) for t in _transfers(rest, held["paymentId"]))
    assert booked == [("PAYMENT", "586"), ("REFUND", "586")]  # merchant pending → channel clearing
    assert _resolve(rest, held["paymentId"], "REVIEW_DECISION_ACCEPT", ids("rv")).status_code == 400  # decided once
    _verify_ok(rest)


async def test_accepting_an_over_capture_pays_the_order_amount_and_refunds_the_excess_out_of_suspense(rest, ids, merchant):
    held = await _settled(rest, _pay(rest, ids, merchant, ids("mem"), 1_073)["paymentId"])  # the channel captures one more
    assert held["state"] == "PAYMENT_STATE_REVIEW" and held["reviewReason"] == "AMOUNT_MISMATCH"
    accepted = _resolve(rest, held["paymentId"], "REVIEW_DECISION_ACCEPT", ids("rv"))
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["payment"]["state"] == "PAYMENT_STATE_SUCCEEDED"
    done = await _refunded(rest, held["paymentId"])
    assert [(r["source"], r["state"], r["amount"]["amountMinor"]) for r in done["channelRefunds"]] == [
        ("REVIEW_EXCESS", "SUCCEEDED", "1")]
    booked = {(t["businessCode"], t["amount"]["amountMinor"]) for t in _transfers(rest, held["paymentId"])}
    assert {("PAYMENT", "1073"), ("OVER_CAPTURE", "1"), ("SUSPENSE_REFUND", "1")} <= booked
    _verify_ok(rest)


async def test_a_duplicate_card_payment_of_a_paid_order_is_refunded_through_the_channel(rest, ids, merchant):
    member, order = ids("mem"), ids("ord")
    rest.post(f"/v1/ledger/wallets/{member}:topUp", json={"request_id": ids("f"), "amount": _money(2_000)}).raise_for_status()
    body = {"order_id": order, "merchant_id": merchant, "payer_member_id": member, "amount": _money(1_000)}
    first = rest.post("/v1/payments", json={**body, "request_id": ids("r"), "method": "PAYMENT_METHOD_BALANCE"}).json()["payment"]
    assert first["state"] == "PAYMENT_STATE_SUCCEEDED"
    card = rest.post("/v1/payments", json={**body, "request_id": ids("r"), "method": "PAYMENT_METHOD_CARD_NON_3DS", "card": cards.CARD})
    assert card.status_code == 200, card.text
    done = await _refunded(rest, card.json()["payment"]["paymentId"])
    assert done["duplicateOf"] == first["paymentId"] and done["refunded"]["amountMinor"] == "1000"
    assert [(r["source"], r["state"], r["amount"]["amountMinor"]) for r in done["channelRefunds"]] == [("DUPLICATE", "SUCCEEDED", "1000")]
    assert ("REFUND", "1000") in {(t["businessCode"], t["amount"]["amountMinor"]) for t in _transfers(rest, done["paymentId"])}
    _verify_ok(rest)


async def test_a_reviewed_order_payment_is_paid_on_accept_or_reopened_on_refund(rest, ids, merchant):
    from tests.e2e import test_trade_cards as trade_cards
    from tests.e2e.test_trade_cashier_risk import member

    mem = member(rest, ids)
    card = rest.post(f"/v1/members/{mem}/cards", json={"request_id": ids("req"), "card_no": trade_cards.PAN, "holder_name": "Ann Smith",
                                                       "cvv2": "123", "expiry_month": 12, "expiry_year": 2030}).json()["card"]
    outcomes = {}
    for amount, decision in ((1_273, "REVIEW_DECISION_ACCEPT"), (1_272, "REVIEW_DECISION_REFUND")):
        order_id, paid = trade_cards._pay(rest, ids, merchant, mem, card["cardId"], amount)
        held = await _settled(rest, paid["paymentId"])
        assert held["state"] == "PAYMENT_STATE_REVIEW"
        assert rest.get(f"/v1/orders/{order_id}").json()["order"]["state"] == "ORDER_STATE_PAYING"  # trade waits for operations
        assert _resolve(rest, paid["paymentId"], decision, ids("rv")).status_code == 200
        outcomes[decision] = order_id
    await trade_cards._state(rest, outcomes["REVIEW_DECISION_ACCEPT"], "ORDER_STATE_PAID")
    await trade_cards._state(rest, outcomes["REVIEW_DECISION_REFUND"], "ORDER_STATE_WAIT_PAY")  # the payer may pay again
    _verify_ok(rest)
