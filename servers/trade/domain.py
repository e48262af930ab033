"""Trade domain: the order and its state machine. Pure: no I/O.
Enum values equal the contract's (paymesh.trade.v1)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import IntEnum

from servers.kernel.money import Money
from servers.trade import errors


class OrderState(IntEnum):
    WAIT_PAY = 1
    PAYING = 2
    PAID = 3
    PARTIALLY_REFUNDED = 4
    REFUNDED = 5
    CLOSED = 6


TRANSITIONS: dict[OrderState, set[OrderState]] = {
    OrderState.WAIT_PAY: {OrderState.PAYING, OrderState.CLOSED},
    OrderState.PAYING: {OrderState.PAID, OrderState.WAIT_PAY},
    OrderState.PAID: {OrderState.PARTIALLY_REFUNDED, OrderState.REFUNDED},
    OrderState.PARTIALLY_REFUNDED: {OrderState.PARTIALLY_REFUNDED, OrderState.REFUNDED},
    OrderState.REFUNDED: set(),
    OrderState.CLOSED: set(),
}
EXPIRE_SECONDS_DEFAULT = 30 * 60


def check_transition(order: "Order", target: OrderState) -> None:
    if target not in TRANSITIONS[order.state]:
        raise errors.illegal_transition(order.order_id, order.state.name, target.name)


@dataclass(frozen=True)
class Order:
    order_id: str
    merchant_id: str
    out_trade_no: str
    product_code: str
    subject: str
    amount: Money
    payer_member_id: str
    notify_url: str
    state: OrderState
    expire_time: dt.datetime
    payment_id: str = ""
    pay_request_id: str = ""
    context_id: str = ""
    version: int = 1
    create_time: dt.datetime | None = None
    update_time: dt.datetime | None = None
    refunded_minor: int = 0

    def same_terms(self, other: "Order") -> bool:
        """CreateOrder retries must describe the same order."""
        return (self.amount, self.product_code, self.payer_member_id) == (other.amount, other.product_code, other.payer_member_id)

    def is_expired(self, now: dt.datetime) -> bool:
        return self.state == OrderState.WAIT_PAY and now >= self.expire_time
