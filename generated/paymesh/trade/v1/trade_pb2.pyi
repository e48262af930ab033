import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from paymesh.common.v1 import money_pb2 as _money_pb2
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class OrderState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ORDER_STATE_UNSPECIFIED: _ClassVar[OrderState]
    ORDER_STATE_WAIT_PAY: _ClassVar[OrderState]
    ORDER_STATE_PAYING: _ClassVar[OrderState]
    ORDER_STATE_PAID: _ClassVar[OrderState]
    ORDER_STATE_PARTIALLY_REFUNDED: _ClassVar[OrderState]
    ORDER_STATE_REFUNDED: _ClassVar[OrderState]
    ORDER_STATE_CLOSED: _ClassVar[OrderState]

class PayMethod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PAY_METHOD_UNSPECIFIED: _ClassVar[PayMethod]
    PAY_METHOD_BALANCE: _ClassVar[PayMethod]
    PAY_METHOD_CARD_3DS: _ClassVar[PayMethod]
    PAY_METHOD_CARD_NON_3DS: _ClassVar[PayMethod]
    PAY_METHOD_BANK_TRANSFER: _ClassVar[PayMethod]
ORDER_STATE_UNSPECIFIED: OrderState
ORDER_STATE_WAIT_PAY: OrderState
ORDER_STATE_PAYING: OrderState
ORDER_STATE_PAID: OrderState
ORDER_STATE_PARTIALLY_REFUNDED: OrderState
ORDER_STATE_REFUNDED: OrderState
ORDER_STATE_CLOSED: OrderState
PAY_METHOD_UNSPECIFIED: PayMethod
PAY_METHOD_BALANCE: PayMethod
PAY_METHOD_CARD_3DS: PayMethod
PAY_METHOD_CARD_NON_3DS: PayMethod
PAY_METHOD_BANK_TRANSFER: PayMethod

class Order(_message.Message):
    __slots__ = ("order_id", "merchant_id", "out_trade_no", "product_code", "subject", "amount", "payer_member_id", "notify_url", "state", "expire_time", "payment_id", "context_id", "create_time", "update_time", "refunded")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    OUT_TRADE_NO_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_CODE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PAYER_MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    NOTIFY_URL_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_ID_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    REFUNDED_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    merchant_id: str
    out_trade_no: str
    product_code: str
    subject: str
    amount: _money_pb2.Money
    payer_member_id: str
    notify_url: str
    state: OrderState
    expire_time: _timestamp_pb2.Timestamp
    payment_id: str
    context_id: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    refunded: _money_pb2.Money
    def __init__(self, order_id: _Optional[str] = ..., merchant_id: _Optional[str] = ..., out_trade_no: _Optional[str] = ..., product_code: _Optional[str] = ..., subject: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., payer_member_id: _Optional[str] = ..., notify_url: _Optional[str] = ..., state: _Optional[_Union[OrderState, str]] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., payment_id: _Optional[str] = ..., context_id: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., refunded: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class Member(_message.Message):
    __slots__ = ("member_id", "display_name", "mobile_ticket", "has_payment_password", "create_time")
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    MOBILE_TICKET_FIELD_NUMBER: _ClassVar[int]
    HAS_PAYMENT_PASSWORD_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    member_id: str
    display_name: str
    mobile_ticket: str
    has_payment_password: bool
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, member_id: _Optional[str] = ..., display_name: _Optional[str] = ..., mobile_ticket: _Optional[str] = ..., has_payment_password: _Optional[bool] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SavedCard(_message.Message):
    __slots__ = ("card_id", "member_id", "card_no_ticket", "masked_card_no", "card_org", "create_time", "expiry_month", "expiry_year")
    CARD_ID_FIELD_NUMBER: _ClassVar[int]
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    CARD_NO_TICKET_FIELD_NUMBER: _ClassVar[int]
    MASKED_CARD_NO_FIELD_NUMBER: _ClassVar[int]
    CARD_ORG_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    EXPIRY_MONTH_FIELD_NUMBER: _ClassVar[int]
    EXPIRY_YEAR_FIELD_NUMBER: _ClassVar[int]
    card_id: str
    member_id: str
    card_no_ticket: str
    masked_card_no: str
    card_org: str
    create_time: _timestamp_pb2.Timestamp
    expiry_month: int
    expiry_year: int
    def __init__(self, card_id: _Optional[str] = ..., member_id: _Optional[str] = ..., card_no_ticket: _Optional[str] = ..., masked_card_no: _Optional[str] = ..., card_org: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expiry_month: _Optional[int] = ..., expiry_year: _Optional[int] = ...) -> None: ...

class OrderPayment(_message.Message):
    __slots__ = ("payment_id", "request_id", "method", "state", "failure_reason", "create_time")
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    FAILURE_REASON_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    payment_id: str
    request_id: str
    method: PayMethod
    state: str
    failure_reason: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, payment_id: _Optional[str] = ..., request_id: _Optional[str] = ..., method: _Optional[_Union[PayMethod, str]] = ..., state: _Optional[str] = ..., failure_reason: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
