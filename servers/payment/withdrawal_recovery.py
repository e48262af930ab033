"""The withdrawal crash window: the payout tool takes the ledger hold, submits the payout, and only
then records the instruction PROCESSING. A crash in between leaves the payment PROCESSING with a
PENDING instruction forever (and the channel's verdict event, arriving for an instruction that is
not PROCESSING, is dropped). The janitor finds such withdrawals after a grace period far above
any call deadline and asks the channel and the ledger what really happened:

  - the channel has a payout order for the instruction → record it (PROCESSING, its channel, the
    hold) and, if that order is already final, its verdict; the engine then posts or voids the
    hold as usual;
  - no payout order → nothing was sent: void any hold and FAIL the withdrawal (PAYOUT_NOT_SENT);
    the member may simply withdraw again.
Every write is a compare-and-set on the PENDING instruction, so a late original request loses."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from servers.payment.domain import PAYOUT_TOOL, InstructionState, Payment, PaymentKind, PaymentState
from servers.payment.ports import LedgerPort, PaymentTool, UnitOfWork

GRACE_SECONDS = 120


@dataclass(frozen=True)
class PayoutOrder:
    inst_order_id: str
    channel_id: str
    state: str  # the channel's InstOrderState name without prefix: INIT, SENT, SUCCESS, FAIL, UNKNOWN…


class PayoutProbe(Protocol):
    async def payout_orders(self, instruction_id: str) -> list[PayoutOrder]:
        """The channel's payout orders of the instruction, first attempt first."""

    async def open_holds(self, payment_id: str) -> list[str]:
        """Ledger holds (pending WITHDRAWAL transfers) of the payment that are neither posted nor voided."""


@dataclass(frozen=True)
class Decision:
    action: str  # RECORD | VOID_AND_FAIL | NOTHING
    order: PayoutOrder | None = None


def decide(payment: Payment, orders: list[PayoutOrder]) -> Decision:
    """Pure: what to do with a withdrawal stuck before its payout was recorded."""
    if payment.kind != PaymentKind.WITHDRAW or payment.state != PaymentState.PROCESSING:
        return Decision("NOTHING")
    ins = payment.instructions[0] if payment.instructions else None
    if ins is None or ins.tool != PAYOUT_TOOL or ins.state != InstructionState.PENDING:
        return Decision("NOTHING")
    if orders:
        return Decision("RECORD", orders[0])
    return Decision("VOID_AND_FAIL")


async def recover(uow: UnitOfWork, tools: dict[str, PaymentTool], ledger: LedgerPort, probe: PayoutProbe, payment_id: str) -> Payment:
    from servers.payment import handlers

    payment = await handlers.get_payment(uow, payment_id)
    ins = payment.instructions[0] if payment.instructions else None
    decision = decide(payment, await probe.payout_orders(ins.instruction_id) if ins else [])
    if decision.action == "NOTHING" or ins is None:
        return payment
    holds = await probe.open_holds(payment_id)
    if decision.action == "RECORD":
        order = decision.order
        assert order is not None

        async def record(repo) -> None:
            if not await repo.set_instruction(ins, InstructionState.PENDING, InstructionState.PROCESSING, inst_order_id=order.inst_order_id,
                                              channel_id=order.channel_id, ledger_transfer_ids=tuple(holds)):
                return
            if order.state in ("SUCCESS", "FAIL"):  # its event came while the instruction was PENDING and was dropped
                await repo.record_channel_result(ins.instruction_id, order.state, order.inst_order_id, order.channel_id, 0, "",
                                                 "" if order.state == "SUCCESS" else "CHANNEL_DECLINED")
        await uow(record)
        return await handlers.resume(uow, tools, ledger, payment_id)
    if not await uow(lambda repo: repo.set_instruction(ins, InstructionState.PENDING, InstructionState.FAILED,
                                                       failure_reason="PAYOUT_NOT_SENT", ledger_transfer_ids=tuple(holds))):
        return await handlers.get_payment(uow, payment_id)  # someone else moved it on
    if holds:
        await ledger.void_holds(ins.instruction_id, holds)
    return await handlers.resume(uow, tools, ledger, payment_id)


class GrpcPayoutProbe:
    def __init__(self, mesh):
        self.mesh = mesh

    async def payout_orders(self, instruction_id: str) -> list[PayoutOrder]:
        from paymesh.channel.v1 import channel_pb2, channel_service_pb2 as channel_api

        reply = await self.mesh.channel.ListInstOrders(channel_api.ListInstOrdersRequest(instruction_id=instruction_id, page_size=50))
        orders = sorted((o for o in reply.inst_orders if o.type == channel_pb2.INST_ORDER_TYPE_PAYOUT), key=lambda o: o.attempt)
        return [PayoutOrder(o.inst_order_id, o.channel_id, channel_pb2.InstOrderState.Name(o.state).removeprefix("INST_ORDER_STATE_"))
                for o in orders]

    async def open_holds(self, payment_id: str) -> list[str]:
        from paymesh.ledger.v1 import ledger_pb2, ledger_service_pb2 as ledger_api

        reply = await self.mesh.ledger.ListTransfers(ledger_api.ListTransfersRequest(payment_id=payment_id, page_size=100))
        return [t.transfer_id for t in reply.transfers
                if t.pending and t.business_code == "WITHDRAWAL" and t.state == ledger_pb2.TRANSFER_STATE_PENDING]
