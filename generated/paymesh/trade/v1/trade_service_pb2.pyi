import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from paymesh.common.v1 import money_pb2 as _money_pb2
from paymesh.common.v1 import options_pb2 as _options_pb2
from paymesh.trade.v1 import trade_pb2 as _trade_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class WebhookDeliveryState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    WEBHOOK_DELIVERY_STATE_UNSPECIFIED: _ClassVar[WebhookDeliveryState]
    WEBHOOK_DELIVERY_STATE_PENDING: _ClassVar[WebhookDeliveryState]
    WEBHOOK_DELIVERY_STATE_DELIVERED: _ClassVar[WebhookDeliveryState]
    WEBHOOK_DELIVERY_STATE_FAILED: _ClassVar[WebhookDeliveryState]
WEBHOOK_DELIVERY_STATE_UNSPECIFIED: WebhookDeliveryState
WEBHOOK_DELIVERY_STATE_PENDING: WebhookDeliveryState
WEBHOOK_DELIVERY_STATE_DELIVERED: WebhookDeliveryState
WEBHOOK_DELIVERY_STATE_FAILED: WebhookDeliveryState

class CreateOrderRequest(_message.Message):
    __slots__ = ("merchant_id", "out_trade_no", "product_code", "subject", "amount", "payer_member_id", "notify_url", "expire_seconds")
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    OUT_TRADE_NO_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_CODE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PAYER_MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    NOTIFY_URL_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    merchant_id: str
    out_trade_no: str
    product_code: str
    subject: str
    amount: _money_pb2.Money
    payer_member_id: str
    notify_url: str
    expire_seconds: int
    def __init__(self, merchant_id: _Optional[str] = ..., out_trade_no: _Optional[str] = ..., product_code: _Optional[str] = ..., subject: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., payer_member_id: _Optional[str] = ..., notify_url: _Optional[str] = ..., expire_seconds: _Optional[int] = ...) -> None: ...

class CreateOrderResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: _trade_pb2.Order
    def __init__(self, order: _Optional[_Union[_trade_pb2.Order, _Mapping]] = ...) -> None: ...

class GetOrderRequest(_message.Message):
    __slots__ = ("order_id",)
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    def __init__(self, order_id: _Optional[str] = ...) -> None: ...

class GetOrderResponse(_message.Message):
    __slots__ = ("order", "payments")
    ORDER_FIELD_NUMBER: _ClassVar[int]
    PAYMENTS_FIELD_NUMBER: _ClassVar[int]
    order: _trade_pb2.Order
    payments: _containers.RepeatedCompositeFieldContainer[_trade_pb2.OrderPayment]
    def __init__(self, order: _Optional[_Union[_trade_pb2.Order, _Mapping]] = ..., payments: _Optional[_Iterable[_Union[_trade_pb2.OrderPayment, _Mapping]]] = ...) -> None: ...

