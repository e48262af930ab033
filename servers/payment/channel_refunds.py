"""Refunds sent through a channel: a merchant's refund of a payment with channel parts (source
REFUND, one row per paid instruction it is routed back to, `refund:<refund payment>:<seq>`), and
the engine's own — a duplicate payment with channel parts, a late capture (money parked in
suspense), a resolved REVIEW. Crash-safe in three steps, each
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
from servers.payment.domain import ChannelRefund, Instruction, InstructionState, Payment, PaymentState, event_payload
from servers.payment.ports import ChannelRefunder, LedgerPort, PaymentRepository, UnitOfWork


def channel_instruction_id(refund_key: str) -> str:
    """The id the channel knows the refund by (stable per key, short)."""
    return "crf_" + hashlib.sha256(refund_key.encode()).hexdigest()[:24]


def for_instruction(payment: Payment, instruction: Instruction, key: str, source: str, merchant_minor: int, suspense_minor: int,
                    fee_back_minor: int = 0) -> ChannelRefund:
    channel = instruction.channel_id if instruction.tool == "channel" else ""
    return ChannelRefund(key, payment.payment_id, source, channel_instruction_id(key), instruction.inst_order_id if channel else "",
                         channel, instruction.amount.currency_code, merchant_minor, suspense_minor, fee_back_minor)


def merchant_refund_rows(original: Payment, refund_id: str, amount_minor: int, fee_back_minor: int,
                         existing: list[ChannelRefund]) -> list[ChannelRefund] | None:
    """A merchant refund routed back to the original tools: the paid instructions last first (a
    combination's card part before its balance part), each at most what it paid net of the earlier
    merchant refunds routed to it (failed ones give their room back); the fee share on the first row.
    None when the instructions cannot take the amount (the caller's reservation makes that a bug)."""
    used: dict[int, int] = {}
    for r in existing:
        if r.source == "REFUND" and r.state != "FAILED":
            seq = int(r.refund_key.rsplit(":", 1)[1])
            used[seq] = used.get(seq, 0) + r.merchant_minor
    rows, left = [], amount_minor
    for ins in reversed(original.instructions):
        room = ins.amount.amount_minor - used.get(ins.seq, 0) if ins.state == InstructionState.SUCCEEDED else 0
        take = min(room, left)
        if take > 0:
            rows.append(for_instruction(original, ins, f"refund:{refund_id}:{ins.seq}", "REFUND", take, 0,
                                        0 if rows else fee_back_minor))
            left -= take
    return rows if left == 0 else None


def refund_of(row: ChannelRefund) -> str:
    """The merchant refund (a REFUND payment's id) a row belongs to; "" for the engine's own refunds."""
    return row.refund_key.split(":")[1] if row.source == "REFUND" else ""


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
    await _finish_merchant_refund(repo, payment, row)
    if row.source == "DUPLICATE" and all(r.state == "SUCCEEDED" for r in await repo.channel_refunds(payment.payment_id)
                                         if r.source == "DUPLICATE"):
        await repo.add_event("payment.duplicate_refunded", {**_payload(payment, row), "manual_refund": False})


async def _fail(repo: PaymentRepository, payment: Payment, row: ChannelRefund, expected: str, reason: str) -> None:
    if await repo.set_refund(row.refund_key, expected, "FAILED", failure_reason=reason or "CHANNEL_DECLINED"):
        await repo.add_event("payment.channel_refund_failed", {**_payload(payment, row), "failure_reason": reason})
        await _finish_merchant_refund(repo, payment, row)


async def _finish_merchant_refund(repo: PaymentRepository, payment: Payment, row: ChannelRefund) -> None:
    """Once every row of a merchant refund is final, in the transaction of the last one: all
    SUCCEEDED → the REFUND payment SUCCEEDED (`payment.refunded`: trade moves the order); a FAILED
    row gives its amount back to the original's refundable balance, and the refund FAILS
    (`payment.refund_failed`; PARTIALLY_REFUNDED when other rows moved money — their part stays refunded)."""
    refund_id = refund_of(row)
    if not refund_id:
        return
    rows = [r for r in await repo.channel_refunds(payment.payment_id) if refund_of(r) == refund_id]
    if any(r.state not in ("SUCCEEDED", "FAILED") for r in rows):
        return
    refund_payment = await repo.get(refund_id)
    if refund_payment is None or refund_payment.state != PaymentState.PROCESSING:
        return
    failed = [r for r in rows if r.state == "FAILED"]
    ids = tuple(t for r in rows for t in r.ledger_transfer_ids)
    if not failed:
        if await repo.transition(refund_payment, PaymentState.SUCCEEDED, ledger_transfer_ids=ids) is None:
            return
        event = "payment.refunded"
    else:
        reason = "PARTIALLY_REFUNDED" if len(failed) < len(rows) else failed[0].failure_reason or "CHANNEL_DECLINED"
        if await repo.transition(refund_payment, PaymentState.FAILED, ledger_transfer_ids=ids, failure_reason=reason) is None:
            return
        await repo.add_refunded(payment.payment_id, -sum(r.merchant_minor for r in failed))
        event = "payment.refund_failed"
    done = await repo.get(refund_id)
    assert done is not None
    await repo.add_event(event, event_payload(done))


def _payload(payment: Payment, row: ChannelRefund) -> dict:
    return {"payment_id": payment.payment_id, "order_id": payment.order_id, "merchant_id": payment.merchant_id,
            "refund_key": row.refund_key, "source": row.source, "channel_id": row.channel_id,
            "amount_minor": row.amount.amount_minor, "currency_code": row.currency_code}
