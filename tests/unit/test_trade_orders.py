"""Trade orders: the state machine, close, expiry sweep, AIP-158 listing and the risk gate, with fakes."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from servers.kernel.errors import FailedPrecondition, InvalidArgument, PermissionDenied
from servers.trade import handlers
from servers.trade.domain import TRANSITIONS, OrderState, check_transition
from servers.trade.ports import RiskVerdict
from tests.unit.fakes import FakeOrders, FakePayments
from tests.unit.test_trade_handlers import cmd

S = OrderState
LEGAL = {(S.WAIT_PAY, S.PAYING), (S.WAIT_PAY, S.CLOSED), (S.PAYING, S.PAID), (S.PAYING, S.WAIT_PAY), (S.PAID, S.PARTIALLY_REFUNDED),
         (S.PAID, S.REFUNDED), (S.PARTIALLY_REFUNDED, S.PARTIALLY_REFUNDED), (S.PARTIALLY_REFUNDED, S.REFUNDED)}


@pytest.mark.parametrize("source", list(S))
@pytest.mark.parametrize("target", list(S))
def test_state_machine_allows_exactly_the_documented_transitions(source, target):
    order = dataclasses.replace(_order(), state=source)
    if (source, target) in LEGAL:
        check_transition(order, target)
    else:
        with pytest.raises(FailedPrecondition) as err:
            check_transition(order, target)
        assert err.value.reason == "ILLEGAL_ORDER_TRANSITION"
    assert {(a, b) for a, targets in TRANSITIONS.items() for b in targets} == LEGAL


def _order():
    from servers.kernel.money import Money
    from servers.trade.domain import Order
    return Order("ord_1", "m1", "n1", "P", "s", Money("EUR", 1), "mem1", "", S.WAIT_PAY, dt.datetime.now(dt.timezone.utc))


async def test_close_is_idempotent_and_refused_once_paying():
    orders = FakeOrders()
    a = await handlers.create_order(orders, cmd(out_trade_no="a"))
    closed = await handlers.close_order(orders, a.order_id)
    assert closed.state == S.CLOSED and (await handlers.close_order(orders, a.order_id)).state == S.CLOSED
    assert [e for e, _ in orders.events] == ["order.closed"]
    b = await handlers.create_order(orders, cmd(out_trade_no="b"))
    await handlers.pay_order(orders, FakePayments(), b.order_id, "r1", 1, "")
    with pytest.raises(FailedPrecondition) as err:
        await handlers.close_order(orders, b.order_id)
    assert err.value.reason == "ILLEGAL_ORDER_TRANSITION"


async def test_expiry_sweep_closes_only_unpaid_orders_past_expiry():
    orders = FakeOrders()
    old = await handlers.create_order(orders, cmd(out_trade_no="old"))
    fresh = await handlers.create_order(orders, cmd(out_trade_no="fresh"))
    orders.orders[old.order_id] = dataclasses.replace(orders.orders[old.order_id], expire_time=dt.datetime.now(dt.timezone.utc))
    assert await handlers.close_expired(orders) == 1
    assert orders.orders[old.order_id].state == S.CLOSED and orders.orders[fresh.order_id].state == S.WAIT_PAY
    assert await handlers.close_expired(orders) == 0


async def test_list_orders_pages_newest_first_and_binds_the_token_to_the_filter():
    orders = FakeOrders()
    made = [await handlers.create_order(orders, cmd(out_trade_no=f"n{i}")) for i in range(5)]
    seen, token = [], ""
    while True:
        page = await handlers.list_orders(orders, "m1", 0, None, None, 2, token)
        seen += [o.order_id for o in page.orders]
        token = page.next_page_token
        if not token:
            break
    assert sorted(seen) == sorted(o.order_id for o in made) and len(seen) == 5
    first = await handlers.list_orders(orders, "m1", 0, None, None, 2, "")
    with pytest.raises(InvalidArgument):
        await handlers.list_orders(orders, "m1", int(S.PAID), None, None, 2, first.next_page_token)
    with pytest.raises(InvalidArgument):
        await handlers.list_orders(orders, "m1", 0, None, None, 2, "garbage")


class FakeRisk:
    def __init__(self, decision="DECISION_ACCEPT"):
        self.decision, self.redeemed = decision, []

    async def assess(self, ctx):
        return RiskVerdict(self.decision, "rdc_1", "rt1.x.y" if self.decision == "DECISION_ACCEPT" else "", "chl_1", ("PASSWORD",))

    async def redeem(self, ctx, ticket):
        self.redeemed.append(ticket)


@pytest.mark.parametrize("decision,reason", [("DECISION_CHALLENGE", "RISK_CHALLENGE_REQUIRED"), ("DECISION_REJECT", "RISK_REJECTED"),
                                             ("DECISION_REVIEW", "RISK_REVIEW_PENDING")])
async def test_the_risk_gate_refuses_before_the_order_moves(decision, reason):
    orders, payments = FakeOrders(), FakePayments()
    order = await handlers.create_order(orders, cmd())
    with pytest.raises((FailedPrecondition, PermissionDenied)) as err:
        await handlers.pay_order(orders, payments, order.order_id, "r1", 1, "", FakeRisk(decision))
    assert err.value.reason == reason and orders.orders[order.order_id].state == S.WAIT_PAY and not payments.calls


async def test_accept_redeems_the_assessed_ticket_and_a_given_ticket_skips_assess():
    orders, risk = FakeOrders(), FakeRisk()
    order = await handlers.create_order(orders, cmd())
    paid, _ = await handlers.pay_order(orders, FakePayments(), order.order_id, "r1", 1, "", risk)
    assert paid.state == S.PAYING and risk.redeemed == ["rt1.x.y"]
    got, _ = await handlers.get_order_with_payments(orders, order.order_id)
    assert [a.state for a in (await orders.attempts(order.order_id))] == ["PAYMENT_STATE_SUCCEEDED"]
    other = await handlers.create_order(orders, cmd(out_trade_no="two"))
    risk2 = FakeRisk("DECISION_REJECT")  # would refuse if asked: a verified ticket is used instead
    await handlers.pay_order(orders, FakePayments(), other.order_id, "r1", 1, "rt1.verified.sig", risk2)
    assert risk2.redeemed == ["rt1.verified.sig"]