class ListOrdersRequest(_message.Message):
    __slots__ = ("merchant_id", "state", "start_time", "end_time", "page_size", "page_token")
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    merchant_id: str
    state: _trade_pb2.OrderState
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    page_size: int
    page_token: str
    def __init__(self, merchant_id: _Optional[str] = ..., state: _Optional[_Union[_trade_pb2.OrderState, str]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListOrdersResponse(_message.Message):
    __slots__ = ("orders", "next_page_token")
    ORDERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    orders: _containers.RepeatedCompositeFieldContainer[_trade_pb2.Order]
    next_page_token: str
    def __init__(self, orders: _Optional[_Iterable[_Union[_trade_pb2.Order, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CloseOrderRequest(_message.Message):
    __slots__ = ("order_id",)
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    def __init__(self, order_id: _Optional[str] = ...) -> None: ...

class CloseOrderResponse(_message.Message):
    __slots__ = ("order",)
    ORDER_FIELD_NUMBER: _ClassVar[int]
    order: _trade_pb2.Order
    def __init__(self, order: _Optional[_Union[_trade_pb2.Order, _Mapping]] = ...) -> None: ...

class PayOrderRequest(_message.Message):
    __slots__ = ("order_id", "request_id", "method", "risk_ticket", "card_id", "device_id", "client_ip")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    RISK_TICKET_FIELD_NUMBER: _ClassVar[int]
    CARD_ID_FIELD_NUMBER: _ClassVar[int]
    DEVICE_ID_FIELD_NUMBER: _ClassVar[int]
    CLIENT_IP_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    request_id: str
    method: _trade_pb2.PayMethod
    risk_ticket: str
    card_id: str
    device_id: str
    client_ip: str
    def __init__(self, order_id: _Optional[str] = ..., request_id: _Optional[str] = ..., method: _Optional[_Union[_trade_pb2.PayMethod, str]] = ..., risk_ticket: _Optional[str] = ..., card_id: _Optional[str] = ..., device_id: _Optional[str] = ..., client_ip: _Optional[str] = ...) -> None: ...

class PayOrderResponse(_message.Message):
    __slots__ = ("order", "payment_id", "payment_state", "failure_reason")
    ORDER_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_STATE_FIELD_NUMBER: _ClassVar[int]
    FAILURE_REASON_FIELD_NUMBER: _ClassVar[int]
    order: _trade_pb2.Order
    payment_id: str
    payment_state: str
    failure_reason: str
    def __init__(self, order: _Optional[_Union[_trade_pb2.Order, _Mapping]] = ..., payment_id: _Optional[str] = ..., payment_state: _Optional[str] = ..., failure_reason: _Optional[str] = ...) -> None: ...

class RefundOrderRequest(_message.Message):
    __slots__ = ("order_id", "request_id", "amount", "reason")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    request_id: str
    amount: _money_pb2.Money
    reason: str
    def __init__(self, order_id: _Optional[str] = ..., request_id: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., reason: _Optional[str] = ...) -> None: ...

class RefundOrderResponse(_message.Message):
    __slots__ = ("order", "refund_id")
    ORDER_FIELD_NUMBER: _ClassVar[int]
    REFUND_ID_FIELD_NUMBER: _ClassVar[int]
    order: _trade_pb2.Order
    refund_id: str
    def __init__(self, order: _Optional[_Union[_trade_pb2.Order, _Mapping]] = ..., refund_id: _Optional[str] = ...) -> None: ...

class CreateCashierTokenRequest(_message.Message):
    __slots__ = ("order_id", "ttl_seconds")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    TTL_SECONDS_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    ttl_seconds: int
    def __init__(self, order_id: _Optional[str] = ..., ttl_seconds: _Optional[int] = ...) -> None: ...

class CreateCashierTokenResponse(_message.Message):
    __slots__ = ("token", "expire_time")
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    token: str
    expire_time: _timestamp_pb2.Timestamp
    def __init__(self, token: _Optional[str] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetCashierRequest(_message.Message):
    __slots__ = ("token",)
    TOKEN_FIELD_NUMBER: _ClassVar[int]
    token: str
    def __init__(self, token: _Optional[str] = ...) -> None: ...

class GetCashierResponse(_message.Message):
    __slots__ = ("order", "methods", "cards", "required_verification", "verifications")
    ORDER_FIELD_NUMBER: _ClassVar[int]
    METHODS_FIELD_NUMBER: _ClassVar[int]
    CARDS_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_VERIFICATION_FIELD_NUMBER: _ClassVar[int]
    VERIFICATIONS_FIELD_NUMBER: _ClassVar[int]
    order: _trade_pb2.Order
    methods: _containers.RepeatedScalarFieldContainer[_trade_pb2.PayMethod]
    cards: _containers.RepeatedCompositeFieldContainer[_trade_pb2.SavedCard]
    required_verification: str
    verifications: _containers.RepeatedCompositeFieldContainer[MethodVerification]
    def __init__(self, order: _Optional[_Union[_trade_pb2.Order, _Mapping]] = ..., methods: _Optional[_Iterable[_Union[_trade_pb2.PayMethod, str]]] = ..., cards: _Optional[_Iterable[_Union[_trade_pb2.SavedCard, _Mapping]]] = ..., required_verification: _Optional[str] = ..., verifications: _Optional[_Iterable[_Union[MethodVerification, _Mapping]]] = ...) -> None: ...

class MethodVerification(_message.Message):
    __slots__ = ("method", "decision", "verifications")
    METHOD_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    VERIFICATIONS_FIELD_NUMBER: _ClassVar[int]
    method: _trade_pb2.PayMethod
    decision: str
    verifications: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, method: _Optional[_Union[_trade_pb2.PayMethod, str]] = ..., decision: _Optional[str] = ..., verifications: _Optional[_Iterable[str]] = ...) -> None: ...

class VerifyPaymentPasswordRequest(_message.Message):
    __slots__ = ("member_id", "password")
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    member_id: str
    password: str
    def __init__(self, member_id: _Optional[str] = ..., password: _Optional[str] = ...) -> None: ...

class VerifyPaymentPasswordResponse(_message.Message):
    __slots__ = ("ok", "attempts_remaining")
    OK_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_REMAINING_FIELD_NUMBER: _ClassVar[int]
    ok: bool
    attempts_remaining: int
    def __init__(self, ok: _Optional[bool] = ..., attempts_remaining: _Optional[int] = ...) -> None: ...

class CreateMemberRequest(_message.Message):
    __slots__ = ("request_id", "display_name", "mobile")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    MOBILE_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    display_name: str
    mobile: str
    def __init__(self, request_id: _Optional[str] = ..., display_name: _Optional[str] = ..., mobile: _Optional[str] = ...) -> None: ...

class CreateMemberResponse(_message.Message):
    __slots__ = ("member",)
    MEMBER_FIELD_NUMBER: _ClassVar[int]
    member: _trade_pb2.Member
    def __init__(self, member: _Optional[_Union[_trade_pb2.Member, _Mapping]] = ...) -> None: ...

class GetMemberRequest(_message.Message):
    __slots__ = ("member_id",)
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    member_id: str
    def __init__(self, member_id: _Optional[str] = ...) -> None: ...

class GetMemberResponse(_message.Message):
    __slots__ = ("member",)
    MEMBER_FIELD_NUMBER: _ClassVar[int]
    member: _trade_pb2.Member
    def __init__(self, member: _Optional[_Union[_trade_pb2.Member, _Mapping]] = ...) -> None: ...

class SetPaymentPasswordRequest(_message.Message):
    __slots__ = ("member_id", "password", "current_password")
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    CURRENT_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    member_id: str
    password: str
    current_password: str
    def __init__(self, member_id: _Optional[str] = ..., password: _Optional[str] = ..., current_password: _Optional[str] = ...) -> None: ...

class SetPaymentPasswordResponse(_message.Message):
    __slots__ = ("member",)
    MEMBER_FIELD_NUMBER: _ClassVar[int]
    member: _trade_pb2.Member
    def __init__(self, member: _Optional[_Union[_trade_pb2.Member, _Mapping]] = ...) -> None: ...

class AddCardRequest(_message.Message):
    __slots__ = ("member_id", "request_id", "card_no", "holder_name", "cvv2", "expiry_month", "expiry_year")
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    CARD_NO_FIELD_NUMBER: _ClassVar[int]
    HOLDER_NAME_FIELD_NUMBER: _ClassVar[int]
    CVV2_FIELD_NUMBER: _ClassVar[int]
    EXPIRY_MONTH_FIELD_NUMBER: _ClassVar[int]
    EXPIRY_YEAR_FIELD_NUMBER: _ClassVar[int]
    member_id: str
    request_id: str
    card_no: str
    holder_name: str
    cvv2: str
    expiry_month: int
    expiry_year: int
    def __init__(self, member_id: _Optional[str] = ..., request_id: _Optional[str] = ..., card_no: _Optional[str] = ..., holder_name: _Optional[str] = ..., cvv2: _Optional[str] = ..., expiry_month: _Optional[int] = ..., expiry_year: _Optional[int] = ...) -> None: ...

class AddCardResponse(_message.Message):
    __slots__ = ("card",)
    CARD_FIELD_NUMBER: _ClassVar[int]
    card: _trade_pb2.SavedCard
    def __init__(self, card: _Optional[_Union[_trade_pb2.SavedCard, _Mapping]] = ...) -> None: ...

class ListCardsRequest(_message.Message):
    __slots__ = ("member_id", "page_size", "page_token")
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    member_id: str
    page_size: int
    page_token: str
    def __init__(self, member_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListCardsResponse(_message.Message):
    __slots__ = ("cards", "next_page_token")
    CARDS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    cards: _containers.RepeatedCompositeFieldContainer[_trade_pb2.SavedCard]
    next_page_token: str
    def __init__(self, cards: _Optional[_Iterable[_Union[_trade_pb2.SavedCard, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RemoveCardRequest(_message.Message):
    __slots__ = ("member_id", "card_id")
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    CARD_ID_FIELD_NUMBER: _ClassVar[int]
    member_id: str
    card_id: str
    def __init__(self, member_id: _Optional[str] = ..., card_id: _Optional[str] = ...) -> None: ...

class RemoveCardResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class WebhookDelivery(_message.Message):
    __slots__ = ("delivery_id", "event_id", "event_type", "order_id", "merchant_id", "url", "state", "attempts", "last_status_code", "last_error", "next_attempt_time", "create_time", "update_time", "delivered_time")
    DELIVERY_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    EVENT_TYPE_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    LAST_STATUS_CODE_FIELD_NUMBER: _ClassVar[int]
    LAST_ERROR_FIELD_NUMBER: _ClassVar[int]
    NEXT_ATTEMPT_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    DELIVERED_TIME_FIELD_NUMBER: _ClassVar[int]
    delivery_id: str
    event_id: str
    event_type: str
    order_id: str
    merchant_id: str
    url: str
    state: WebhookDeliveryState
    attempts: int
    last_status_code: int
    last_error: str
    next_attempt_time: _timestamp_pb2.Timestamp
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    delivered_time: _timestamp_pb2.Timestamp
    def __init__(self, delivery_id: _Optional[str] = ..., event_id: _Optional[str] = ..., event_type: _Optional[str] = ..., order_id: _Optional[str] = ..., merchant_id: _Optional[str] = ..., url: _Optional[str] = ..., state: _Optional[_Union[WebhookDeliveryState, str]] = ..., attempts: _Optional[int] = ..., last_status_code: _Optional[int] = ..., last_error: _Optional[str] = ..., next_attempt_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., delivered_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ListWebhookDeliveriesRequest(_message.Message):
    __slots__ = ("order_id", "merchant_id", "page_size", "page_token")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    merchant_id: str
    page_size: int
    page_token: str
    def __init__(self, order_id: _Optional[str] = ..., merchant_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListWebhookDeliveriesResponse(_message.Message):
    __slots__ = ("deliveries", "next_page_token")
    DELIVERIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    deliveries: _containers.RepeatedCompositeFieldContainer[WebhookDelivery]
    next_page_token: str
    def __init__(self, deliveries: _Optional[_Iterable[_Union[WebhookDelivery, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ResendWebhookRequest(_message.Message):
    __slots__ = ("delivery_id",)
    DELIVERY_ID_FIELD_NUMBER: _ClassVar[int]
    delivery_id: str
    def __init__(self, delivery_id: _Optional[str] = ...) -> None: ...

class ResendWebhookResponse(_message.Message):
    __slots__ = ("delivery",)
    DELIVERY_FIELD_NUMBER: _ClassVar[int]
    delivery: WebhookDelivery
    def __init__(self, delivery: _Optional[_Union[WebhookDelivery, _Mapping]] = ...) -> None: ...

class GetWebhookSecretRequest(_message.Message):
    __slots__ = ("merchant_id",)
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    merchant_id: str
    def __init__(self, merchant_id: _Optional[str] = ...) -> None: ...

class GetWebhookSecretResponse(_message.Message):
    __slots__ = ("merchant_id", "secret", "version")
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    SECRET_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    merchant_id: str
    secret: str
    version: int
    def __init__(self, merchant_id: _Optional[str] = ..., secret: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class RotateWebhookSecretRequest(_message.Message):
    __slots__ = ("merchant_id",)
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    merchant_id: str
    def __init__(self, merchant_id: _Optional[str] = ...) -> None: ...

class RotateWebhookSecretResponse(_message.Message):
    __slots__ = ("merchant_id", "secret", "version")
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    SECRET_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    merchant_id: str
    secret: str
    version: int
    def __init__(self, merchant_id: _Optional[str] = ..., secret: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...
