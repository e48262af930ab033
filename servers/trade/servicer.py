"""gRPC ↔ trade handlers. Translation only: errors are mapped by the kernel interceptor."""
from __future__ import annotations


from paymesh.trade.v1 import trade_pb2 as pb, trade_service_pb2 as api, trade_service_pb2_grpc as rpc
from servers.kernel.context import current_context_id, trusted_merchant
from servers.kernel.money import Money
from servers.trade import cashier, errors, handlers, members, webhooks
from servers.trade.domain import Member, Order, OrderPayment, SavedCard
from servers.trade.ports import CardVault, MemberUnitOfWork, PaymentPort, RiskPort, TokenStore, UnitOfWork
from servers.kernel.timestamps import to_datetime as _time, to_timestamp as _ts

# Trade's PayMethod and payment's PaymentMethod share their numbers (BALANCE = 1, ...).


def order_pb(o: Order) -> pb.Order:
    return pb.Order(
        order_id=o.order_id, merchant_id=o.merchant_id, out_trade_no=o.out_trade_no, product_code=o.product_code, subject=o.subject,
        amount=o.amount.to_proto(), payer_member_id=o.payer_member_id, notify_url=o.notify_url, state=int(o.state),
        expire_time=_ts(o.expire_time), payment_id=o.payment_id, context_id=o.context_id, create_time=_ts(o.create_time),
        update_time=_ts(o.update_time), refunded=Money(o.amount.currency_code, o.refunded_minor).to_proto())


def attempt_pb(a: OrderPayment) -> pb.OrderPayment:
    return pb.OrderPayment(payment_id=a.payment_id, request_id=a.request_id, method=a.method, state=a.state,
                           failure_reason=a.failure_reason, create_time=_ts(a.create_time))


def member_pb(m: Member) -> pb.Member:
    return pb.Member(member_id=m.member_id, display_name=m.display_name, mobile_ticket=m.mobile_ticket,
                     has_payment_password=m.has_payment_password, create_time=_ts(m.create_time))


def card_pb(c: SavedCard) -> pb.SavedCard:
    return pb.SavedCard(card_id=c.card_id, member_id=c.member_id, card_no_ticket=c.card_no_ticket, masked_card_no=c.masked_card_no,
                        card_org=c.card_org, create_time=_ts(c.create_time), expiry_month=c.expiry_month, expiry_year=c.expiry_year)


class TradeServicer(rpc.TradeServiceServicer):
    def __init__(self, uow: UnitOfWork, payments: PaymentPort, risk: RiskPort | None = None, member_uow: MemberUnitOfWork | None = None):
        self.uow, self.payments, self.risk, self.member_uow = uow, payments, risk, member_uow

    async def CreateOrder(self, request, context):
        cmd = handlers.CreateOrder(request.merchant_id, request.out_trade_no, request.product_code, request.subject,
                                   Money.from_proto(request.amount), request.payer_member_id, request.notify_url,
                                   request.expire_seconds, current_context_id())
        return api.CreateOrderResponse(order=order_pb(await handlers.create_order(self.uow, cmd)))

    async def GetOrder(self, request, context):
        order, attempts = await handlers.get_order_with_payments(self.uow, request.order_id)
        if trusted_merchant() and order.merchant_id != trusted_merchant():  # public call: another merchant's order
            raise errors.order_not_found(request.order_id)
        return api.GetOrderResponse(order=order_pb(order), payments=[attempt_pb(a) for a in attempts])

    async def ListOrders(self, request, context):
        page = await handlers.list_orders(self.uow, request.merchant_id, request.state, _time(request.start_time),
                                          _time(request.end_time), request.page_size, request.page_token)
        return api.ListOrdersResponse(orders=[order_pb(o) for o in page.orders], next_page_token=page.next_page_token)

    async def CloseOrder(self, request, context):
        return api.CloseOrderResponse(order=order_pb(await handlers.close_order(self.uow, request.order_id)))

    async def PayOrder(self, request, context):
        card, joined = None, None
        if self.member_uow is not None:
            order = await handlers.get_order(self.uow, request.order_id)
            if request.card_id:
                card = await members.find_card(self.member_uow, order.payer_member_id, request.card_id)
            member = await self.member_uow(lambda repo: repo.get_member(order.payer_member_id))
            joined = member.create_time if member else None
        order, result = await handlers.pay_order(self.uow, self.payments, request.order_id, request.request_id, request.method,
                                                 request.risk_ticket, self.risk, card, request.device_id, request.client_ip, joined)
        reply = api.PayOrderResponse(order=order_pb(order), payment_id=order.payment_id)
        if result is not None:
            reply.payment_id, reply.payment_state, reply.failure_reason = result.payment_id, result.state, result.failure_reason
        return reply

    async def RefundOrder(self, request, context):
        order, result = await handlers.refund_order(self.uow, self.payments, request.order_id, request.request_id,
                                                    Money.from_proto(request.amount), request.reason)
        return api.RefundOrderResponse(order=order_pb(order), refund_id=result.payment_id)


