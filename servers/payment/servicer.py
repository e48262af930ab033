"""gRPC ↔ payment handlers. Translation only: errors are mapped by the kernel interceptor."""
from __future__ import annotations

from google.protobuf.timestamp_pb2 import Timestamp

from paymesh.payment.v1 import payment_pb2 as pb, payment_service_pb2 as api, payment_service_pb2_grpc as rpc
from servers.kernel.context import current_context_id
from servers.kernel.idempotency import request_hash
from servers.kernel.money import Money
from servers.payment import handlers
from servers.payment.domain import Payment, PaymentMethod, PayOrder
from servers.payment.ports import LedgerPort, UnitOfWork


def _ts(value) -> Timestamp:
    ts = Timestamp()
    if value is not None:
        ts.FromDatetime(value)
    return ts


def payment_pb(p: Payment) -> pb.Payment:
    return pb.Payment(
        payment_id=p.payment_id, request_id=p.request_id, kind=int(p.kind), order_id=p.order_id, merchant_id=p.merchant_id,
        payer_member_id=p.payer_member_id, amount=p.amount.to_proto(), fee=(p.fee or Money.zero(p.amount.currency_code)).to_proto(),
        method=int(p.method), state=int(p.state), failure_reason=p.failure_reason, context_id=p.context_id,
        create_time=_ts(p.create_time), update_time=_ts(p.update_time), ledger_transfer_ids=list(p.ledger_transfer_ids))


class PaymentServicer(rpc.PaymentServiceServicer):
    def __init__(self, uow: UnitOfWork, ledger: LedgerPort):
        self.uow, self.ledger = uow, ledger

    async def CreatePayment(self, request, context):
        cmd = PayOrder(request.request_id, request_hash(request), request.order_id, request.merchant_id, request.payer_member_id,
                       Money.from_proto(request.amount), PaymentMethod(request.method), current_context_id())
        payment = await handlers.pay_order(self.uow, self.ledger, cmd)
        return api.CreatePaymentResponse(payment=payment_pb(payment))

    async def GetPayment(self, request, context):
        return api.GetPaymentResponse(payment=payment_pb(await handlers.get_payment(self.uow, request.payment_id)))
