"""Trade use cases. Paying is a short saga of idempotent steps:

  1. CAS WAIT_PAY → PAYING, remembering the pay request id   (retry with same id resumes)
  2. payment.CreatePayment with a request id derived from it (idempotent in payment)
  3. payment FAILED, or refused synchronously (an error) → CAS PAYING → WAIT_PAY (the payer may try again)
  4. payment SUCCEEDED → the order becomes PAID when payment's outbox event arrives; card payments
     answer PROCESSING and their payment.succeeded / payment.failed event settles the order later

Before step 1 risk decides (unless this is a retry of an attempt that already passed): with a
risk ticket from Verify, trade redeems it (single use, bound to order, amount and member);
without one, trade asks Assess, which answers ACCEPT (a ticket trade redeems at once),
CHALLENGE (refused with the challenge to pass), REVIEW or REJECT (refused).
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from dataclasses import dataclass, replace

from servers.kernel.errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound, invalid
from servers.kernel.ids import new_id
from servers.kernel.money import Money
from servers.trade import errors
from servers.trade.domain import EXPIRE_SECONDS_DEFAULT, Order, OrderPage, OrderPayment, OrderState, SavedCard, check_transition
from servers.trade.ports import OrderRepository, PayContext, PaymentPort, PaymentResult, RiskPort, UnitOfWork

PAGE_SIZE_DEFAULT = 50
CARD_METHODS = (2, 3)  # PAY_METHOD_CARD_3DS, PAY_METHOD_CARD_NON_3DS


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
    return (await get_order_with_payments(uow, order_id, attempts=False))[0]


async def get_order_with_payments(uow: UnitOfWork, order_id: str, attempts: bool = True) -> tuple[Order, list[OrderPayment]]:
    order, listed = await uow.read_order(order_id, attempts)
    if order is None:
        raise errors.order_not_found(order_id)
    return order, listed


def _filter_key(merchant_id: str, state: int, start: dt.datetime | None, end: dt.datetime | None) -> str:
    return hashlib.sha256(f"{merchant_id}|{state}|{start}|{end}".encode()).hexdigest()[:16]


async def list_orders(uow: UnitOfWork, merchant_id: str, state: int, start: dt.datetime | None, end: dt.datetime | None,
                      page_size: int, page_token: str) -> OrderPage:
    """AIP-158: the token carries the keyset of the last row and a digest of the filter it belongs to."""
    limit, key, after = page_size or PAGE_SIZE_DEFAULT, _filter_key(merchant_id, state, start, end), None
    if page_token:
        try:
            raw = json.loads(base64.urlsafe_b64decode(page_token.encode()))
            after = (dt.datetime.fromisoformat(raw["t"]), str(raw["id"]))
            valid = raw["f"] == key
        except (ValueError, KeyError, TypeError):
            valid = False
        if not valid:
            raise errors.page_token_invalid()
    rows = await uow(lambda repo: repo.list(merchant_id, state, start, end, after, limit + 1))
    token = ""
    if len(rows) > limit:
        rows, last = rows[:limit], rows[limit - 1]
        assert last.create_time is not None
        token = base64.urlsafe_b64encode(json.dumps({"t": last.create_time.isoformat(), "id": last.order_id, "f": key}).encode()).decode()
    return OrderPage(rows, token)


async def _close(repo: OrderRepository, order: Order, reason: str) -> Order | None:
    check_transition(order, OrderState.CLOSED)
    closed = await repo.transition(order, OrderState.CLOSED)
    if closed is not None:
        await repo.add_event("order.closed", {"order_id": order.order_id, "merchant_id": order.merchant_id, "reason": reason,
                                              "notify_url": order.notify_url})
    return closed


async def close_order(uow: UnitOfWork, order_id: str) -> Order:
    """WAIT_PAY → CLOSED. Closing a closed order returns it; any other state is FAILED_PRECONDITION."""
    async def work(repo: OrderRepository) -> Order:
        order = await repo.get(order_id)
        if order is None:
            raise errors.order_not_found(order_id)
        if order.state == OrderState.CLOSED:
            return order
        closed = await _close(repo, order, "MERCHANT")
        if closed is None:  # lost the CAS: a concurrent close is the same result; report any other state that won
            current = await repo.get(order_id)
            assert current is not None
            if current.state == OrderState.CLOSED:
                return current
            check_transition(current, OrderState.CLOSED)
            raise errors.illegal_transition(order_id, current.state.name, OrderState.CLOSED.name)
        return closed
    return await uow(work)


async def close_expired(uow: UnitOfWork, batch: int = 100) -> int:
    """One sweep of the expiry worker: closes unpaid orders past their expiry (CAS; replicas skip locked rows)."""
    async def work(repo: OrderRepository) -> int:
        closed = 0
        for order in await repo.expired_unpaid(_now(), batch):
            closed += await _close(repo, order, "EXPIRED") is not None
        return closed
    return await uow(work)


async def _risk_gate(risk: RiskPort, ctx: PayContext, risk_ticket: str) -> str:
    if not risk_ticket:
        verdict = await risk.assess(ctx)
        if verdict.decision == "DECISION_CHALLENGE":
            raise errors.risk_challenge_required(verdict.decision_id, verdict.challenge_id, ",".join(verdict.challenge_types))
        if verdict.decision == "DECISION_REVIEW":
            raise errors.risk_review(verdict.decision_id)
        if verdict.decision != "DECISION_ACCEPT":
            raise errors.risk_rejected(verdict.decision_id)
        risk_ticket = verdict.ticket
    await risk.redeem(ctx, risk_ticket)
    return risk_ticket


async def pay_order(uow: UnitOfWork, payments: PaymentPort, order_id: str, request_id: str, method: int, risk_ticket: str,
                    risk: RiskPort | None = None, card: SavedCard | None = None, device_id: str = "", client_ip: str = "",
                    member_create_time: dt.datetime | None = None) -> tuple[Order, PaymentResult | None]:
    if method in CARD_METHODS:
        _check_card(card)
    current = await get_order(uow, order_id)
    retry = current.pay_request_id == request_id and current.state in (OrderState.PAYING, OrderState.PAID)
    if risk is not None and not retry and current.state == OrderState.WAIT_PAY and not current.is_expired(_now()):
        ctx = PayContext(current, method, request_id, card, member_create_time, device_id, client_ip)
        risk_ticket = await _risk_gate(risk, ctx, risk_ticket)

    async def start(repo: OrderRepository) -> Order:
        order = await repo.get(order_id)
        if order is None:
            raise errors.order_not_found(order_id)
        if order.pay_request_id == request_id and order.state in (OrderState.PAYING, OrderState.PAID):
            return order  # a retry of this attempt
        if order.state == OrderState.CLOSED and _now() >= order.expire_time:
            return order  # closed by expiry: refused as expired (below)
        if order.is_expired(_now()):
            return await _close(repo, order, "EXPIRED") or order  # commit the close, then refuse (below)
        if order.state != OrderState.WAIT_PAY:
            raise errors.order_not_payable(order_id, order.state.name)
        moved = await repo.transition(order, OrderState.PAYING, pay_request_id=request_id)
        if moved is None:  # lost the race: fine if the winner is this same attempt
            latest = await repo.get(order_id)
            if latest is not None and latest.pay_request_id == request_id and latest.state in (OrderState.PAYING, OrderState.PAID):
                return latest
            raise errors.order_not_payable(order_id, "being paid by another request")
        await repo.record_attempt(OrderPayment(order_id, request_id, method, state="PENDING"))
        return moved

    order = await uow(start)
    if order.state == OrderState.CLOSED:
        raise errors.order_expired(order_id)
    if order.state == OrderState.PAID:
        return order, None
    try:
        result = await payments.pay(order, request_id, method, risk_ticket, card if method in CARD_METHODS else None)
    except (InvalidArgument, FailedPrecondition, NotFound, AlreadyExists) as refused:  # payment refused it: nothing was paid
        reason = refused.reason
        await uow(lambda repo: _refused(repo, order_id, request_id, method, reason))
        raise
    # Unavailable (no answer) keeps the order PAYING: a retry with the same request_id resumes the same payment.

    async def settle(repo: OrderRepository) -> Order:
        await repo.record_attempt(OrderPayment(order_id, request_id, method, result.payment_id, result.state, result.failure_reason))
        if result.state == "PAYMENT_STATE_FAILED":
            return await _reopen(repo, order_id, request_id)
        current = await repo.get(order_id)
        assert current is not None
        return current

    return await uow(settle), result


def _check_card(card: SavedCard | None) -> None:
    if card is None:
        raise invalid("card_id", "a card method needs the saved card to pay with", "CARD_REQUIRED")
    if not (card.expiry_month and card.expiry_year):
        raise invalid("card_id", "the saved card has no expiry; save it again with its expiry", "CARD_EXPIRY_MISSING")
    now = _now()
    if (card.expiry_year, card.expiry_month) < (now.year, now.month):
        raise invalid("card_id", "the saved card has expired", "CARD_EXPIRED")


async def _refused(repo: OrderRepository, order_id: str, request_id: str, method: int, reason: str) -> Order:
    """The payment core refused the attempt synchronously: record it and reopen the order (CAS) for another try."""
    await repo.record_attempt(OrderPayment(order_id, request_id, method, "", "PAYMENT_STATE_FAILED", reason))
    return await _reopen(repo, order_id, request_id)


async def _reopen(repo: OrderRepository, order_id: str, request_id: str) -> Order:
    order = await repo.get(order_id)
    assert order is not None
    if order.state == OrderState.PAYING and order.pay_request_id == request_id:
        check_transition(order, OrderState.WAIT_PAY)
        return await repo.transition(order, OrderState.WAIT_PAY) or order
    return order


async def refund_order(uow: UnitOfWork, payments: PaymentPort, order_id: str, request_id: str, amount: Money,
                       reason: str) -> tuple[Order, PaymentResult]:
    """Refunds through the payment core (which never refunds more than was paid); the order
    becomes PARTIALLY_REFUNDED / REFUNDED when payment's refund event arrives."""
    order = await get_order(uow, order_id)
    if order.state not in (OrderState.PAID, OrderState.PARTIALLY_REFUNDED) or not order.payment_id:
        raise errors.order_not_refundable(order_id, order.state.name)
    result = await payments.refund(order, request_id, amount, reason)
    return await get_order(uow, order_id), result


