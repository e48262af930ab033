"""gRPC ↔ payment handlers. Translation only: errors are mapped by the kernel interceptor."""
from __future__ import annotations

import datetime as dt

from google.api import httpbody_pb2

from paymesh.payment.v1 import payment_pb2 as pb, payment_service_pb2 as api, payment_service_pb2_grpc as rpc
from servers.kernel.context import current_context_id
from servers.kernel.idempotency import request_hash
from servers.kernel.money import Money
from servers.payment import fees, handlers, review, settlement, settlement_disputes
from servers.payment.domain import (TOPUP_MERCHANT_ID, CardRef, Instruction, MemberTransfer, Payment, PaymentMethod, PayOrder, Refund,
                                    TopUp, Withdrawal)
from servers.payment.ports import LedgerPort, PaymentTool, UnitOfWork
from servers.kernel.timestamps import to_timestamp as _ts


def instruction_pb(i: Instruction) -> pb.Instruction:
    return pb.Instruction(instruction_id=i.instruction_id, seq=i.seq, method=int(i.method), amount=i.amount.to_proto(),
                          state=int(i.state), tool=i.tool, ledger_transfer_ids=list(i.ledger_transfer_ids), failure_reason=i.failure_reason,
                          inst_order_id=i.inst_order_id, redirect_url=i.redirect_url, channel_id=i.channel_id)


def payment_pb(p: Payment) -> pb.Payment:
    currency = p.amount.currency_code
    return pb.Payment(
        payment_id=p.payment_id, request_id=p.request_id, kind=int(p.kind), order_id=p.order_id, merchant_id=p.merchant_id,
        payer_member_id=p.payer_member_id, amount=p.amount.to_proto(), fee=(p.fee or Money.zero(currency)).to_proto(),
        method=int(p.method), state=int(p.state), failure_reason=p.failure_reason, context_id=p.context_id,
        create_time=_ts(p.create_time), update_time=_ts(p.update_time), ledger_transfer_ids=list(p.ledger_transfer_ids),
        fee_plan_version=p.fee_plan_version, original_payment_id=p.original_payment_id,
        refunded=Money(currency, p.refunded_minor).to_proto(), to_member_id=p.to_member_id,
        instructions=[instruction_pb(i) for i in p.instructions],
        captured=Money(currency, p.captured_minor).to_proto() if p.review_reason else None, review_reason=p.review_reason,
        duplicate_of=p.duplicate_of, late_capture=Money(currency, p.late_capture_minor).to_proto() if p.late_capture_minor else None,
        review_resolution=p.review_resolution, resolved_by=p.resolved_by, channel_refunds=[
            pb.ChannelRefund(refund_key=r.refund_key, source=r.source, inst_order_id=r.inst_order_id, channel_id=r.channel_id,
                             amount=r.amount.to_proto(), state=r.state, ledger_transfer_ids=list(r.ledger_transfer_ids))
            for r in p.channel_refunds])


def _card(request) -> CardRef | None:
    if not request.HasField("card"):
        return None
    c = request.card
    return CardRef(c.card_no_ticket, c.card_org, c.card_bin, c.card_last4, c.expiry_month, c.expiry_year, c.cvv2_ticket)


def fee_plan_pb(plan: fees.FeePlan) -> pb.FeePlan:
    return pb.FeePlan(merchant_id=plan.merchant_id, version=plan.version, rules=[
        pb.FeeRule(method=r.method, currency_code=r.currency_code, percent_bps=r.percent_bps, fixed_minor=r.fixed_minor,
                   min_minor=r.min_minor, max_minor=r.max_minor) for r in plan.rules])


def _terms_hash(request: api.CreatePaymentRequest) -> bytes:
    """Idempotency covers what the payment is, not the risk ticket that authorised this try:
    concurrent retries of one attempt each carry a fresh ticket."""
    terms = api.CreatePaymentRequest()
    terms.CopyFrom(request)
    terms.ClearField("risk_ticket")
    return request_hash(terms)


