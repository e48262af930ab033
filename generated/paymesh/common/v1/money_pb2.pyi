from paymesh.common.v1 import options_pb2 as _options_pb2
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from typing import ClassVar as _ClassVar, Optional as _Optional

DESCRIPTOR: _descriptor.FileDescriptor

class Money(_message.Message):
    __slots__ = ("currency_code", "amount_minor")
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_MINOR_FIELD_NUMBER: _ClassVar[int]
    currency_code: str
    amount_minor: int
    def __init__(self, currency_code: _Optional[str] = ..., amount_minor: _Optional[int] = ...) -> None: ...

class BusinessRef(_message.Message):
    __slots__ = ("order_id", "payment_id", "refund_id", "settlement_batch_id")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    REFUND_ID_FIELD_NUMBER: _ClassVar[int]
    SETTLEMENT_BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    payment_id: str
    refund_id: str
    settlement_batch_id: str
    def __init__(self, order_id: _Optional[str] = ..., payment_id: _Optional[str] = ..., refund_id: _Optional[str] = ..., settlement_batch_id: _Optional[str] = ...) -> None: ...
