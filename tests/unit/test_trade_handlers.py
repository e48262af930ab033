"""Trade orders: idempotent creation, the pay saga and the PAID-by-event rule, with fakes."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from servers.kernel.errors import AlreadyExists, Expired, FailedPrecondition
from servers.kernel.money import Money
from servers.trade import handlers
from servers.trade.domain import OrderState
from tests.unit.fakes import FakeOrders, FakePayments


def cmd(**overrides) -> handlers.CreateOrder:
    base = dict(merchant_id="m1", out_trade_no="no-1", product_code="P1", subject="tea", amount=Money("EUR", 1999),
                payer_member_id="mem1", notify_url="", expire_seconds=0, context_id="ctx_1")
    return handlers.CreateOrder(**{**base, **overrides})


async def test_same_out_trade_no_returns_the_same_order_and_other_terms_are_refused():
    orders = FakeOrders()
    first = await handlers.create_order(orders, cmd())
    assert (await handlers.create_order(orders, cmd())).order_id == first.order_id
    with pytest.raises(AlreadyExists) as err:
        await handlers.create_order(orders, cmd(amount=Money("EUR", 2000)))
    assert err.value.reason == "OUT_TRADE_NO_REUSED"
    assert len(orders.orders) == 1 and first.context_id == "ctx_1"


async def test_paying_moves_to_paying_and_the_success_event_makes_it_paid_once():
    orders, payments = FakeOrders(), FakePayments()
    order = await handlers.create_order(orders, cmd())
    paid, result = await handlers.pay_order(orders, payments, order.order_id, "r1", 1, "")
    assert paid.state == OrderState.PAYING and result.state == "PAYMENT_STATE_SUCCEEDED"
    event = {"order_id": order.order_id, "payment_id": result.payment_id}
    await handlers.on_payment_event(orders, "payment.succeeded", event)
    await handlers.on_payment_event(orders, "payment.succeeded", event)  # duplicate delivery
    final = orders.orders[order.order_id]
    assert final.state == OrderState.PAID and final.payment_id == result.payment_id
    assert [e for e, _ in orders.events] == ["order.paid"]
    again, _ = await handlers.pay_order(orders, payments, order.order_id, "r1", 1, "")  # retry of the same attempt
    assert again.state == OrderState.PAID and len(payments.calls) == 1
    with pytest.raises(FailedPrecondition) as err:
        await handlers.pay_order(orders, payments, order.order_id, "r2", 1, "")
    assert err.value.reason == "ORDER_NOT_PAYABLE"


async def test_a_failed_payment_reopens_the_order():
    orders, payments = FakeOrders(), FakePayments("PAYMENT_STATE_FAILED", "INSUFFICIENT_FUNDS")
    order = await handlers.create_order(orders, cmd())
    after, result = await handlers.pay_order(orders, payments, order.order_id, "r1", 1, "")
    assert after.state == OrderState.WAIT_PAY and result.failure_reason == "INSUFFICIENT_FUNDS"


async def test_an_expired_order_is_closed_and_refused_with_gone():
    orders = FakeOrders()
    order = await handlers.create_order(orders, cmd())
    orders.orders[order.order_id] = dataclasses.replace(order, expire_time=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1))
    with pytest.raises(Expired) as err:
        await handlers.pay_order(orders, FakePayments(), order.order_id, "r1", 1, "")
    assert err.value.http_status == 410 and orders.orders[order.order_id].state == OrderState.CLOSED


async def test_refunds_move_a_paid_order_to_partially_then_fully_refunded_once_per_event():
    orders, payments = FakeOrders(), FakePayments()
    order = await handlers.create_order(orders, cmd())
    with pytest.raises(FailedPrecondition) as err:
        await handlers.refund_order(orders, payments, order.order_id, "rf0", Money("EUR", 1), "")
    assert err.value.reason == "ORDER_NOT_REFUNDABLE"
    _, result = await handlers.pay_order(orders, payments, order.order_id, "r1", 1, "")
    await handlers.on_payment_event(orders, "payment.succeeded", {"order_id": order.order_id, "payment_id": result.payment_id})
    _, refund = await handlers.refund_order(orders, payments, order.order_id, "rf1", Money("EUR", 999), "")
    await handlers.on_payment_event(orders, "payment.refunded", {"order_id": order.order_id, "payment_id": refund.payment_id,
                                                                 "amount_minor": 999})
    assert orders.orders[order.order_id].state == OrderState.PARTIALLY_REFUNDED
    await handlers.on_payment_event(orders, "payment.refunded", {"order_id": order.order_id, "payment_id": "rfd_2", "amount_minor": 1000})
    final = orders.orders[order.order_id]
    assert final.state == OrderState.REFUNDED and final.refunded_minor == 1999
    assert [e for e, _ in orders.events][-2:] == ["order.refunded", "order.refunded"]
