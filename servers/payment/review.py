"""Resolving a payment held in REVIEW (the channel captured another amount than asked). Operations
decide; each step is a compare-and-set, so a retry (same request_id) or the janitor finishes a
decision interrupted by a crash:

  1. record the decision on the payment (resolution, maker, request id) with its channel refunds
  2. ACCEPT: charge the fee, CAS REVIEW → SUCCEEDED (payment.succeeded: the order is PAID; a
     duplicate is still detected); REFUND: CAS REVIEW → FAILED REVIEW_REFUNDED (payment.failed:
     the order can be paid again)
  3. the refunds run (channel_refunds.run): ACCEPT refunds the excess parked in suspense;
     REFUND gives back every captured part (channel refund, balance back to the wallet).
ACCEPT is refused for a capture below the amount asked: the merchant would be paid less than
the order while trade, settlement and the integrity check all hold the order amount."""
from __future__ import annotations

from dataclasses import dataclass

from servers.kernel.errors import FailedPrecondition
from servers.payment import channel_refunds, errors
from servers.payment.domain import InstructionState, Payment, PaymentState
from servers.payment.ports import ChannelRefunder, LedgerPort, PaymentRepository, UnitOfWork

DECISIONS = {1: "ACCEPT", 2: "REFUND"}


@dataclass(frozen=True)
class ResolveReview:
    request_id: str
    payment_id: str
    decision: str  # ACCEPT | REFUND
    operator_id: str
    note: str = ""


def not_in_review(payment: Payment) -> FailedPrecondition:
    return FailedPrecondition("PAYMENT_NOT_IN_REVIEW", f"payment {payment.payment_id} is {payment.state.name}"
                              + (f", resolved {payment.review_resolution}" if payment.review_resolution else ""),
                              {"payment_id": payment.payment_id, "state": payment.state.name})


def not_acceptable(payment: Payment) -> FailedPrecondition:
    return FailedPrecondition("REVIEW_NOT_ACCEPTABLE", f"payment {payment.payment_id} captured less than asked; resolve it with REFUND",
                              {"payment_id": payment.payment_id, "review_reason": payment.review_reason})


def refunds_for(payment: Payment, decision: str) -> list:
    """ACCEPT: the excess of each over-captured instruction (parked in suspense). REFUND: every executed part
    — a channel part what was booked to the merchant plus any excess in suspense, a balance part its amount."""
    rows = []
    for ins in payment.instructions:
        if ins.state != InstructionState.SUCCEEDED:
            continue
        booked = min(ins.captured.amount_minor, ins.amount.amount_minor) if ins.tool == "channel" else ins.amount.amount_minor
        excess = max(0, ins.captured.amount_minor - ins.amount.amount_minor) if ins.tool == "channel" else 0
        if decision == "ACCEPT" and excess:
            rows.append(channel_refunds.for_instruction(payment, ins, f"review:{payment.payment_id}:{ins.seq}", "REVIEW_EXCESS", 0, excess))
        elif decision == "REFUND" and booked + excess:
            rows.append(channel_refunds.for_instruction(payment, ins, f"review:{payment.payment_id}:{ins.seq}", "REVIEW_REFUND",
                                                        booked, excess))
    return rows


async def resolve(uow: UnitOfWork, ledger: LedgerPort, refunder: ChannelRefunder | None, cmd: ResolveReview) -> Payment:
    async def decide(repo: PaymentRepository) -> Payment:
        payment = await repo.get(cmd.payment_id)
        if payment is None:
            raise errors.payment_not_found(cmd.payment_id)
        if payment.review_resolution:  # decided before: the same request resumes it, any other is refused
            if payment.resolution_request_id == cmd.request_id and payment.review_resolution == cmd.decision:
                return payment
            raise not_in_review(payment)
        if payment.state != PaymentState.REVIEW:
            raise not_in_review(payment)
        if cmd.decision == "ACCEPT" and any(i.mismatched and i.captured.amount_minor < i.amount.amount_minor for i in payment.instructions):
            raise not_acceptable(payment)
        moved = await repo.transition(payment, PaymentState.REVIEW, review_resolution=cmd.decision, resolved_by=cmd.operator_id,
                                      resolution_note=cmd.note, resolution_request_id=cmd.request_id)
        if moved is None:
            return await decide(repo)  # a concurrent decision won: judge against it
        await repo.record_refunds(refunds_for(moved, cmd.decision))
        await repo.add_event("payment.review_resolved", {"payment_id": moved.payment_id, "order_id": moved.order_id,
                                                         "decision": cmd.decision, "resolved_by": cmd.operator_id})
        return moved

    payment = await uow(decide)
    return await finish(uow, ledger, refunder, payment)


async def finish(uow: UnitOfWork, ledger: LedgerPort, refunder: ChannelRefunder | None, payment: Payment) -> Payment:
    """Steps 2–3 of a recorded decision; safe to repeat."""
    from servers.payment import handlers

    if payment.state == PaymentState.REVIEW:
        if payment.review_resolution == "ACCEPT":
            ids = list(payment.ledger_transfer_ids)
            if payment.fee and payment.fee.is_positive:
                ids += await ledger.charge_fee(payment)
            done = await uow(lambda repo: handlers.finish_review(repo, payment, PaymentState.SUCCEEDED, ledger_transfer_ids=tuple(ids)))
            await handlers.refund_duplicate(uow, refunder, ledger, done)  # the order was paid meanwhile by another payment
        else:
            await uow(lambda repo: handlers.finish_review(repo, payment, PaymentState.FAILED, failure_reason="REVIEW_REFUNDED"))
    await channel_refunds.run(uow, refunder, ledger, payment)
    return await handlers.get_payment(uow, payment.payment_id)
