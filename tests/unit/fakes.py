"""In-memory fakes of the services' ports, for handler tests."""
from __future__ import annotations

import dataclasses
from typing import Any

from servers.payment.domain import Payment, PaymentState
from servers.trade.domain import Order, OrderState
from servers.trade.ports import PaymentResult


class FakeOrders:
    def __init__(self):
        self.orders: dict[str, Order] = {}
        self.events: list[tuple[str, dict]] = []

    async def __call__(self, work):  # unit of work: all-or-nothing on the fake's state
        snapshot = (dict(self.orders), list(self.events))
        try:
            return await work(self)
        except BaseException:
            self.orders, self.events = snapshot
            raise

    async def insert(self, order: Order) -> bool:
        if any((o.merchant_id, o.out_trade_no) == (order.merchant_id, order.out_trade_no) for o in self.orders.values()):
            return False
        self.orders[order.order_id] = order
        return True

    async def get(self, order_id: str):
        return self.orders.get(order_id)

    async def get_by_out_trade_no(self, merchant_id: str, out_trade_no: str):
        return next((o for o in self.orders.values() if (o.merchant_id, o.out_trade_no) == (merchant_id, out_trade_no)), None)

    async def transition(self, order: Order, target: OrderState, **changes: Any):
        current = self.orders[order.order_id]
        if (current.state, current.version) != (order.state, order.version):
            return None
        moved = dataclasses.replace(current, state=target, version=current.version + 1, **changes)
        self.orders[order.order_id] = moved
        return moved

    async def add_event(self, event_type: str, payload: dict) -> None:
        self.events.append((event_type, payload))


class FakePayments:
    def __init__(self, state: str = "PAYMENT_STATE_SUCCEEDED", reason: str = ""):
        self.state, self.reason, self.calls = state, reason, []

    async def pay(self, order, request_id, method, risk_ticket) -> PaymentResult:
        self.calls.append((order.order_id, request_id))
        return PaymentResult(f"pay_{len(self.calls)}", self.state, self.reason)


class FakePaymentRepo:
    def __init__(self):
        self.rows: dict[str, tuple[Payment, bytes]] = {}
        self.events: list[tuple[str, dict]] = []

    async def __call__(self, work):
        snapshot = (dict(self.rows), list(self.events))
        try:
            return await work(self)
        except BaseException:
            self.rows, self.events = snapshot
            raise

    async def find_by_request(self, request_id: str):
        return next(((p, h) for p, h in self.rows.values() if p.request_id == request_id), None)

    async def get(self, payment_id: str):
        row = self.rows.get(payment_id)
        return row[0] if row else None

    async def insert(self, payment: Payment, request_hash: bytes) -> bool:
        if await self.find_by_request(payment.request_id):
            return False
        self.rows[payment.payment_id] = (payment, request_hash)
        return True

    async def transition(self, payment: Payment, target: PaymentState, **changes: Any):
        current, digest = self.rows[payment.payment_id]
        if (current.state, current.version) != (payment.state, payment.version):
            return None
        moved = dataclasses.replace(current, state=target, version=current.version + 1, **changes)
        self.rows[payment.payment_id] = (moved, digest)
        return moved

    async def add_event(self, event_type: str, payload: dict) -> None:
        self.events.append((event_type, payload))

    async def list_by_order(self, order_id: str):
        return [p for p, _ in self.rows.values() if p.order_id == order_id]


class FakeLedger:
    """Books idempotently per payment; can be told to decline or to fail like a network."""

    def __init__(self):
        self.booked: dict[str, list[str]] = {}
        self.decline: str = ""
        self.unavailable_times = 0

    async def book_order_payment(self, payment: Payment) -> list[str]:
        from servers.payment import errors

        if self.unavailable_times:
            self.unavailable_times -= 1
            raise errors.ledger_unavailable()
        if self.decline:
            raise errors.LedgerDeclined(self.decline)
        return self.booked.setdefault(payment.payment_id, [f"txn_{len(self.booked) + 1}"])