class PaymentServicer(rpc.PaymentServiceServicer):
    def __init__(self, uow: UnitOfWork, tools: dict[str, PaymentTool], ledger: LedgerPort, tool_rules: dict[str, str],
                 topup_merchant_id: str = TOPUP_MERCHANT_ID, trail=None):
        self.uow, self.tools, self.ledger, self.tool_rules = uow, tools, ledger, tool_rules
        self.topup_merchant_id, self.trail = topup_merchant_id, trail

    async def CreatePayment(self, request, context):
        parts = tuple((PaymentMethod(p.method), Money.from_proto(p.amount)) for p in request.parts)
        card = _card(request)
        cmd = PayOrder(request.request_id, _terms_hash(request), request.order_id, request.merchant_id, request.payer_member_id,
                       Money.from_proto(request.amount), PaymentMethod(request.method), current_context_id(), parts, card,
                       request.return_url)
        payment = await handlers.pay_order(self.uow, self.tools, self.ledger, cmd, self.tool_rules)
        return api.CreatePaymentResponse(payment=payment_pb(payment))

    async def GetPayment(self, request, context):
        return api.GetPaymentResponse(payment=payment_pb(await handlers.get_payment(self.uow, request.payment_id)))

    async def GetPaymentTrail(self, request, context):
        payment = await handlers.get_payment(self.uow, request.payment_id)
        transfers = await self.trail.transfers(payment.payment_id)
        orders = await self.trail.inst_orders(payment.payment_id) if any(i.inst_order_id for i in payment.instructions) else []
        return api.GetPaymentTrailResponse(payment=payment_pb(payment), transfers=transfers, inst_orders=orders)

    async def ListPayments(self, request, context):
        payments, token = await handlers.list_payments(self.uow, {"order_id": request.order_id, "merchant_id": request.merchant_id,
                                                                  "context_id": request.context_id}, request.page_size, request.page_token)
        return api.ListPaymentsResponse(payments=[payment_pb(p) for p in payments], next_page_token=token)

    async def CreateRefund(self, request, context):
        cmd = Refund(request.request_id, request_hash(request), request.payment_id, Money.from_proto(request.amount), request.reason,
                     current_context_id())
        return api.CreateRefundResponse(refund=payment_pb(await handlers.refund(self.uow, self.ledger, cmd, refunder=handlers.refunder_of(self.tools))))

    async def CreateTopUp(self, request, context):
        cmd = TopUp(request.request_id, request_hash(request), request.member_id, Money.from_proto(request.amount),
                    PaymentMethod(request.method), current_context_id(), _card(request), request.return_url)
        payment = await handlers.top_up(self.uow, self.tools, self.ledger, cmd, self.tool_rules, self.topup_merchant_id)
        return api.CreateTopUpResponse(payment=payment_pb(payment))

    async def CreateWithdrawal(self, request, context):
        cmd = Withdrawal(request.request_id, request_hash(request), request.member_id, Money.from_proto(request.amount),
                         request.bank_account_ticket, current_context_id())
        return api.CreateWithdrawalResponse(payment=payment_pb(await handlers.withdraw(self.uow, self.tools, self.ledger, cmd)))

    async def CreateMemberTransfer(self, request, context):
        cmd = MemberTransfer(request.request_id, request_hash(request), request.from_member_id, request.to_member_id,
                             Money.from_proto(request.amount), current_context_id())
        return api.CreateMemberTransferResponse(payment=payment_pb(await handlers.member_transfer(self.uow, self.ledger, cmd)))

    async def ResolveReview(self, request, context):
        cmd = review.ResolveReview(request.request_id, request.payment_id, review.DECISIONS[request.decision], request.operator_id,
                                   request.note)
        payment = await review.resolve(self.uow, self.ledger, handlers.refunder_of(self.tools), cmd)
        return api.ResolveReviewResponse(payment=payment_pb(payment))


class FeePlanServicer(rpc.FeePlanServiceServicer):
    def __init__(self, uow: UnitOfWork):
        self.uow = uow

    async def SetFeePlan(self, request, context):
        rules = tuple(fees.FeeRule(r.method, r.currency_code, r.percent_bps, r.fixed_minor, r.min_minor, r.max_minor) for r in request.rules)
        return api.SetFeePlanResponse(plan=fee_plan_pb(await handlers.set_fee_plan(self.uow, request.merchant_id, rules)))

    async def GetFeePlan(self, request, context):
        return api.GetFeePlanResponse(plan=fee_plan_pb(await handlers.get_fee_plan(self.uow, request.merchant_id, request.version)))