async def on_payment_event(repo: OrderRepository, event_type: str, payload: dict) -> None:
    """Consumer of payment events; runs once per event (kernel.events) and is CAS-guarded."""
    order = await repo.get(payload.get("order_id", ""))
    if order is None:
        return
    if event_type == "payment.refunded":
        await _apply_refund(repo, order, int(payload["amount_minor"]), payload["payment_id"])
        return
    if order.state != OrderState.PAYING:
        return  # not ours, or already settled by an earlier event
    if event_type == "payment.succeeded":
        paid = await repo.transition(order, OrderState.PAID, payment_id=payload["payment_id"])
        if paid is not None:
            await repo.add_event("order.paid", {"order_id": paid.order_id, "payment_id": paid.payment_id,
                                                "merchant_id": paid.merchant_id, "notify_url": paid.notify_url})
    elif event_type == "payment.failed":
        await _payment_failed(repo, order, payload["payment_id"], payload.get("failure_reason", ""))


async def _payment_failed(repo: OrderRepository, order: Order, payment_id: str, reason: str) -> None:
    """PAYING → WAIT_PAY (CAS) when the payment of the order's current attempt failed (e.g. a declined card);
    a late failure of an earlier attempt changes nothing."""
    attempts = await repo.attempts(order.order_id)
    failed = next((a for a in attempts if a.payment_id == payment_id), None)
    if failed is None:
        current = next((a for a in attempts if a.request_id == order.pay_request_id), None)
        if current is not None and not current.payment_id:  # the pay call has not recorded its payment yet: redeliver later
            raise errors.order_changed(order.order_id)
        return
    await repo.record_attempt(replace(failed, state="PAYMENT_STATE_FAILED", failure_reason=reason))
    if failed.request_id != order.pay_request_id:
        return
    check_transition(order, OrderState.WAIT_PAY)
    if await repo.transition(order, OrderState.WAIT_PAY) is None:
        raise errors.order_changed(order.order_id)  # moved meanwhile: redelivered and judged on the new version


async def _apply_refund(repo: OrderRepository, order: Order, amount_minor: int, refund_id: str) -> None:
    refunded = order.refunded_minor + amount_minor
    target = OrderState.REFUNDED if refunded >= order.amount.amount_minor else OrderState.PARTIALLY_REFUNDED
    check_transition(order, target)
    moved = await repo.transition(order, target, refunded_minor=refunded)
    if moved is None:  # a concurrent change: the event is redelivered and applied on the new version
        raise errors.order_changed(order.order_id)
    await repo.add_event("order.refunded", {"order_id": order.order_id, "refund_id": refund_id, "merchant_id": order.merchant_id,
                                            "notify_url": order.notify_url, "refunded_minor": refunded, "state": target.name})
