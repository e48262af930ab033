"""Trade adapters: PostgreSQL repository and unit of work, the payment core and risk over gRPC."""
from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace
from typing import Any, Awaitable, Callable, TypeVar

import grpc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from clients.channel import as_domain_error, error_reason
from clients.services import Mesh
from paymesh.payment.v1 import payment_pb2, payment_service_pb2 as payment_api
from paymesh.risk.v1 import risk_pb2, risk_service_pb2 as risk_api
from servers.kernel import errors as kerrors, events
from servers.kernel.db import Database, cas_update
from servers.kernel.money import Money
from servers.trade import adapters_webhooks, webhooks
from servers.trade.domain import Order, OrderPayment, OrderState, SavedCard
from servers.trade.ports import PayContext, PaymentResult, RiskVerdict

T = TypeVar("T")
_COLS = ("order_id, merchant_id, out_trade_no, product_code, subject, currency_code, amount_minor, payer_member_id, notify_url,"
         " state, expire_time, payment_id, pay_request_id, context_id, version, create_time, update_time, refunded_minor")


def _order(row) -> Order:
    return Order(row.order_id, row.merchant_id, row.out_trade_no, row.product_code, row.subject,
                 Money(row.currency_code, row.amount_minor), row.payer_member_id, row.notify_url, OrderState(row.state),
                 row.expire_time, row.payment_id, row.pay_request_id, row.context_id, row.version, row.create_time,
                 row.update_time, row.refunded_minor)


# An order and (when $2) its payment attempts in ONE statement — one snapshot, one round trip — for the read
# path on the bare pool (SqlUnitOfWork.read_order): GetOrder is what merchants poll.
_ORDER_READ = (
    f"SELECT {_COLS}, CASE WHEN $2 THEN (SELECT coalesce(json_agg(json_build_object('r', p.request_id, 'm', p.method,"
    " 'p', p.payment_id, 's', p.state, 'f', p.failure_reason, 't', p.create_time) ORDER BY p.create_time, p.request_id), '[]')"
    " FROM order_payments p WHERE p.order_id = orders.order_id) END AS attempts FROM orders WHERE order_id = $1")


def _read_order(record) -> tuple[Order | None, list[OrderPayment]]:
    if record is None:
        return None, []
    order = _order(SimpleNamespace(**record))
    listed = json.loads(record["attempts"]) if record["attempts"] else []
    return order, [OrderPayment(order.order_id, a["r"], a["m"], a["p"], a["s"], a["f"], dt.datetime.fromisoformat(a["t"]))
                   for a in listed]


class SqlOrderRepository:
    """webhook_max_attempts > 0: order events with a notify_url also write a webhook delivery (same transaction)."""

    def __init__(self, conn: AsyncConnection, webhook_max_attempts: int = 0):
        self.conn, self.webhook_max_attempts = conn, webhook_max_attempts

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
        row = await cas_update(self.conn, "orders", {"order_id": o.order_id, "state": int(o.state), "version": o.version},
                               int(target), changes, _COLS, versioned=True)
        return _order(row) if row else None

    async def add_event(self, event_type: str, payload: dict[str, Any]) -> None:
        event_id = await events.add_event(self.conn, "trade", event_type, payload)
        if self.webhook_max_attempts > 0 and payload.get("notify_url") and event_type in webhooks.EVENT_TYPES:
            order = await self.get(payload["order_id"])
            if order is not None:
                await adapters_webhooks.enqueue(self.conn, event_id, event_type, order, self.webhook_max_attempts)

    async def list(self, merchant_id: str, state: int, start: dt.datetime | None, end: dt.datetime | None,
                   after: tuple[dt.datetime, str] | None, limit: int) -> list[Order]:
        where, params = ["merchant_id = :m"], {"m": merchant_id, "limit": limit}
        if state:
            where.append("state = :st")
            params["st"] = state
        if start is not None:
            where.append("create_time >= :start")
            params["start"] = start
        if end is not None:
            where.append("create_time < :end")
            params["end"] = end
        if after is not None:
            where.append("(create_time, order_id) < (:at, :aid)")
            params["at"], params["aid"] = after
        rows = await self.conn.execute(text(
            f"SELECT {_COLS} FROM orders WHERE {' AND '.join(where)} ORDER BY create_time DESC, order_id DESC LIMIT :limit"), params)
        return [_order(r) for r in rows]

    async def expired_unpaid(self, now: dt.datetime, limit: int) -> list[Order]:
        rows = await self.conn.execute(text(
            f"SELECT {_COLS} FROM orders WHERE state = :st AND expire_time <= :now ORDER BY expire_time LIMIT :limit"
            " FOR UPDATE SKIP LOCKED"), {"st": int(OrderState.WAIT_PAY), "now": now, "limit": limit})
        return [_order(r) for r in rows]

    async def record_attempt(self, a: OrderPayment) -> None:
        await self.conn.execute(text(
            "INSERT INTO order_payments (order_id, request_id, method, payment_id, state, failure_reason)"
            " VALUES (:o, :r, :m, :p, :s, :f) ON CONFLICT (order_id, request_id) DO UPDATE SET payment_id = EXCLUDED.payment_id,"
            " state = EXCLUDED.state, failure_reason = EXCLUDED.failure_reason, update_time = now()"),
            {"o": a.order_id, "r": a.request_id, "m": a.method, "p": a.payment_id, "s": a.state, "f": a.failure_reason})

    async def attempts(self, order_id: str) -> list[OrderPayment]:
        rows = await self.conn.execute(text(
            "SELECT order_id, request_id, method, payment_id, state, failure_reason, create_time FROM order_payments"
            " WHERE order_id = :o ORDER BY create_time, request_id"), {"o": order_id})
        return [OrderPayment(r.order_id, r.request_id, r.method, r.payment_id, r.state, r.failure_reason, r.create_time) for r in rows]


