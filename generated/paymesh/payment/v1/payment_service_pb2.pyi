import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from paymesh.channel.v1 import channel_pb2 as _channel_pb2
from paymesh.common.v1 import money_pb2 as _money_pb2
from paymesh.common.v1 import options_pb2 as _options_pb2
from paymesh.ledger.v1 import ledger_pb2 as _ledger_pb2
from paymesh.payment.v1 import payment_pb2 as _payment_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ReviewDecision(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REVIEW_DECISION_UNSPECIFIED: _ClassVar[ReviewDecision]
    REVIEW_DECISION_ACCEPT: _ClassVar[ReviewDecision]
    REVIEW_DECISION_REFUND: _ClassVar[ReviewDecision]
REVIEW_DECISION_UNSPECIFIED: ReviewDecision
REVIEW_DECISION_ACCEPT: ReviewDecision
REVIEW_DECISION_REFUND: ReviewDecision

class CreatePaymentRequest(_message.Message):
    __slots__ = ("request_id", "order_id", "merchant_id", "payer_member_id", "amount", "method", "risk_ticket", "parts", "card", "return_url")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    PAYER_MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    RISK_TICKET_FIELD_NUMBER: _ClassVar[int]
    PARTS_FIELD_NUMBER: _ClassVar[int]
    CARD_FIELD_NUMBER: _ClassVar[int]
    RETURN_URL_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    order_id: str
    merchant_id: str
    payer_member_id: str
    amount: _money_pb2.Money
    method: _payment_pb2.PaymentMethod
    risk_ticket: str
    parts: _containers.RepeatedCompositeFieldContainer[PaymentPart]
    card: CardRef
    return_url: str
    def __init__(self, request_id: _Optional[str] = ..., order_id: _Optional[str] = ..., merchant_id: _Optional[str] = ..., payer_member_id: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., method: _Optional[_Union[_payment_pb2.PaymentMethod, str]] = ..., risk_ticket: _Optional[str] = ..., parts: _Optional[_Iterable[_Union[PaymentPart, _Mapping]]] = ..., card: _Optional[_Union[CardRef, _Mapping]] = ..., return_url: _Optional[str] = ...) -> None: ...

class CardRef(_message.Message):
    __slots__ = ("card_no_ticket", "cvv2_ticket", "card_org", "card_bin", "card_last4", "expiry_month", "expiry_year")
    CARD_NO_TICKET_FIELD_NUMBER: _ClassVar[int]
    CVV2_TICKET_FIELD_NUMBER: _ClassVar[int]
    CARD_ORG_FIELD_NUMBER: _ClassVar[int]
    CARD_BIN_FIELD_NUMBER: _ClassVar[int]
    CARD_LAST4_FIELD_NUMBER: _ClassVar[int]
    EXPIRY_MONTH_FIELD_NUMBER: _ClassVar[int]
    EXPIRY_YEAR_FIELD_NUMBER: _ClassVar[int]
    card_no_ticket: str
    cvv2_ticket: str
    card_org: str
    card_bin: str
    card_last4: str
    expiry_month: int
    expiry_year: int
    def __init__(self, card_no_ticket: _Optional[str] = ..., cvv2_ticket: _Optional[str] = ..., card_org: _Optional[str] = ..., card_bin: _Optional[str] = ..., card_last4: _Optional[str] = ..., expiry_month: _Optional[int] = ..., expiry_year: _Optional[int] = ...) -> None: ...

class PaymentPart(_message.Message):
    __slots__ = ("method", "amount")
    METHOD_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    method: _payment_pb2.PaymentMethod
    amount: _money_pb2.Money
    def __init__(self, method: _Optional[_Union[_payment_pb2.PaymentMethod, str]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class CreatePaymentResponse(_message.Message):
    __slots__ = ("payment",)
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    payment: _payment_pb2.Payment
    def __init__(self, payment: _Optional[_Union[_payment_pb2.Payment, _Mapping]] = ...) -> None: ...

class GetPaymentRequest(_message.Message):
    __slots__ = ("payment_id",)
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    payment_id: str
    def __init__(self, payment_id: _Optional[str] = ...) -> None: ...

class GetPaymentResponse(_message.Message):
    __slots__ = ("payment",)
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    payment: _payment_pb2.Payment
    def __init__(self, payment: _Optional[_Union[_payment_pb2.Payment, _Mapping]] = ...) -> None: ...

class ListPaymentsRequest(_message.Message):
    __slots__ = ("order_id", "merchant_id", "page_size", "page_token", "context_id")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_ID_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    merchant_id: str
    page_size: int
    page_token: str
    context_id: str
    def __init__(self, order_id: _Optional[str] = ..., merchant_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ..., context_id: _Optional[str] = ...) -> None: ...

class ListPaymentsResponse(_message.Message):
    __slots__ = ("payments", "next_page_token")
    PAYMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    payments: _containers.RepeatedCompositeFieldContainer[_payment_pb2.Payment]
    next_page_token: str
    def __init__(self, payments: _Optional[_Iterable[_Union[_payment_pb2.Payment, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class CreateRefundRequest(_message.Message):
    __slots__ = ("payment_id", "request_id", "amount", "reason")
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    payment_id: str
    request_id: str
    amount: _money_pb2.Money
    reason: str
    def __init__(self, payment_id: _Optional[str] = ..., request_id: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., reason: _Optional[str] = ...) -> None: ...

class CreateRefundResponse(_message.Message):
    __slots__ = ("refund",)
    REFUND_FIELD_NUMBER: _ClassVar[int]
    refund: _payment_pb2.Payment
    def __init__(self, refund: _Optional[_Union[_payment_pb2.Payment, _Mapping]] = ...) -> None: ...

class CreateTopUpRequest(_message.Message):
    __slots__ = ("request_id", "member_id", "amount", "method", "card", "return_url")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    CARD_FIELD_NUMBER: _ClassVar[int]
    RETURN_URL_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    member_id: str
    amount: _money_pb2.Money
    method: _payment_pb2.PaymentMethod
    card: CardRef
    return_url: str
    def __init__(self, request_id: _Optional[str] = ..., member_id: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., method: _Optional[_Union[_payment_pb2.PaymentMethod, str]] = ..., card: _Optional[_Union[CardRef, _Mapping]] = ..., return_url: _Optional[str] = ...) -> None: ...

class CreateTopUpResponse(_message.Message):
    __slots__ = ("payment",)
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    payment: _payment_pb2.Payment
    def __init__(self, payment: _Optional[_Union[_payment_pb2.Payment, _Mapping]] = ...) -> None: ...

class CreateWithdrawalRequest(_message.Message):
    __slots__ = ("request_id", "member_id", "amount", "bank_account_ticket")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    BANK_ACCOUNT_TICKET_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    member_id: str
    amount: _money_pb2.Money
    bank_account_ticket: str
    def __init__(self, request_id: _Optional[str] = ..., member_id: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., bank_account_ticket: _Optional[str] = ...) -> None: ...

class CreateWithdrawalResponse(_message.Message):
    __slots__ = ("payment",)
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    payment: _payment_pb2.Payment
    def __init__(self, payment: _Optional[_Union[_payment_pb2.Payment, _Mapping]] = ...) -> None: ...

class CreateMemberTransferRequest(_message.Message):
    __slots__ = ("request_id", "from_member_id", "to_member_id", "amount")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    TO_MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    from_member_id: str
    to_member_id: str
    amount: _money_pb2.Money
    def __init__(self, request_id: _Optional[str] = ..., from_member_id: _Optional[str] = ..., to_member_id: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class CreateMemberTransferResponse(_message.Message):
    __slots__ = ("payment",)
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    payment: _payment_pb2.Payment
    def __init__(self, payment: _Optional[_Union[_payment_pb2.Payment, _Mapping]] = ...) -> None: ...

class CreateSettlementBatchRequest(_message.Message):
    __slots__ = ("request_id", "merchant_id", "cutoff_time")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    CUTOFF_TIME_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    merchant_id: str
    cutoff_time: _timestamp_pb2.Timestamp
    def __init__(self, request_id: _Optional[str] = ..., merchant_id: _Optional[str] = ..., cutoff_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class CreateSettlementBatchResponse(_message.Message):
    __slots__ = ("batch",)
    BATCH_FIELD_NUMBER: _ClassVar[int]
    batch: _payment_pb2.SettlementBatch
    def __init__(self, batch: _Optional[_Union[_payment_pb2.SettlementBatch, _Mapping]] = ...) -> None: ...

class GetSettlementBatchRequest(_message.Message):
    __slots__ = ("batch_id",)
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    def __init__(self, batch_id: _Optional[str] = ...) -> None: ...

class GetSettlementBatchResponse(_message.Message):
    __slots__ = ("batch",)
    BATCH_FIELD_NUMBER: _ClassVar[int]
    batch: _payment_pb2.SettlementBatch
    def __init__(self, batch: _Optional[_Union[_payment_pb2.SettlementBatch, _Mapping]] = ...) -> None: ...

class SetSettlementConfigRequest(_message.Message):
    __slots__ = ("merchant_id", "mode", "schedule")
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    merchant_id: str
    mode: _payment_pb2.SettlementMode
    schedule: _payment_pb2.SettlementSchedule
    def __init__(self, merchant_id: _Optional[str] = ..., mode: _Optional[_Union[_payment_pb2.SettlementMode, str]] = ..., schedule: _Optional[_Union[_payment_pb2.SettlementSchedule, _Mapping]] = ...) -> None: ...

class SetSettlementConfigResponse(_message.Message):
    __slots__ = ("config",)
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    config: _payment_pb2.SettlementConfig
    def __init__(self, config: _Optional[_Union[_payment_pb2.SettlementConfig, _Mapping]] = ...) -> None: ...

class GetSettlementReportRequest(_message.Message):
    __slots__ = ("batch_id",)
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    def __init__(self, batch_id: _Optional[str] = ...) -> None: ...

class ListSettlementBatchesRequest(_message.Message):
    __slots__ = ("merchant_id", "page_size", "page_token")
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    merchant_id: str
    page_size: int
    page_token: str
    def __init__(self, merchant_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListSettlementBatchesResponse(_message.Message):
    __slots__ = ("batches", "next_page_token")
    BATCHES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    batches: _containers.RepeatedCompositeFieldContainer[_payment_pb2.SettlementBatch]
    next_page_token: str
    def __init__(self, batches: _Optional[_Iterable[_Union[_payment_pb2.SettlementBatch, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class SetFeePlanRequest(_message.Message):
    __slots__ = ("merchant_id", "rules")
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    RULES_FIELD_NUMBER: _ClassVar[int]
    merchant_id: str
    rules: _containers.RepeatedCompositeFieldContainer[_payment_pb2.FeeRule]
    def __init__(self, merchant_id: _Optional[str] = ..., rules: _Optional[_Iterable[_Union[_payment_pb2.FeeRule, _Mapping]]] = ...) -> None: ...

class SetFeePlanResponse(_message.Message):
    __slots__ = ("plan",)
    PLAN_FIELD_NUMBER: _ClassVar[int]
    plan: _payment_pb2.FeePlan
    def __init__(self, plan: _Optional[_Union[_payment_pb2.FeePlan, _Mapping]] = ...) -> None: ...

class GetFeePlanRequest(_message.Message):
    __slots__ = ("merchant_id", "version")
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    merchant_id: str
    version: int
    def __init__(self, merchant_id: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class GetFeePlanResponse(_message.Message):
    __slots__ = ("plan",)
    PLAN_FIELD_NUMBER: _ClassVar[int]
    plan: _payment_pb2.FeePlan
    def __init__(self, plan: _Optional[_Union[_payment_pb2.FeePlan, _Mapping]] = ...) -> None: ...

class GetPaymentTrailRequest(_message.Message):
    __slots__ = ("payment_id",)
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    payment_id: str
    def __init__(self, payment_id: _Optional[str] = ...) -> None: ...

class GetPaymentTrailResponse(_message.Message):
    __slots__ = ("payment", "transfers", "inst_orders")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    TRANSFERS_FIELD_NUMBER: _ClassVar[int]
    INST_ORDERS_FIELD_NUMBER: _ClassVar[int]
    payment: _payment_pb2.Payment
    transfers: _containers.RepeatedCompositeFieldContainer[_ledger_pb2.Transfer]
    inst_orders: _containers.RepeatedCompositeFieldContainer[_channel_pb2.InstOrder]
    def __init__(self, payment: _Optional[_Union[_payment_pb2.Payment, _Mapping]] = ..., transfers: _Optional[_Iterable[_Union[_ledger_pb2.Transfer, _Mapping]]] = ..., inst_orders: _Optional[_Iterable[_Union[_channel_pb2.InstOrder, _Mapping]]] = ...) -> None: ...

class GetSettlementConfigRequest(_message.Message):
    __slots__ = ("merchant_id",)
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    merchant_id: str
    def __init__(self, merchant_id: _Optional[str] = ...) -> None: ...

class GetSettlementConfigResponse(_message.Message):
    __slots__ = ("config",)
    CONFIG_FIELD_NUMBER: _ClassVar[int]
    config: _payment_pb2.SettlementConfig
    def __init__(self, config: _Optional[_Union[_payment_pb2.SettlementConfig, _Mapping]] = ...) -> None: ...

class OpenDisputeRequest(_message.Message):
    __slots__ = ("request_id", "payment_id", "reason")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    payment_id: str
    reason: str
    def __init__(self, request_id: _Optional[str] = ..., payment_id: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class OpenDisputeResponse(_message.Message):
    __slots__ = ("dispute",)
    DISPUTE_FIELD_NUMBER: _ClassVar[int]
    dispute: _payment_pb2.Dispute
    def __init__(self, dispute: _Optional[_Union[_payment_pb2.Dispute, _Mapping]] = ...) -> None: ...

class CloseDisputeRequest(_message.Message):
    __slots__ = ("dispute_id", "outcome")
    DISPUTE_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    dispute_id: str
    outcome: _payment_pb2.DisputeState
    def __init__(self, dispute_id: _Optional[str] = ..., outcome: _Optional[_Union[_payment_pb2.DisputeState, str]] = ...) -> None: ...

class CloseDisputeResponse(_message.Message):
    __slots__ = ("dispute",)
    DISPUTE_FIELD_NUMBER: _ClassVar[int]
    dispute: _payment_pb2.Dispute
    def __init__(self, dispute: _Optional[_Union[_payment_pb2.Dispute, _Mapping]] = ...) -> None: ...

class ListDisputesRequest(_message.Message):
    __slots__ = ("merchant_id", "payment_id", "page_size", "page_token")
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    merchant_id: str
    payment_id: str
    page_size: int
    page_token: str
    def __init__(self, merchant_id: _Optional[str] = ..., payment_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListDisputesResponse(_message.Message):
    __slots__ = ("disputes", "next_page_token")
    DISPUTES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    disputes: _containers.RepeatedCompositeFieldContainer[_payment_pb2.Dispute]
    next_page_token: str
    def __init__(self, disputes: _Optional[_Iterable[_Union[_payment_pb2.Dispute, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ResolveReviewRequest(_message.Message):
    __slots__ = ("payment_id", "request_id", "decision", "operator_id", "note")
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    OPERATOR_ID_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    payment_id: str
    request_id: str
    decision: ReviewDecision
    operator_id: str
    note: str
    def __init__(self, payment_id: _Optional[str] = ..., request_id: _Optional[str] = ..., decision: _Optional[_Union[ReviewDecision, str]] = ..., operator_id: _Optional[str] = ..., note: _Optional[str] = ...) -> None: ...

class ResolveReviewResponse(_message.Message):
    __slots__ = ("payment",)
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    payment: _payment_pb2.Payment
    def __init__(self, payment: _Optional[_Union[_payment_pb2.Payment, _Mapping]] = ...) -> None: ...
