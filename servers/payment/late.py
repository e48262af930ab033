"""Late success after FAILED: a channel SUCCESS for an instruction whose payment already failed
(or whose instruction already failed — a later attempt of the channel succeeded after all). The
money is accounted for, never lost, and the payment is never flipped back: the capture is
recorded once per institution order (duplicated notifications are no-ops) with a
`payment.late_success` event in the consumer's transaction, then booked channel clearing →
platform suspense (business code LATE_SUCCESS) after commit; the janitor books any left over."""
from __future__ import annotations

from servers.kernel.money import Money
from servers.payment.channel_refunds import channel_instruction_id
from servers.payment.domain import ChannelRefund, Instruction, InstructionState, LateCapture, Payment, PaymentState
from servers.payment.ports import LedgerPort, PaymentRepository, UnitOfWork


def too_late(payment: Payment, instruction: Instruction, inst_order_id: str = "") -> bool:
    """A SUCCESS the payment can no longer take: it FAILED, this instruction already failed, or the
    instruction was already paid by another institution order (an earlier attempt the channel captured
    after all, found by reconciliation): a second capture for one instruction."""
    return (payment.state == PaymentState.FAILED or instruction.state in (InstructionState.FAILED, InstructionState.COMPENSATED)
            or (instruction.state == InstructionState.PROCESSING and instruction.channel_result == "FAIL")
            or (instruction.channel_result == "SUCCESS" and bool(inst_order_id) and bool(instruction.inst_order_id)
                and inst_order_id != instruction.inst_order_id))


async def record(repo: PaymentRepository, payment: Payment, instruction: Instruction, inst_order: dict, settled: int,
                 payload: dict) -> str | None:
    """Records the late capture; the payment id to book after commit, None if already recorded."""
    capture = LateCapture(inst_order.get("inst_order_id", "") or f"ins:{instruction.instruction_id}", payment.payment_id,
                          instruction.instruction_id, inst_order.get("channel_id", "") or instruction.channel_id,
                          Money(instruction.amount.currency_code, settled or instruction.amount.amount_minor))
    if not await repo.record_late_capture(capture):
        return None
    await repo.add_event("payment.late_success", {**payload, "inst_order_id": capture.inst_order_id,
                                                  "instruction_id": capture.instruction_id,
                                                  "late_capture_minor": capture.amount.amount_minor})
    return payment.payment_id


async def book(uow: UnitOfWork, ledger: LedgerPort, payment: Payment) -> None:
    """Books each unbooked late capture of the payment into suspense (idempotent per institution order)
    and, in the same transaction as the booking mark, plans its automatic channel refund
    (`late-refund:<inst order>`, suspense → clearing once the channel confirms; channel_refunds.py)."""
    for capture in await uow(lambda repo: repo.late_captures(payment.payment_id)):
        if capture.booked:
            continue
        ids = await ledger.book_late_capture(payment, capture)

        async def mark(repo: PaymentRepository, c: LateCapture = capture, t: tuple[str, ...] = tuple(ids)) -> None:
            await repo.mark_late_capture_booked(c.inst_order_id, t)
            if c.channel_id and not c.inst_order_id.startswith("ins:"):  # a real institution order to refund
                key = f"late-refund:{c.inst_order_id}"
                await repo.record_refunds([ChannelRefund(key, c.payment_id, "LATE_CAPTURE", channel_instruction_id(key), c.inst_order_id,
                                                         c.channel_id, c.amount.currency_code, 0, c.amount.amount_minor)])
        await uow(mark)
