"""Payment tools (plugins) that run instructions: balance → ledger, channel → the channel's async
front, payout → a ledger hold plus the channel's payouts."""
from __future__ import annotations

import grpc

from clients.channel import error_reason
from clients.services import Mesh
from servers.payment import errors
from servers.payment.adapters import GrpcLedger
from servers.payment.domain import ChannelRefund, Instruction, Payment, PaymentMethod


class BalanceTool:
    """Balance → ledger: payer wallet → merchant pending settlement; compensated by reversal."""

    def __init__(self, ledger: GrpcLedger):
        self.ledger = ledger

    async def execute(self, payment: Payment, instruction: Instruction) -> list[str]:
        return await self.ledger.pay_from_wallet(payment, instruction)

    async def compensate(self, payment: Payment, instruction: Instruction) -> None:
        await self.ledger.reverse(f"compensate:{instruction.instruction_id}", list(instruction.ledger_transfer_ids))


def _channel_refusal(exc: grpc.aio.AioRpcError, default: str) -> Exception:
    if exc.code() in (grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND):
        return errors.Declined(error_reason(exc) or default)
    if exc.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
        return errors.channel_unavailable()
    return exc


class PayoutTool:
    """Withdrawals → the channel's payouts, with a ledger hold until the channel confirms: route,
    hold wallet → that channel's clearing (insufficient funds → Declined, nothing sent), then
    SubmitPayout to the same channel (idempotent per instruction) and raise Pending with the hold.
    The engine posts the hold on the payout's SUCCESS and voids it on FAIL."""

    def __init__(self, mesh: Mesh, ledger: GrpcLedger):
        self.mesh, self.ledger = mesh, ledger

    async def execute(self, payment: Payment, instruction: Instruction) -> list[str]:
        from paymesh.channel.v1 import channel_pb2, channel_service_pb2 as channel_api

        try:
            decision = (await self.mesh.routing.Route(channel_api.RouteRequest(context=channel_pb2.RoutingContext(
                operation=channel_pb2.INST_ORDER_TYPE_PAYOUT, method=channel_pb2.PAYMENT_METHOD_BANK_TRANSFER,
                amount=instruction.amount.to_proto(), member_id=payment.payer_member_id)))).decision
        except grpc.aio.AioRpcError as exc:
            raise _channel_refusal(exc, "NO_ROUTE") from None
        holds = await self.ledger.hold_for_payout(payment, instruction, decision.channel_id)
        try:
            reply = await self.mesh.channel.SubmitPayout(channel_api.SubmitPayoutRequest(
                request_id=f"payout:{instruction.instruction_id}", instruction_id=instruction.instruction_id,
                ref={"payment_id": payment.payment_id}, member_id=payment.payer_member_id, amount=instruction.amount.to_proto(),
                bank_account=channel_pb2.BankAccountInstrument(iban_ticket=payment.bank_account_ticket),
                channel_id=decision.channel_id, description="withdrawal"))
        except grpc.aio.AioRpcError as exc:
            refusal = _channel_refusal(exc, "CHANNEL_REFUSED")
            if isinstance(refusal, errors.Declined):  # nothing was sent: release the money at once
                await self.ledger.void_holds(instruction.instruction_id, holds)
            raise refusal from None
        order = reply.inst_order
        raise errors.Pending(order.inst_order_id, order.channel_id or decision.channel_id, "", tuple(holds))

    async def compensate(self, payment: Payment, instruction: Instruction) -> None:
        """A confirmed payout has left for the bank: there is nothing to undo here (a withdrawal is
        a one-instruction plan, so it is never compensated)."""


class ChannelTool:
    """Card and bank parts → the channel service's async front. execute() submits (idempotent
    per instruction) and raises Pending: the verdict arrives as a channel event."""

    _ORGS = {"VISA": 1, "MASTERCARD": 2, "AMEX": 3, "UNIONPAY": 4, "JCB": 5, "DISCOVER": 6, "DINERS": 7, "MAESTRO": 8}
    _METHODS = {PaymentMethod.CARD_3DS: 1, PaymentMethod.CARD_NON_3DS: 1, PaymentMethod.BANK_TRANSFER: 2}

    def __init__(self, mesh: Mesh, ledger: GrpcLedger):
        self.mesh, self.ledger = mesh, ledger

    async def execute(self, payment: Payment, instruction: Instruction) -> list[str]:
        from paymesh.channel.v1 import channel_pb2, channel_service_pb2 as channel_api

        card = payment.card
        if card is None:
            raise errors.card_required()
        three_ds = instruction.method == PaymentMethod.CARD_3DS
        request = channel_api.SubmitPaymentRequest(
            request_id=f"payment:{instruction.instruction_id}", instruction_id=instruction.instruction_id,
            ref={"order_id": payment.order_id, "payment_id": payment.payment_id}, merchant_id=payment.merchant_id,
            member_id=payment.payer_member_id, amount=instruction.amount.to_proto(),
            verification_method=channel_pb2.VERIFICATION_METHOD_THREE_DS if three_ds else channel_pb2.VERIFICATION_METHOD_NONE,
            card=channel_pb2.CardInstrument(card_no_ticket=card.card_no_ticket, cvv2_ticket=card.cvv2_ticket,
                                            card_org=self._ORGS.get(card.card_org, 0), card_bin=card.card_bin,
                                            card_last4=card.card_last4, expiry_month=card.expiry_month, expiry_year=card.expiry_year),
            return_url=payment.return_url, max_attempts=3)
        try:
            reply = await self.mesh.channel.SubmitPayment(request)
        except grpc.aio.AioRpcError as exc:
            if exc.code() in (grpc.StatusCode.FAILED_PRECONDITION, grpc.StatusCode.INVALID_ARGUMENT, grpc.StatusCode.NOT_FOUND):
                raise errors.Declined(error_reason(exc) or "CHANNEL_REFUSED") from None
            if exc.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED):
                raise errors.channel_unavailable() from None
            raise
        order = reply.inst_order
        raise errors.Pending(order.inst_order_id, order.channel_id, order.required_action.redirect_url)

    async def submit_refund(self, payment: Payment, refund: ChannelRefund) -> str:
        """One of the engine's own refunds (channel_refunds.py), idempotent on its key; the refund's institution order id."""
        from paymesh.channel.v1 import channel_service_pb2 as channel_api

        try:
            reply = await self.mesh.channel.SubmitRefund(channel_api.SubmitRefundRequest(
                request_id=refund.refund_key, instruction_id=refund.instruction_id,
                ref={"order_id": payment.order_id, "payment_id": payment.payment_id}, original_inst_order_id=refund.original_inst_order_id,
                amount=refund.amount.to_proto(), reason=refund.source))
        except grpc.aio.AioRpcError as exc:
            raise _channel_refusal(exc, "CHANNEL_REFUSED") from None
        return reply.inst_order.inst_order_id

    async def compensate(self, payment: Payment, instruction: Instruction) -> None:
        from paymesh.channel.v1 import channel_service_pb2 as channel_api

        await self.mesh.channel.SubmitRefund(channel_api.SubmitRefundRequest(
            request_id=f"compensate:{instruction.instruction_id}", instruction_id=f"cmp_{instruction.instruction_id}",
            ref={"order_id": payment.order_id, "payment_id": payment.payment_id}, original_inst_order_id=instruction.inst_order_id,
            amount=instruction.amount.to_proto(), reason="COMPENSATION"))
        await self.ledger.reverse(f"compensate:{instruction.instruction_id}", list(instruction.ledger_transfer_ids))
