"""Payment adapters: PostgreSQL repository and unit of work, and the ledger over gRPC."""
from __future__ import annotations

from typing import Any, Awaitable, Callable, TypeVar

import grpc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from clients.channel import error_reason
from clients.services import Mesh
from paymesh.ledger.v1 import ledger_pb2, ledger_service_pb2 as ledger_api
from servers.kernel import events
from servers.kernel.db import Database
from servers.kernel.money import Money
from servers.payment import errors
from servers.payment.domain import Payment, PaymentKind, PaymentMethod, PaymentState

T = TypeVar("T")
_COLS = ("payment_id, request_id, request_hash, kind, order_id, merchant_id, payer_member_id, currency_code, amount_minor, fee_minor,"
         " method, state, failure_reason, ledger_transfer_ids, context_id, version, create_time, update_time")


def _payment(row) -> Payment:
    return Payment(row.payment_id, row.request_id, PaymentKind(row.kind), row.order_id, row.merchant_id, row.payer_member_id,
                   Money(row.currency_code, row.amount_minor), PaymentMethod(row.method), PaymentState(row.state),
                   Money(row.currency_code, row.fee_minor), row.failure_reason, tuple(row.ledger_transfer_ids), row.context_id,
                   row.version, row.create_time, row.update_time)


class SqlPaymentRepository:
    def __init__(self, conn: AsyncConnection):
        self.conn = conn

    async def find_by_request(self, request_id: str):
        row = (await self.conn.execute(text(f"SELECT {_COLS} FROM payments WHERE request_id = :r"), {"r": request_id})).first()
        return (_payment(row), bytes(row.request_hash)) if row else None

    async def get(self, payment_id: str) -> Payment | None:
        row = (await self.conn.execute(text(f"SELECT {_COLS} FROM payments WHERE payment_id = :p"), {"p": payment_id})).first()
        return _payment(row) if row else None

    async def insert(self, p: Payment, request_hash: bytes) -> bool:
        inserted = await self.conn.execute(text(
            "INSERT INTO payments (payment_id, request_id, request_hash, kind, order_id, merchant_id, payer_member_id, currency_code,"
            " amount_minor, method, state, context_id) VALUES (:p, :r, :h, :k, :o, :m, :payer, :c, :a, :meth, :s, :ctx)"
            " ON CONFLICT (request_id) DO NOTHING RETURNING payment_id"),
            {"p": p.payment_id, "r": p.request_id, "h": request_hash, "k": int(p.kind), "o": p.order_id, "m": p.merchant_id,
             "payer": p.payer_member_id, "c": p.amount.currency_code, "a": p.amount.amount_minor, "meth": int(p.method),
             "s": int(p.state), "ctx": p.context_id})
        return inserted.first() is not None

    async def transition(self, p: Payment, target: PaymentState, **changes: Any) -> Payment | None:
        sets = ["state = :target", "version = version + 1", "update_time = now()"]
        params: dict[str, Any] = {"p": p.payment_id, "state": int(p.state), "version": p.version, "target": int(target)}
        for column, value in changes.items():
            sets.append(f"{column} = :{column}")
            params[column] = list(value) if isinstance(value, tuple) else value
        row = (await self.conn.execute(text(
            f"UPDATE payments SET {', '.join(sets)} WHERE payment_id = :p AND state = :state AND version = :version RETURNING {_COLS}"),
            params)).first()
        return _payment(row) if row else None

    async def add_event(self, event_type: str, payload: dict[str, Any]) -> None:
        await events.add_event(self.conn, "payment", event_type, payload)

    async def list_by_order(self, order_id: str) -> list[Payment]:
        rows = (await self.conn.execute(text(f"SELECT {_COLS} FROM payments WHERE order_id = :o ORDER BY payment_id"), {"o": order_id})).all()
        return [_payment(r) for r in rows]


class SqlUnitOfWork:
    def __init__(self, db: Database):
        self.db = db

    async def __call__(self, work: Callable[[SqlPaymentRepository], Awaitable[T]]) -> T:
        return await self.db.run_in_transaction(lambda conn: work(SqlPaymentRepository(conn)))


class GrpcLedger:
    """Books payments in the ledger. Account ids never change, so they are cached in-process."""

    def __init__(self, mesh: Mesh):
        self.mesh = mesh
        self._accounts: dict[tuple[int, str, int, str], str] = {}

    async def _account(self, owner_type: int, owner_id: str, account_type: int, currency: str) -> str:
        key = (owner_type, owner_id, account_type, currency)
        if key not in self._accounts:
            reply = await self.mesh.ledger.OpenAccount(ledger_api.OpenAccountRequest(
                request_id=f"open:{owner_type}:{owner_id}:{account_type}:{currency}", owner_type=owner_type, owner_id=owner_id,
                account_type=account_type, currency_code=currency))
            self._accounts[key] = reply.account.account_id
        return self._accounts[key]

    async def book_order_payment(self, payment: Payment) -> list[str]:
        currency = payment.amount.currency_code
        try:
            payer = await self._account(ledger_pb2.OWNER_TYPE_MEMBER, payment.payer_member_id, ledger_pb2.ACCOUNT_TYPE_MEMBER_WALLET, currency)
            merchant = await self._account(ledger_pb2.OWNER_TYPE_MERCHANT, payment.merchant_id,
                                           ledger_pb2.ACCOUNT_TYPE_MERCHANT_PENDING_SETTLEMENT, currency)
            reply = await self.mesh.ledger.CreateTransfers(ledger_api.CreateTransfersRequest(
                request_id=f"payment:{payment.payment_id}",
                legs=[ledger_api.TransferLeg(debit_account_id=payer, credit_account_id=merchant, amount=payment.amount.to_proto(),
                                             business_code="PAYMENT",
                                             ref={"order_id": payment.order_id, "payment_id": payment.payment_id})]))
        except grpc.aio.AioRpcError as exc:
            if exc.code() == grpc.StatusCode.FAILED_PRECONDITION:
                raise errors.LedgerDeclined(error_reason(exc) or "LEDGER_DECLINED") from None
            if exc.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
                raise errors.ledger_unavailable() from None
            raise
        return [t.transfer_id for t in reply.transfers]
