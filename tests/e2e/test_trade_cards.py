"""Saved cards pay orders through Envoy: the card is a UES ticket (never a PAN in trade's schema),
payment runs it through a simulated channel asynchronously, the payment event settles the order:
PAID on success, back to WAIT_PAY on a decline."""
from __future__ import annotations

import re

import pytest

from paymesh.channel.v1 import channel_pb2 as pb
from tests.e2e.conftest import eventually, simulated_channel
from tests.e2e.test_skeleton_flow import order_body
from tests.e2e.test_trade_cashier_risk import member, reason

PAN = "4111111111111111"


@pytest.fixture
async def merchant(via_envoy, stack, ids):
    """A fresh merchant routed to a fresh simulated channel (amounts ending in 51 are declined "05")."""
    merchant = ids("mch")
    await simulated_channel(via_envoy, stack, ids, [pb.RoutingConditions(merchant_ids=[merchant])])
    return merchant


@pytest.fixture
def payer(rest, ids) -> tuple[str, dict]:
    mem = member(rest, ids)
    r = rest.post(f"/v1/members/{mem}/cards", json={"request_id": ids("req"), "card_no": PAN, "holder_name": "Ann Smith",
                                                    "cvv2": "123", "expiry_month": 12, "expiry_year": 2030})
    assert r.status_code == 200 and PAN not in r.text, r.text
    return mem, r.json()["card"]


def _pay(rest, ids, merchant: str, mem: str, card_id: str, amount: int) -> tuple[str, dict]:
    order = rest.post("/v1/orders", json=order_body(merchant, ids("no"), mem, amount=amount)).json()["order"]
    r = rest.post(f"/v1/orders/{order['orderId']}:pay",
                  json={"request_id": ids("a"), "method": "PAY_METHOD_CARD_NON_3DS", "card_id": card_id})
    assert r.status_code == 200, r.text
    return order["orderId"], r.json()


async def _state(rest, order_id: str, wanted: str) -> dict:
    async def reached():
        o = rest.get(f"/v1/orders/{order_id}").json()
        return o if o["order"]["state"] == wanted else None
    found = await eventually(reached, timeout_s=45, interval_s=0.2)
    assert found, rest.get(f"/v1/orders/{order_id}").json()
    return found


async def test_a_saved_card_pays_the_order_asynchronously(rest, ids, merchant, payer):
    mem, card = payer
    assert (card["expiryMonth"], card["expiryYear"], card["maskedCardNo"]) == (12, 2030, "411111******1111")
    order_id, paid = _pay(rest, ids, merchant, mem, card["cardId"], 1_000)
    assert paid["paymentState"] in ("PAYMENT_STATE_PROCESSING", "PAYMENT_STATE_SUCCEEDED")
    assert paid["order"]["state"] in ("ORDER_STATE_PAYING", "ORDER_STATE_PAID")
    done = await _state(rest, order_id, "ORDER_STATE_PAID")
    assert done["order"]["paymentId"] == paid["paymentId"]
    payment = rest.get(f"/v1/payments/{paid['paymentId']}").json()["payment"]
    assert payment["state"] == "PAYMENT_STATE_SUCCEEDED" and PAN not in str(payment)


async def test_a_declined_card_reopens_the_order(rest, ids, merchant, payer):
    mem, card = payer
    order_id, started = _pay(rest, ids, merchant, mem, card["cardId"], 551)
    reopened = await _state(rest, order_id, "ORDER_STATE_WAIT_PAY")
    attempt = next(p for p in reopened["payments"] if p["paymentId"] == started["paymentId"])
    assert attempt["state"] == "PAYMENT_STATE_FAILED"


def test_a_card_method_without_a_card_is_a_clear_400(rest, ids):
    mem = member(rest, ids, password=None)
    order = rest.post("/v1/orders", json=order_body(ids("mch"), ids("no"), mem, amount=500)).json()["order"]
    r = rest.post(f"/v1/orders/{order['orderId']}:pay", json={"request_id": ids("a"), "method": "PAY_METHOD_CARD_NON_3DS"})
    assert r.status_code == 400 and reason(r) == "CARD_REQUIRED"
    assert rest.get(f"/v1/orders/{order['orderId']}").json()["order"]["state"] == "ORDER_STATE_WAIT_PAY"


async def test_the_card_number_is_a_ues_ticket_never_in_trades_schema(rest, pg, payer):
    mem, card = payer
    assert re.fullmatch(r"P[0-9a-f]{32}", card["cardNoTicket"])
    ticket = rest.get(f"/v1/ues/tickets/{card['cardNoTicket']}")
    assert ticket.status_code == 200 and ticket.json()["ticket"]["dataType"] == "card_no", ticket.text
    tables = [r["table_name"] for r in await pg.fetch(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'trade' AND table_type = 'BASE TABLE'")]
    assert "saved_cards" in tables
    for table in tables:
        hits = await pg.fetchval(f'SELECT count(*) FROM trade."{table}" t WHERE t::text LIKE $1', f"%{PAN}%")
        assert hits == 0, table
    row = await pg.fetchrow("SELECT card_no_ticket, digest, masked_card_no, expiry_month, expiry_year FROM trade.saved_cards"
                            " WHERE card_id = $1", card["cardId"])
    assert row["card_no_ticket"] == card["cardNoTicket"] and (row["expiry_month"], row["expiry_year"]) == (12, 2030)