class SqlUnitOfWork:
    def __init__(self, db: Database, webhook_max_attempts: int = 0, raw=None):
        self.db, self.webhook_max_attempts = db, webhook_max_attempts
        self.raw = raw  # the kernel's raw_pool for reads of one statement (None: through the engine)

    async def read_order(self, order_id: str, attempts: bool = False) -> tuple[Order | None, list[OrderPayment]]:
        if self.raw is None:
            async def work(repo: SqlOrderRepository) -> tuple[Order | None, list[OrderPayment]]:
                order = await repo.get(order_id)
                return order, (await repo.attempts(order_id) if order is not None and attempts else [])
            return await self(work)
        async with self.raw.acquire() as conn:
            return _read_order(await conn.fetchrow(_ORDER_READ, order_id, attempts))

    async def __call__(self, work: Callable[[SqlOrderRepository], Awaitable[T]]) -> T:
        return await self.db.run_in_transaction(lambda conn: work(SqlOrderRepository(conn, self.webhook_max_attempts)))


class GrpcPayments:
    def __init__(self, mesh: Mesh):
        self.mesh = mesh

    async def pay(self, order: Order, request_id: str, method: int, risk_ticket: str, card: SavedCard | None = None) -> PaymentResult:
        ref = None
        if card is not None:
            ref = payment_api.CardRef(card_no_ticket=card.card_no_ticket, card_org=card.card_org, card_bin=card.card_bin,
                                      card_last4=card.last4, expiry_month=card.expiry_month, expiry_year=card.expiry_year)
        try:
            reply = await self.mesh.payment.CreatePayment(payment_api.CreatePaymentRequest(
                request_id=f"trade:{order.order_id}:{request_id}", order_id=order.order_id, merchant_id=order.merchant_id,
                payer_member_id=order.payer_member_id, amount=order.amount.to_proto(), method=method, risk_ticket=risk_ticket, card=ref))
        except grpc.aio.AioRpcError as exc:  # a refusal keeps its code and reason (the handler reopens the order)
            if exc.code() == grpc.StatusCode.INVALID_ARGUMENT:
                raise kerrors.InvalidArgument([kerrors.FieldViolation("payment", exc.details() or "refused")],
                                              reason=error_reason(exc) or "INVALID_ARGUMENT") from None
            raise as_domain_error(exc) from None
        p = reply.payment
        return PaymentResult(p.payment_id, payment_pb2.PaymentState.Name(p.state), p.failure_reason)

    async def refund(self, order: Order, request_id: str, amount: Money, reason: str) -> PaymentResult:
        try:
            reply = await self.mesh.payment.CreateRefund(payment_api.CreateRefundRequest(
                payment_id=order.payment_id, request_id=f"trade:{order.order_id}:refund:{request_id}", amount=amount.to_proto(),
                reason=reason))
        except grpc.aio.AioRpcError as exc:
            raise as_domain_error(exc) from None
        r = reply.refund
        return PaymentResult(r.payment_id, payment_pb2.PaymentState.Name(r.state), r.failure_reason)


