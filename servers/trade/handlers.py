"""Trade use cases. Paying is a short saga of idempotent steps:

  1. CAS WAIT_PAY → PAYING, remembering the pay request id   (retry with same id resumes)
  2. payment.CreatePayment with a request id derived from it (idempotent in payment)
  3. payment FAILED → CAS PAYING → WAIT_PAY (the payer may try again)
  4. payment SUCCEEDED → the order becomes PAID when payment's outbox event arrives
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from servers.kernel.ids import new_id
from servers.kernel.money import Money
from servers.trade import errors
from servers.trade.domain import EXPIRE_SECONDS_DEFAULT, Order, OrderState, check_transition
from servers.trade.ports import OrderRepository, PaymentPort, PaymentResult, UnitOfWork


@dataclass(frozen=True)
class CreateOrder:
    merchant_id: str
    out_trade_no: str
    product_code: str
    subject: str
    amount: Money
    payer_member_id: str
    notify_url: str
    expire_seconds: int
    context_id: str


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


async def create_order(uow: UnitOfWork, cmd: CreateOrder) -> Order:
    order = Order(order_id=new_id("ord"), merchant_id=cmd.merchant_id, out_trade_no=cmd.out_trade_no, product_code=cmd.product_code,
                  subject=cmd.subject, amount=cmd.amount, payer_member_id=cmd.payer_member_id, notify_url=cmd.notify_url,
                  state=OrderState.WAIT_PAY, expire_time=_now() + dt.timedelta(seconds=cmd.expire_seconds or EXPIRE_SECONDS_DEFAULT),
                  context_id=cmd.context_id)

    async def work(repo: OrderRepository) -> Order:
        if await repo.insert(order):
            created = await repo.get(order.order_id)
            assert created is not None
            return created
        existing = await repo.get_by_out_trade_no(cmd.merchant_id, cmd.out_trade_no)
        assert existing is not None
        if not existing.same_terms(order):
            raise errors.out_trade_no_reused(cmd.merchant_id, cmd.out_trade_no, existing.order_id)
        return existing

    return await uow(work)


async def get_order(uow: UnitOfWork, order_id: str) -> Order:
    async def work(repo: OrderRepository) -> Order:
        order = await repo.get(order_id)
        if order is None:
            raise errors.order_not_found(order_id)
        return order
    return await uow(work)


async def pay_order(uow: UnitOfWork, payments: PaymentPort, order_id: str, request_id: str, method: int, risk_ticket: str) -> tuple[Order, PaymentResult | None]:
    async def start(repo: OrderRepository) -> Order:
        order = await repo.get(order_id)
        if order is None:
            raise errors.order_not_found(order_id)
        if order.pay_request_id == request_id and order.state in (OrderState.PAYING, OrderState.PAID):
            return order  # a retry of this attempt
        if order.state == OrderState.CLOSED and _now() >= order.expire_time:
            return order  # closed by expiry: refused as expired (below)
        if order.is_expired(_now()):
            closed = await repo.transition(order, OrderState.CLOSED)
            if closed is not None:
                await repo.add_event("order.closed", {"order_id": order.order_id, "reason": "EXPIRED"})
            return closed or order  # commit the close, then refuse (below)
        if order.state != OrderState.WAIT_PAY:
            raise errors.order_not_payable(order_id, order.state.name)
        moved = await repo.transition(order, OrderState.PAYING, pay_request_id=request_id)
        if moved is None:
            raise errors.order_not_payable(order_id, "being paid by another request")
        return moved

    order = await uow(start)
    if order.state == OrderState.CLOSED:
        raise errors.order_expired(order_id)
    if order.state == OrderState.PAID:
        return order, None
    result = await payments.pay(order, request_id, method, risk_ticket)
    if result.state == "PAYMENT_STATE_FAILED":
        order = await uow(lambda repo: _reopen(repo, order_id, request_id))
    else:
        order = await get_order(uow, order_id)
    return order, result


async def _reopen(repo: OrderRepository, order_id: str, request_id: str) -> Order:
    order = await repo.get(order_id)
    assert order is not None
    if order.state == OrderState.PAYING and order.pay_request_id == request_id:
        check_transition(order, OrderState.WAIT_PAY)
        return await repo.transition(order, OrderState.WAIT_PAY) or order
    return order


async def on_payment_event(repo: OrderRepository, event_type: str, payload: dict) -> None:
    """Consumer of payment events; runs once per event (kernel.events) and is CAS-guarded."""
    order = await repo.get(payload.get("order_id", ""))
    if order is None or order.state != OrderState.PAYING:
        return  # not ours, or already settled by an earlier event
    if event_type == "payment.succeeded":
        paid = await repo.transition(order, OrderState.PAID, payment_id=payload["payment_id"])
        if paid is not None:
            await repo.add_event("order.paid", {"order_id": paid.order_id, "payment_id": paid.payment_id,
                                                "merchant_id": paid.merchant_id, "notify_url": paid.notify_url})
