"""Trade adapters: PostgreSQL repository and unit of work, and the payment core over gRPC."""
from __future__ import annotations

from typing import Any, Awaitable, Callable, TypeVar

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from clients.services import Mesh
from paymesh.payment.v1 import payment_pb2, payment_service_pb2 as payment_api
from servers.kernel import events
from servers.kernel.db import Database
from servers.kernel.money import Money
from servers.trade.domain import Order, OrderState
from servers.trade.ports import PaymentResult

T = TypeVar("T")
_COLS = ("order_id, merchant_id, out_trade_no, product_code, subject, currency_code, amount_minor, payer_member_id, notify_url,"
         " state, expire_time, payment_id, pay_request_id, context_id, version, create_time, update_time, refunded_minor")


def _order(row) -> Order:
    return Order(row.order_id, row.merchant_id, row.out_trade_no, row.product_code, row.subject,
                 Money(row.currency_code, row.amount_minor), row.payer_member_id, row.notify_url, OrderState(row.state),
                 row.expire_time, row.payment_id, row.pay_request_id, row.context_id, row.version, row.create_time,
                 row.update_time, row.refunded_minor)


class SqlOrderRepository:
    def __init__(self, conn: AsyncConnection):
        self.conn = conn

    async def insert(self, o: Order) -> bool:
        inserted = await self.conn.execute(text(
            "INSERT INTO orders (order_id, merchant_id, out_trade_no, product_code, subject, currency_code, amount_minor,"
            " payer_member_id, notify_url, state, expire_time, context_id)"
            " VALUES (:id, :m, :no, :pc, :s, :c, :a, :payer, :url, :st, :exp, :ctx)"
            " ON CONFLICT (merchant_id, out_trade_no) DO NOTHING RETURNING order_id"),
            {"id": o.order_id, "m": o.merchant_id, "no": o.out_trade_no, "pc": o.product_code, "s": o.subject,
             "c": o.amount.currency_code, "a": o.amount.amount_minor, "payer": o.payer_member_id, "url": o.notify_url,
             "st": int(o.state), "exp": o.expire_time, "ctx": o.context_id})
        return inserted.first() is not None

    async def get(self, order_id: str) -> Order | None:
        row = (await self.conn.execute(text(f"SELECT {_COLS} FROM orders WHERE order_id = :o"), {"o": order_id})).first()
        return _order(row) if row else None

    async def get_by_out_trade_no(self, merchant_id: str, out_trade_no: str) -> Order | None:
        row = (await self.conn.execute(text(f"SELECT {_COLS} FROM orders WHERE merchant_id = :m AND out_trade_no = :n"),
                                       {"m": merchant_id, "n": out_trade_no})).first()
        return _order(row) if row else None

    async def transition(self, o: Order, target: OrderState, **changes: Any) -> Order | None:
        sets = ["state = :target", "version = version + 1", "update_time = now()"]
        params: dict[str, Any] = {"o": o.order_id, "state": int(o.state), "version": o.version, "target": int(target)}
        for column, value in changes.items():
            sets.append(f"{column} = :{column}")
            params[column] = value
        row = (await self.conn.execute(text(
            f"UPDATE orders SET {', '.join(sets)} WHERE order_id = :o AND state = :state AND version = :version RETURNING {_COLS}"),
            params)).first()
        return _order(row) if row else None

    async def add_event(self, event_type: str, payload: dict[str, Any]) -> None:
        await events.add_event(self.conn, "trade", event_type, payload)


class SqlUnitOfWork:
    def __init__(self, db: Database):
        self.db = db

    async def __call__(self, work: Callable[[SqlOrderRepository], Awaitable[T]]) -> T:
        return await self.db.run_in_transaction(lambda conn: work(SqlOrderRepository(conn)))


class GrpcPayments:
    def __init__(self, mesh: Mesh):
        self.mesh = mesh

    async def pay(self, order: Order, request_id: str, method: int, risk_ticket: str) -> PaymentResult:
        reply = await self.mesh.payment.CreatePayment(payment_api.CreatePaymentRequest(
            request_id=f"trade:{order.order_id}:{request_id}", order_id=order.order_id, merchant_id=order.merchant_id,
            payer_member_id=order.payer_member_id, amount=order.amount.to_proto(), method=method, risk_ticket=risk_ticket))
        p = reply.payment
        return PaymentResult(p.payment_id, payment_pb2.PaymentState.Name(p.state), p.failure_reason)