# Trade's PayMethod → risk's PaymentMethod.
_RISK_METHOD = {1: risk_pb2.PAYMENT_METHOD_BALANCE, 2: risk_pb2.PAYMENT_METHOD_CARD, 3: risk_pb2.PAYMENT_METHOD_CARD,
                4: risk_pb2.PAYMENT_METHOD_BANK_TRANSFER}
_CHALLENGE = {risk_pb2.CHALLENGE_TYPE_PASSWORD: "PASSWORD", risk_pb2.CHALLENGE_TYPE_OTP: "OTP", risk_pb2.CHALLENGE_TYPE_THREE_DS: "3DS"}


def _ts(value: dt.datetime | None):
    from google.protobuf.timestamp_pb2 import Timestamp

    if value is None:
        return None
    ts = Timestamp()
    ts.FromDatetime(value)
    return ts


def _payment_context(order: Order, method: int, ctx: PayContext | None = None, member_create_time: dt.datetime | None = None):
    card = ctx.card if ctx else None
    return risk_pb2.PaymentContext(
        order_id=order.order_id, merchant_id=order.merchant_id, member_id=order.payer_member_id, amount=order.amount.to_proto(),
        product_code=order.product_code, payment_method=_RISK_METHOD.get(method, 0),
        card_digest=card.digest if card else "", card_bin=card.card_bin if card else "",
        device_id=ctx.device_id if ctx else "", ip_address=ctx.client_ip if ctx else "",
        member_create_time=_ts(ctx.member_create_time if ctx else member_create_time), card_bind_time=_ts(card.create_time if card else None))


def _risk_error(exc: grpc.aio.AioRpcError) -> Exception:
    """Risk's refusals keep their reason; risk being down is UNAVAILABLE, never INTERNAL."""
    reason = error_reason(exc) or "RISK_REFUSED"
    if exc.code() in (grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND):
        return kerrors.FailedPrecondition(reason, f"risk ticket refused: {exc.details()}")
    if exc.code() == grpc.StatusCode.RESOURCE_EXHAUSTED:
        return kerrors.ResourceExhausted(reason, exc.details() or "risk limit")
    return kerrors.Unavailable("RISK_UNAVAILABLE", "risk control is unavailable; try again")


class GrpcRisk:
    def __init__(self, mesh: Mesh):
        self.mesh = mesh

    async def _call(self, rpc, request):
        try:
            return await rpc(request)
        except grpc.aio.AioRpcError as exc:
            raise _risk_error(exc) from None

    async def assess(self, ctx: PayContext) -> RiskVerdict:
        reply = await self._call(self.mesh.risk.Assess, risk_api.AssessRequest(
            payment=_payment_context(ctx.order, ctx.method, ctx), request_id=f"trade:{ctx.order.order_id}:{ctx.request_id}"))
        d = reply.decision
        return RiskVerdict(risk_pb2.Decision.Name(d.decision), d.decision_id, reply.risk_ticket.ticket, d.challenge.challenge_id,
                           tuple(_CHALLENGE.get(t, "") for t in d.challenge.allowed_types))

    async def redeem(self, ctx: PayContext, ticket: str) -> None:
        await self._call(self.mesh.risk.RedeemRiskTicket, risk_api.RedeemRiskTicketRequest(
            ticket=ticket, order_id=ctx.order.order_id, amount=ctx.order.amount.to_proto(), member_id=ctx.order.payer_member_id,
            request_id=f"trade:{ctx.order.order_id}:{ctx.request_id}"))

    async def requirements(self, order: Order, methods: list[int], member_create_time: dt.datetime | None) -> list[tuple[int, str, tuple[str, ...]]]:
        risk_methods = sorted({_RISK_METHOD[m] for m in methods if m in _RISK_METHOD})
        reply = await self._call(self.mesh.risk.GetVerificationRequirements, risk_api.GetVerificationRequirementsRequest(
            payment=_payment_context(order, 0, None, member_create_time), payment_methods=risk_methods))
        by_method = {r.payment_method: r for r in reply.requirements}
        out = []
        for m in methods:
            r = by_method.get(_RISK_METHOD.get(m, 0))
            if r is None:
                out.append((m, "DECISION_ACCEPT", ()))
                continue
            types = tuple(_CHALLENGE.get(t, "") for t in r.challenge_types)
            if m == 2 and r.decision == risk_pb2.DECISION_ACCEPT:  # card with 3DS always authenticates by 3DS
                types = ()
            out.append((m, risk_pb2.Decision.Name(r.decision), types))
        return out