class CashierServicer(rpc.CashierServiceServicer):
    def __init__(self, uow: UnitOfWork, member_uow: MemberUnitOfWork, tokens: TokenStore, risk: RiskPort, table: dict[str, list[int]]):
        self.uow, self.member_uow, self.tokens, self.risk, self.table = uow, member_uow, tokens, risk, table

    async def CreateCashierToken(self, request, context):
        token, expire = await cashier.create_token(self.uow, self.tokens, request.order_id, request.ttl_seconds)
        return api.CreateCashierTokenResponse(token=token, expire_time=_ts(expire))

    async def GetCashier(self, request, context):
        view = await cashier.get_cashier(self.uow, self.member_uow, self.tokens, self.risk, self.table, request.token)
        return api.GetCashierResponse(
            order=order_pb(view.order), methods=view.methods, cards=[card_pb(c) for c in view.cards],
            required_verification=view.required_verification,
            verifications=[api.MethodVerification(method=m, decision=d, verifications=list(v)) for m, d, v in view.verifications])


class MemberServicer(rpc.MemberServiceServicer):
    def __init__(self, uow: MemberUnitOfWork, vault: CardVault, tokens: TokenStore):
        self.uow, self.vault, self.tokens = uow, vault, tokens

    async def CreateMember(self, request, context):
        member = await members.create_member(self.uow, self.vault, request.request_id, request.display_name, request.mobile)
        return api.CreateMemberResponse(member=member_pb(member))

    async def GetMember(self, request, context):
        return api.GetMemberResponse(member=member_pb(await members.get_member(self.uow, request.member_id)))

    async def SetPaymentPassword(self, request, context):
        member = await members.set_payment_password(self.uow, self.tokens, request.member_id, request.password, request.current_password)
        return api.SetPaymentPasswordResponse(member=member_pb(member))

    async def VerifyPaymentPassword(self, request, context):
        ok, remaining = await members.verify_payment_password(self.uow, self.tokens, request.member_id, request.password)
        return api.VerifyPaymentPasswordResponse(ok=ok, attempts_remaining=remaining)

    async def AddCard(self, request, context):
        card = await members.add_card(self.uow, self.vault, request.member_id, request.request_id, request.card_no,
                                      request.holder_name, request.cvv2, request.expiry_month, request.expiry_year)
        return api.AddCardResponse(card=card_pb(card))

    async def ListCards(self, request, context):
        cards, token = await members.list_cards(self.uow, request.member_id, request.page_size, request.page_token)
        return api.ListCardsResponse(cards=[card_pb(c) for c in cards], next_page_token=token)

    async def RemoveCard(self, request, context):
        await members.remove_card(self.uow, request.member_id, request.card_id)
        return api.RemoveCardResponse()


def delivery_pb(d: webhooks.Delivery) -> api.WebhookDelivery:
    return api.WebhookDelivery(
        delivery_id=d.delivery_id, event_id=d.event_id, event_type=d.event_type, order_id=d.order_id, merchant_id=d.merchant_id,
        url=d.url, state=api.WebhookDeliveryState.Value(f"WEBHOOK_DELIVERY_STATE_{d.state}"), attempts=d.attempts,
        last_status_code=d.last_status_code, last_error=d.last_error,
        next_attempt_time=_ts(d.next_attempt_time) if d.state == webhooks.PENDING else None, create_time=_ts(d.create_time),
        update_time=_ts(d.update_time), delivered_time=_ts(d.delivered_time))


class WebhookServicer(rpc.WebhookServiceServicer):
    def __init__(self, store: webhooks.WebhookStore, keyring: webhooks.Keyring, wake=lambda: None):
        self.store, self.keyring, self.wake = store, keyring, wake

    async def ListWebhookDeliveries(self, request, context):
        rows, token = await webhooks.list_deliveries(self.store, request.order_id, request.merchant_id, request.page_size,
                                                     request.page_token)
        return api.ListWebhookDeliveriesResponse(deliveries=[delivery_pb(d) for d in rows], next_page_token=token)

    async def ResendWebhook(self, request, context):
        delivery = await webhooks.resend(self.store, request.delivery_id)
        self.wake()
        return api.ResendWebhookResponse(delivery=delivery_pb(delivery))

    async def GetWebhookSecret(self, request, context):
        secret, version = await webhooks.merchant_secret(self.store, self.keyring, request.merchant_id)
        return api.GetWebhookSecretResponse(merchant_id=request.merchant_id, secret=secret, version=version)

    async def RotateWebhookSecret(self, request, context):
        secret, version = await webhooks.merchant_secret(self.store, self.keyring, request.merchant_id, rotate=True)
        return api.RotateWebhookSecretResponse(merchant_id=request.merchant_id, secret=secret, version=version)
