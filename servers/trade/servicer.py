"""gRPC ↔ trade handlers. Translation only: errors are mapped by the kernel interceptor."""
from __future__ import annotations

from google.protobuf.timestamp_pb2 import Timestamp

from paymesh.trade.v1 import trade_pb2 as pb, trade_service_pb2 as api, trade_service_pb2_grpc as rpc
from servers.kernel.context import current_context_id
from servers.kernel.money import Money
from servers.trade import handlers
from servers.trade.domain import Order
from servers.trade.ports import PaymentPort, UnitOfWork

# Trade's PayMethod and payment's PaymentMethod share their numbers (BALANCE = 1, ...).


def _ts(value) -> Timestamp:
    ts = Timestamp()
    if value is not None:
        ts.FromDatetime(value)
    return ts


def order_pb(o: Order) -> pb.Order:
    return pb.Order(
        order_id=o.order_id, merchant_id=o.merchant_id, out_trade_no=o.out_trade_no, product_code=o.product_code, subject=o.subject,
        amount=o.amount.to_proto(), payer_member_id=o.payer_member_id, notify_url=o.notify_url, state=int(o.state),
        expire_time=_ts(o.expire_time), payment_id=o.payment_id, context_id=o.context_id, create_time=_ts(o.create_time),
        update_time=_ts(o.update_time), refunded=Money(o.amount.currency_code, o.refunded_minor).to_proto())


class TradeServicer(rpc.TradeServiceServicer):
    def __init__(self, uow: UnitOfWork, payments: PaymentPort):
        self.uow, self.payments = uow, payments

    async def CreateOrder(self, request, context):
        cmd = handlers.CreateOrder(request.merchant_id, request.out_trade_no, request.product_code, request.subject,
                                   Money.from_proto(request.amount), request.payer_member_id, request.notify_url,
                                   request.expire_seconds, current_context_id())
        return api.CreateOrderResponse(order=order_pb(await handlers.create_order(self.uow, cmd)))

    async def GetOrder(self, request, context):
        return api.GetOrderResponse(order=order_pb(await handlers.get_order(self.uow, request.order_id)))

    async def PayOrder(self, request, context):
        order, result = await handlers.pay_order(self.uow, self.payments, request.order_id, request.request_id, request.method,
                                                 request.risk_ticket)
        reply = api.PayOrderResponse(order=order_pb(order), payment_id=order.payment_id)
        if result is not None:
            reply.payment_id, reply.payment_state, reply.failure_reason = result.payment_id, result.state, result.failure_reason
        return reply
