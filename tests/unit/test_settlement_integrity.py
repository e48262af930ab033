"""The integrity monitor's order check (clients/integrity.py), on plain protos: recorded exceptions
(duplicates) are understood, real inconsistencies are named with their ids."""
from __future__ import annotations

from clients import integrity
from paymesh.payment.v1 import payment_pb2 as ppb
from paymesh.trade.v1 import trade_pb2 as tpb


def order(state=tpb.ORDER_STATE_PAID, amount=1_000, refunded=0) -> tpb.Order:
    return tpb.Order(order_id="ord1", merchant_id="m1", state=state, amount={"currency_code": "EUR", "amount_minor": amount},
                     refunded={"currency_code": "EUR", "amount_minor": refunded})


def pay(pid, kind=ppb.PAYMENT_KIND_ORDER, state=ppb.PAYMENT_STATE_SUCCEEDED, amount=1_000, **kw) -> ppb.Payment:
    return ppb.Payment(payment_id=pid, order_id="ord1", kind=kind, state=state, amount={"currency_code": "EUR", "amount_minor": amount}, **kw)


def test_a_paid_order_with_one_payment_and_a_recorded_duplicate_is_fine():
    assert integrity.check_order(order(), [pay("p1"), pay("p2", duplicate_of="p1"), pay("p3", state=ppb.PAYMENT_STATE_FAILED)]) == []


def test_refunds_must_match_the_order_state_and_amount():
    refund = pay("r1", kind=ppb.PAYMENT_KIND_REFUND, amount=400, original_payment_id="p1")
    assert integrity.check_order(order(tpb.ORDER_STATE_PARTIALLY_REFUNDED, refunded=400), [pay("p1"), refund]) == []
    problems = integrity.check_order(order(tpb.ORDER_STATE_PAID), [pay("p1"), refund])
    assert any("add up to 400" in p for p in problems) and any("ORDER_STATE_PARTIALLY_REFUNDED" in p for p in problems)


def test_two_successful_payments_or_a_paid_unpaid_order_are_named():
    assert integrity.check_order(order(), [pay("p1"), pay("p2")]) == [
        "order ord1 is ORDER_STATE_PAID with 2 successful payments (p1, p2)"]
    assert integrity.check_order(order(tpb.ORDER_STATE_CLOSED), [pay("p1")]) == [
        "order ord1 is ORDER_STATE_CLOSED but payment(s) p1 succeeded"]
    assert "none" in integrity.check_order(order(), [])[0]


def test_report_renders_ok_and_fail_lines():
    ok, bad = integrity.Check("orders", 3), integrity.Check("ledger", 1, ["trial balance off"])
    text = integrity.Report([ok, bad]).render()
    assert "OK    orders" in text and "FAIL  ledger" in text and "- trial balance off" in text and text.endswith("integrity FAILED")
