"""Refunds the engine sends through a channel by itself: a duplicate payment with channel parts,
a late capture (money parked in suspense), a resolved REVIEW. Crash-safe in three steps, each
safe to repeat (the request, the refund's channel event and the janitor all call `run`):

  1. the refund rows are recorded in the transaction that decides them        (PK refund_key)
  2. SubmitRefund to the channel, idempotent on refund_key                   PENDING → SUBMITTED
  3. the channel's verdict (a REFUND inst_order event) is recorded on the row; on SUCCESS the
     money is booked out of merchant pending / suspense into channel clearing (ledger request
     channel-refund:<key>), then SUBMITTED → SUCCEEDED with an event; on FAIL → FAILED (the
     money stays where it was, for operations) with payment.channel_refund_failed.
A balance part (channel_id "") has no channel step: it is booked merchant pending → wallet."""
from __future__ import annotations

import hashlib

from servers.kernel.errors import Unavailable
from servers.payment import errors
from servers.payment.domain import ChannelRefund, Instruction, Payment
from servers.payment.ports import ChannelRefunder, LedgerPort, PaymentRepository, UnitOfWork


def channel_instruction_id(refund_key: str) -> str:
    """The id the channel knows the refund by (stable per key, short)."""
    return "crf_" + hashlib.sha256(refund_key.encode()).hexdigest()[:24]


def for_instruction(payment: Payment, instruction: Instruction, key: str, source: str, merchant_minor: int, suspense_minor: int,
                    fee_back_minor: int = 0) -> ChannelRefund:
    channel = instruction.channel_id if instruction.tool == "channel" else ""
    return ChannelRefund(key, payment.payment_id, source, channel_instruction_id(key), instruction.inst_order_id if channel else "",
                         channel, instruction.amount.currency_code, merchant_minor, suspense_minor, fee_back_minor)


async def on_event(repo: PaymentRepository, inst_order: dict) -> str | None:
    """Records a REFUND order's verdict on its row; the payment id to run after commit (None: not ours / not final)."""
    state = inst_order.get("state", "").removeprefix("INST_ORDER_STATE_")
    if state not in ("SUCCESS", "FAIL"):
        return None
    reason = inst_order.get("result_code", "").removeprefix("RESULT_CODE_") or "CHANNEL_DECLINED"
    return await repo.record_refund_result(inst_order.get("instruction_id", ""), state, inst_order.get("inst_order_id", ""),
                                           reason if state == "FAIL" else "")


async def run(uow: UnitOfWork, refunder: ChannelRefunder | None, ledger: LedgerPort, payment: Payment) -> None:
    """Moves every unfinished refund of the payment on as far as it can go (idempotent, CAS per step)."""
    for row in await uow(lambda repo: repo.channel_refunds(payment.payment_id)):
        if row.state == "PENDING" and row.channel_id:
            if refunder is None:
                continue
            try:
                inst_order_id = await refunder.submit_refund(payment, row)
            except errors.Declined as declined:  # the channel refused: nothing moved, left for operations
                await uow(lambda repo, r=row, why=declined.reason: _fail(repo, payment, r, "PENDING", why))
                continue
            except Unavailable:  # no answer: the row stays PENDING and the janitor sends it again (same key)
                continue
            await uow(lambda repo, r=row, io=inst_order_id: repo.set_refund(r.refund_key, "PENDING", "SUBMITTED", inst_order_id=io))
            row = next((r for r in await uow(lambda repo: repo.channel_refunds(payment.payment_id)) if r.refund_key == row.refund_key), row)
        if (row.state == "PENDING" and not row.channel_id) or (row.state == "SUBMITTED" and row.channel_result == "SUCCESS"):
            try:
                ids = await ledger.book_channel_refund(payment, row)
            except Unavailable:  # the janitor books it later (idempotent per key)
                continue
            await uow(lambda repo, r=row, t=tuple(ids): _succeed(repo, payment, r, t))
        elif row.state == "SUBMITTED" and row.channel_result == "FAIL":
            await uow(lambda repo, r=row: _fail(repo, payment, r, "SUBMITTED", r.failure_reason))


async def _succeed(repo: PaymentRepository, payment: Payment, row: ChannelRefund, ids: tuple[str, ...]) -> None:
    if not await repo.set_refund(row.refund_key, row.state, "SUCCEEDED", ledger_transfer_ids=ids):
        return
    await repo.add_event("payment.channel_refunded", _payload(payment, row))
    if row.source == "DUPLICATE" and all(r.state == "SUCCEEDED" for r in await repo.channel_refunds(payment.payment_id)
                                         if r.source == "DUPLICATE"):
        await repo.add_event("payment.duplicate_refunded", {**_payload(payment, row), "manual_refund": False})


async def _fail(repo: PaymentRepository, payment: Payment, row: ChannelRefund, expected: str, reason: str) -> None:
    if await repo.set_refund(row.refund_key, expected, "FAILED", failure_reason=reason or "CHANNEL_DECLINED"):
        await repo.add_event("payment.channel_refund_failed", {**_payload(payment, row), "failure_reason": reason})


def _payload(payment: Payment, row: ChannelRefund) -> dict:
    return {"payment_id": payment.payment_id, "order_id": payment.order_id, "merchant_id": payment.merchant_id,
            "refund_key": row.refund_key, "source": row.source, "channel_id": row.channel_id,
            "amount_minor": row.amount.amount_minor, "currency_code": row.currency_code}
