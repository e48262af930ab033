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


@dataclass(frozen=True)
class OrderPayment:
    """A payment attempt trade made for an order (the order ↔ payment association)."""
    order_id: str
    request_id: str
    method: int
    payment_id: str = ""
    state: str = ""
    failure_reason: str = ""
    create_time: dt.datetime | None = None


@dataclass(frozen=True)
class OrderPage:
    orders: list[Order]
    next_page_token: str


@dataclass(frozen=True)
class Member:
    member_id: str
    display_name: str
    mobile_ticket: str
    has_payment_password: bool
    create_time: dt.datetime | None = None


@dataclass(frozen=True)
class SavedCard:
    card_id: str
    member_id: str
    card_no_ticket: str
    holder_ticket: str
    digest: str
    masked_card_no: str
    card_bin: str
    card_org: str
    create_time: dt.datetime | None = None
    expiry_month: int = 0
    expiry_year: int = 0

    @property
    def last4(self) -> str:
        return self.masked_card_no[-4:]


def card_org(card_no: str) -> str:
    """Card organization from the BIN (leading digits)."""
    if card_no.startswith("4"):
        return "VISA"
    if card_no[:2] in {"51", "52", "53", "54", "55"} or 2221 <= int(card_no[:4]) <= 2720:
        return "MASTERCARD"
    if card_no[:2] in {"34", "37"}:
        return "AMEX"
    if card_no.startswith("62"):
        return "UNIONPAY"
    return "OTHER"


def luhn_ok(card_no: str) -> bool:
    if not card_no.isdigit() or not 12 <= len(card_no) <= 19:
        return False
    total = 0
    for i, ch in enumerate(reversed(card_no)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def mask_card_no(card_no: str) -> str:
    return f"{card_no[:6]}{'*' * (len(card_no) - 10)}{card_no[-4:]}"
