"""The channel-backed payment forms through Envoy (REST): a top-up credits the member's wallet
from a card once the channel confirms; a withdrawal holds wallet → channel clearing, pays out
through the channel, and posts the hold on SUCCESS or voids it on FAIL. The ledger verifies after each."""
from __future__ import annotations

import pytest

from paymesh.channel.v1 import channel_pb2 as pb
from tests.e2e.conftest import payment_outcome as _final, simulated_channel, transfers_of as _transfers

CARD = {"card_no_ticket": "P_test_card_ticket", "card_org": "VISA", "card_bin": "411111", "card_last4": "1111",
        "expiry_month": 12, "expiry_year": 2030}


def _money(amount: int) -> dict:
    return {"currency_code": "EUR", "amount_minor": str(amount)}


@pytest.fixture
async def member(via_envoy, stack, ids):
    """A fresh member, and a fresh simulated channel taking the platform's top-ups and this member's payouts."""
    member = ids("mem")
    await simulated_channel(via_envoy, stack, ids, [pb.RoutingConditions(merchant_ids=["platform_topup"]),
                                                    pb.RoutingConditions(member_ids=[member])], payouts=True)
    return member


def _wallet(rest, member: str) -> dict:
    accounts = rest.get("/v1/ledger/accounts", params={"owner_type": "OWNER_TYPE_MEMBER", "owner_id": member}).json().get("accounts", [])
    wallets = [a for a in accounts if a["accountType"] == "ACCOUNT_TYPE_MEMBER_WALLET"]
    balance = wallets[0]["balance"] if wallets else {}
    return {k: int(balance.get(k, 0)) for k in ("creditsPostedMinor", "debitsPostedMinor", "debitsPendingMinor")} | {
        "available": int(balance.get("available", {}).get("amountMinor", 0))}


def _fund(rest, ids, member: str, amount: int) -> None:
    rest.post(f"/v1/ledger/wallets/{member}:topUp", json={"request_id": ids("f"), "amount": _money(amount)}).raise_for_status()


def _verified(rest) -> bool:
    return rest.post("/v1/ledger:verify", json={}).json()["ok"]


def _top_up(rest, ids, member: str, amount: int) -> dict:
    r = rest.post("/v1/topups", json={"request_id": ids("r"), "member_id": member, "amount": _money(amount),
                                      "method": "PAYMENT_METHOD_CARD_NON_3DS", "card": CARD})
    assert r.status_code == 200, r.text
    return r.json()["payment"]


def _withdraw(rest, ids, member: str, amount: int) -> dict:
    r = rest.post("/v1/withdrawals", json={"request_id": ids("r"), "member_id": member, "amount": _money(amount),
                                           "bank_account_ticket": "B_test_iban_ticket"})
    assert r.status_code == 200, r.text
    return r.json()["payment"]


async def test_a_top_up_credits_the_wallet_once_the_channel_confirms(rest, ids, member):
    started = _top_up(rest, ids, member, 1_000)
    assert started["kind"] == "PAYMENT_KIND_TOP_UP" and started["merchantId"] == "platform_topup"
    done = await _final(rest, started["paymentId"])
    assert done["state"] == "PAYMENT_STATE_SUCCEEDED" and done["instructions"][0]["instOrderId"]
    assert [t["businessCode"] for t in _transfers(rest, done["paymentId"])] == ["TOP_UP"]  # no fee
    assert _wallet(rest, member)["available"] == 1_000
    assert _verified(rest)


async def test_a_top_up_is_not_refunded_to_the_card(rest, ids, member):
    done = await _final(rest, _top_up(rest, ids, member, 400)["paymentId"])
    assert done["state"] == "PAYMENT_STATE_SUCCEEDED"
    r = rest.post(f"/v1/payments/{done['paymentId']}/refunds", json={"request_id": ids("r"), "amount": _money(100)})
    assert r.status_code == 400 and "TOPUP_NOT_REFUNDABLE" in r.text  # the member withdraws the balance instead


def test_a_payment_refused_synchronously_reopens_the_trade_order(rest, ids):
    from tests.e2e.test_skeleton_flow import order_body

    mem = ids("mem")
    _fund(rest, ids, mem, 5_000)
    order = rest.post("/v1/orders", json=order_body(ids("mch"), ids("no"), mem, amount=300)).json()["order"]
    refused = rest.post(f"/v1/orders/{order['orderId']}:pay", json={"request_id": "p1", "method": "PAY_METHOD_BANK_TRANSFER"})
    assert refused.status_code == 400 and "CARD_REQUIRED" in refused.text  # payment refused it: no instrument for the channel
    assert rest.get(f"/v1/orders/{order['orderId']}").json()["order"]["state"] == "ORDER_STATE_WAIT_PAY"
    paid = rest.post(f"/v1/orders/{order['orderId']}:pay", json={"request_id": "p2", "method": "PAY_METHOD_BALANCE"})
    assert paid.status_code == 200, paid.text


async def test_a_declined_top_up_leaves_the_wallet_unchanged(rest, ids, member):
    _fund(rest, ids, member, 100)
    done = await _final(rest, _top_up(rest, ids, member, 551)["paymentId"])  # the simulator declines "05"
    assert done["state"] == "PAYMENT_STATE_FAILED" and done["failureReason"] == "DECLINED"
    assert _transfers(rest, done["paymentId"]) == [] and _wallet(rest, member)["available"] == 100
    assert _verified(rest)


async def test_a_withdrawal_holds_then_posts_on_the_payouts_success(rest, ids, member):
    _fund(rest, ids, member, 1_000)
    started = _withdraw(rest, ids, member, 600)
    assert started["kind"] == "PAYMENT_KIND_WITHDRAW" and started["state"] in ("PAYMENT_STATE_PROCESSING", "PAYMENT_STATE_SUCCEEDED")
    done = await _final(rest, started["paymentId"])
    assert done["state"] == "PAYMENT_STATE_SUCCEEDED"
    [hold] = _transfers(rest, done["paymentId"])
    assert hold["pending"] and hold["state"] == "TRANSFER_STATE_POSTED" and hold["businessCode"] == "WITHDRAWAL"
    assert _wallet(rest, member) == {"creditsPostedMinor": 1_000, "debitsPostedMinor": 600, "debitsPendingMinor": 0, "available": 400}
    assert _verified(rest)


async def test_a_withdrawal_beyond_the_balance_fails_at_once(rest, ids, member):
    _fund(rest, ids, member, 100)
    done = _withdraw(rest, ids, member, 600)
    assert done["state"] == "PAYMENT_STATE_FAILED" and done["failureReason"] == "INSUFFICIENT_FUNDS"
    assert not done["instructions"][0].get("instOrderId") and _transfers(rest, done["paymentId"]) == []
    assert _wallet(rest, member)["available"] == 100
    assert _verified(rest)


async def test_a_declined_withdrawal_voids_the_hold(rest, ids, member):
    _fund(rest, ids, member, 1_000)
    done = await _final(rest, _withdraw(rest, ids, member, 551)["paymentId"])  # the simulator declines "05"
    assert done["state"] == "PAYMENT_STATE_FAILED" and done["failureReason"] == "DECLINED"
    [hold] = _transfers(rest, done["paymentId"])
    assert hold["state"] == "TRANSFER_STATE_VOIDED"
    assert _wallet(rest, member) == {"creditsPostedMinor": 1_000, "debitsPostedMinor": 0, "debitsPendingMinor": 0, "available": 1_000}
    assert _verified(rest)