def settlement_batch_pb(b: settlement.Batch) -> pb.SettlementBatch:
    return pb.SettlementBatch(batch_id=b.batch_id, merchant_id=b.merchant_id, cutoff_time=_ts(b.cutoff_time),
                              gross=settlement.money(b, b.gross_minor).to_proto(), fees=settlement.money(b, b.fees_minor).to_proto(),
                              refunds=settlement.money(b, b.refunds_minor).to_proto(), net=settlement.money(b, b.net_minor).to_proto(),
                              line_count=b.line_count, state=int(b.state), create_time=_ts(b.create_time), request_id=b.request_id)


def settlement_config_pb(c: settlement.Config) -> pb.SettlementConfig:
    schedule = pb.SettlementSchedule(cutoff_local_time=c.cutoff_local_time, time_zone=c.time_zone, delay_days=c.delay_days)
    return pb.SettlementConfig(merchant_id=c.merchant_id, mode=int(c.mode), update_time=_ts(c.update_time) if c.update_time else None,
                               schedule=schedule if c.mode == settlement.SettlementMode.PERIODIC else None)


def dispute_pb(d: settlement_disputes.Dispute) -> pb.Dispute:
    return pb.Dispute(dispute_id=d.dispute_id, payment_id=d.payment_id, merchant_id=d.merchant_id,
                      amount=Money(d.currency_code, d.amount_minor).to_proto(), state=int(d.state), reason=d.reason,
                      ledger_transfer_ids=list(d.ledger_transfer_ids), create_time=_ts(d.create_time) if d.create_time else None,
                      close_time=_ts(d.close_time) if d.close_time else None)


class SettlementServicer(rpc.SettlementServiceServicer):
    def __init__(self, uow: settlement.SettlementUnitOfWork, locks: settlement.Locks, ledger: settlement.SettlementLedger):
        self.uow, self.locks, self.ledger = uow, locks, ledger

    async def CreateSettlementBatch(self, request, context):
        cutoff = request.cutoff_time.ToDatetime(tzinfo=dt.timezone.utc) if request.HasField("cutoff_time") else None
        cmd = settlement.CreateBatch(request.request_id, request_hash(request), request.merchant_id, cutoff)
        batch = await settlement.create_batch(self.uow, self.locks, self.ledger, cmd)
        return api.CreateSettlementBatchResponse(batch=settlement_batch_pb(batch))

    async def GetSettlementBatch(self, request, context):
        return api.GetSettlementBatchResponse(batch=settlement_batch_pb(await settlement.get_batch(self.uow, request.batch_id)))

    async def ListSettlementBatches(self, request, context):
        batches, token = await settlement.list_batches(self.uow, request.merchant_id, request.page_size, request.page_token)
        return api.ListSettlementBatchesResponse(batches=[settlement_batch_pb(b) for b in batches], next_page_token=token)

    async def GetSettlementReport(self, request, context):
        csv = await settlement.report(self.uow, request.batch_id)
        return httpbody_pb2.HttpBody(content_type="text/csv; charset=utf-8", data=csv.encode())

    async def SetSettlementConfig(self, request, context):
        s = request.schedule
        config = settlement.Config(request.merchant_id, settlement.SettlementMode(request.mode), s.cutoff_local_time, s.time_zone,
                                   s.delay_days)
        return api.SetSettlementConfigResponse(config=settlement_config_pb(await settlement.set_config(self.uow, config)))

    async def GetSettlementConfig(self, request, context):
        return api.GetSettlementConfigResponse(config=settlement_config_pb(await settlement.get_config(self.uow, request.merchant_id)))

    async def OpenDispute(self, request, context):
        cmd = settlement_disputes.OpenDispute(request.request_id, request_hash(request), request.payment_id, request.reason)
        return api.OpenDisputeResponse(dispute=dispute_pb(await settlement_disputes.open_dispute(self.uow, self.locks, cmd)))

    async def CloseDispute(self, request, context):
        dispute = await settlement_disputes.close_dispute(self.uow, self.locks, self.ledger, request.dispute_id,
                                                          settlement_disputes.DisputeState(request.outcome))
        return api.CloseDisputeResponse(dispute=dispute_pb(dispute))

    async def ListDisputes(self, request, context):
        disputes, token = await settlement_disputes.list_disputes(self.uow, request.merchant_id, request.payment_id, request.page_size,
                                                                  request.page_token)
        return api.ListDisputesResponse(disputes=[dispute_pb(d) for d in disputes], next_page_token=token)
