"""Payment use cases. Each step is its own transaction; every step is safe to repeat, so a
retry with the same request_id after a crash at any point finishes the same payment:

  1. record CREATED (UNIQUE request_id)      crash → retry finds it and resumes
  2. CAS CREATED → PROCESSING                crash → retry resumes from PROCESSING
  3. ledger booking (idempotent per payment) crash → retry re-books: ledger returns the same transfers
  4. CAS PROCESSING → SUCCEEDED | FAILED + outbox event, in one transaction
"""
from __future__ import annotations

from servers.kernel.ids import new_id
from servers.payment import errors
from servers.payment.domain import FINAL, Payment, PaymentKind, PaymentMethod, PaymentState, PayOrder, check_transition
from servers.payment.ports import LedgerPort, PaymentRepository, UnitOfWork

TOPIC = "payment"


async def pay_order(uow: UnitOfWork, ledger: LedgerPort, cmd: PayOrder) -> Payment:
    if cmd.method != PaymentMethod.BALANCE:
        raise errors.method_not_supported(cmd.method.name)
    payment = await uow(lambda repo: _record(repo, cmd))
    if payment.state in FINAL:
        return payment
    if payment.state == PaymentState.CREATED:
        payment = await uow(lambda repo: _move(repo, payment, PaymentState.PROCESSING))
    try:
        transfer_ids = await ledger.book_order_payment(payment)
    except errors.LedgerDeclined as declined:
        return await uow(lambda repo: _finish(repo, payment, PaymentState.FAILED, failure_reason=declined.reason))
    return await uow(lambda repo: _finish(repo, payment, PaymentState.SUCCEEDED, ledger_transfer_ids=tuple(transfer_ids)))


async def _record(repo: PaymentRepository, cmd: PayOrder) -> Payment:
    for _ in range(2):
        found = await repo.find_by_request(cmd.request_id)
        if found is not None:
            payment, digest = found
            if digest != cmd.request_hash:
                raise errors.request_id_reused(cmd.request_id)
            return payment
        payment = Payment(payment_id=new_id("pay"), request_id=cmd.request_id, kind=PaymentKind.ORDER, order_id=cmd.order_id,
                          merchant_id=cmd.merchant_id, payer_member_id=cmd.payer_member_id, amount=cmd.amount,
                          method=cmd.method, state=PaymentState.CREATED, context_id=cmd.context_id)
        if await repo.insert(payment, cmd.request_hash):
            return payment
    raise AssertionError("request_id both exists and does not")


async def _move(repo: PaymentRepository, payment: Payment, target: PaymentState, **changes) -> Payment:
    check_transition(payment.state, target)
    moved = await repo.transition(payment, target, **changes)
    if moved is not None:
        return moved
    current = await repo.get(payment.payment_id)  # someone else moved it: take their result
    assert current is not None
    return current


async def _finish(repo: PaymentRepository, payment: Payment, target: PaymentState, **changes) -> Payment:
    current = await repo.get(payment.payment_id)
    assert current is not None
    if current.state in FINAL:
        return current
    done = await _move(repo, current, target, **changes)
    if done.state == target:
        await repo.add_event(f"payment.{'succeeded' if target == PaymentState.SUCCEEDED else 'failed'}", event_payload(done))
    return done


def event_payload(p: Payment) -> dict:
    return {"payment_id": p.payment_id, "order_id": p.order_id, "merchant_id": p.merchant_id, "state": p.state.name,
            "amount_minor": p.amount.amount_minor, "currency_code": p.amount.currency_code, "failure_reason": p.failure_reason,
            "ledger_transfer_ids": list(p.ledger_transfer_ids)}


async def get_payment(uow: UnitOfWork, payment_id: str) -> Payment:
    async def work(repo: PaymentRepository) -> Payment:
        payment = await repo.get(payment_id)
        if payment is None:
            raise errors.payment_not_found(payment_id)
        return payment
    return await uow(work)
