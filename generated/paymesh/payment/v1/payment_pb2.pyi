import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from paymesh.common.v1 import money_pb2 as _money_pb2
from paymesh.common.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PaymentMethod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PAYMENT_METHOD_UNSPECIFIED: _ClassVar[PaymentMethod]
    PAYMENT_METHOD_BALANCE: _ClassVar[PaymentMethod]
    PAYMENT_METHOD_CARD_3DS: _ClassVar[PaymentMethod]
    PAYMENT_METHOD_CARD_NON_3DS: _ClassVar[PaymentMethod]
    PAYMENT_METHOD_BANK_TRANSFER: _ClassVar[PaymentMethod]

class PaymentKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PAYMENT_KIND_UNSPECIFIED: _ClassVar[PaymentKind]
    PAYMENT_KIND_ORDER: _ClassVar[PaymentKind]
    PAYMENT_KIND_TOP_UP: _ClassVar[PaymentKind]
    PAYMENT_KIND_WITHDRAW: _ClassVar[PaymentKind]
    PAYMENT_KIND_REFUND: _ClassVar[PaymentKind]
    PAYMENT_KIND_TRANSFER: _ClassVar[PaymentKind]

class PaymentState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PAYMENT_STATE_UNSPECIFIED: _ClassVar[PaymentState]
    PAYMENT_STATE_CREATED: _ClassVar[PaymentState]
    PAYMENT_STATE_PROCESSING: _ClassVar[PaymentState]
    PAYMENT_STATE_SUCCEEDED: _ClassVar[PaymentState]
    PAYMENT_STATE_FAILED: _ClassVar[PaymentState]
    PAYMENT_STATE_UNKNOWN: _ClassVar[PaymentState]
    PAYMENT_STATE_REVIEW: _ClassVar[PaymentState]

class InstructionState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INSTRUCTION_STATE_UNSPECIFIED: _ClassVar[InstructionState]
    INSTRUCTION_STATE_PENDING: _ClassVar[InstructionState]
    INSTRUCTION_STATE_SUCCEEDED: _ClassVar[InstructionState]
    INSTRUCTION_STATE_FAILED: _ClassVar[InstructionState]
    INSTRUCTION_STATE_COMPENSATED: _ClassVar[InstructionState]
    INSTRUCTION_STATE_PROCESSING: _ClassVar[InstructionState]

class SettlementBatchState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SETTLEMENT_BATCH_STATE_UNSPECIFIED: _ClassVar[SettlementBatchState]
    SETTLEMENT_BATCH_STATE_OPEN: _ClassVar[SettlementBatchState]
    SETTLEMENT_BATCH_STATE_SETTLED: _ClassVar[SettlementBatchState]
    SETTLEMENT_BATCH_STATE_CANCELLED: _ClassVar[SettlementBatchState]

class SettlementMode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SETTLEMENT_MODE_UNSPECIFIED: _ClassVar[SettlementMode]
    SETTLEMENT_MODE_MANUAL: _ClassVar[SettlementMode]
    SETTLEMENT_MODE_AUTO: _ClassVar[SettlementMode]
    SETTLEMENT_MODE_PERIODIC: _ClassVar[SettlementMode]

class DisputeState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DISPUTE_STATE_UNSPECIFIED: _ClassVar[DisputeState]
    DISPUTE_STATE_OPEN: _ClassVar[DisputeState]
    DISPUTE_STATE_WON: _ClassVar[DisputeState]
    DISPUTE_STATE_LOST: _ClassVar[DisputeState]
PAYMENT_METHOD_UNSPECIFIED: PaymentMethod
PAYMENT_METHOD_BALANCE: PaymentMethod
PAYMENT_METHOD_CARD_3DS: PaymentMethod
PAYMENT_METHOD_CARD_NON_3DS: PaymentMethod
PAYMENT_METHOD_BANK_TRANSFER: PaymentMethod
PAYMENT_KIND_UNSPECIFIED: PaymentKind
PAYMENT_KIND_ORDER: PaymentKind
PAYMENT_KIND_TOP_UP: PaymentKind
PAYMENT_KIND_WITHDRAW: PaymentKind
PAYMENT_KIND_REFUND: PaymentKind
PAYMENT_KIND_TRANSFER: PaymentKind
PAYMENT_STATE_UNSPECIFIED: PaymentState
PAYMENT_STATE_CREATED: PaymentState
PAYMENT_STATE_PROCESSING: PaymentState
PAYMENT_STATE_SUCCEEDED: PaymentState
PAYMENT_STATE_FAILED: PaymentState
PAYMENT_STATE_UNKNOWN: PaymentState
PAYMENT_STATE_REVIEW: PaymentState
INSTRUCTION_STATE_UNSPECIFIED: InstructionState
INSTRUCTION_STATE_PENDING: InstructionState
INSTRUCTION_STATE_SUCCEEDED: InstructionState
INSTRUCTION_STATE_FAILED: InstructionState
INSTRUCTION_STATE_COMPENSATED: InstructionState
INSTRUCTION_STATE_PROCESSING: InstructionState
SETTLEMENT_BATCH_STATE_UNSPECIFIED: SettlementBatchState
SETTLEMENT_BATCH_STATE_OPEN: SettlementBatchState
SETTLEMENT_BATCH_STATE_SETTLED: SettlementBatchState
SETTLEMENT_BATCH_STATE_CANCELLED: SettlementBatchState
SETTLEMENT_MODE_UNSPECIFIED: SettlementMode
SETTLEMENT_MODE_MANUAL: SettlementMode
SETTLEMENT_MODE_AUTO: SettlementMode
SETTLEMENT_MODE_PERIODIC: SettlementMode
DISPUTE_STATE_UNSPECIFIED: DisputeState
DISPUTE_STATE_OPEN: DisputeState
DISPUTE_STATE_WON: DisputeState
DISPUTE_STATE_LOST: DisputeState

class Payment(_message.Message):
    __slots__ = ("payment_id", "request_id", "kind", "order_id", "merchant_id", "payer_member_id", "amount", "fee", "method", "state", "failure_reason", "context_id", "create_time", "update_time", "ledger_transfer_ids", "fee_plan_version", "original_payment_id", "refunded", "to_member_id", "instructions", "captured", "review_reason", "duplicate_of", "late_capture", "review_resolution", "resolved_by", "channel_refunds")
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    PAYER_MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    FEE_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    FAILURE_REASON_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_ID_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    LEDGER_TRANSFER_IDS_FIELD_NUMBER: _ClassVar[int]
    FEE_PLAN_VERSION_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    REFUNDED_FIELD_NUMBER: _ClassVar[int]
    TO_MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    INSTRUCTIONS_FIELD_NUMBER: _ClassVar[int]
    CAPTURED_FIELD_NUMBER: _ClassVar[int]
    REVIEW_REASON_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_OF_FIELD_NUMBER: _ClassVar[int]
    LATE_CAPTURE_FIELD_NUMBER: _ClassVar[int]
    REVIEW_RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_BY_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_REFUNDS_FIELD_NUMBER: _ClassVar[int]
    payment_id: str
    request_id: str
    kind: PaymentKind
    order_id: str
    merchant_id: str
    payer_member_id: str
    amount: _money_pb2.Money
    fee: _money_pb2.Money
    method: PaymentMethod
    state: PaymentState
    failure_reason: str
    context_id: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    ledger_transfer_ids: _containers.RepeatedScalarFieldContainer[str]
    fee_plan_version: int
    original_payment_id: str
    refunded: _money_pb2.Money
    to_member_id: str
    instructions: _containers.RepeatedCompositeFieldContainer[Instruction]
    captured: _money_pb2.Money
    review_reason: str
    duplicate_of: str
    late_capture: _money_pb2.Money
    review_resolution: str
    resolved_by: str
    channel_refunds: _containers.RepeatedCompositeFieldContainer[ChannelRefund]
    def __init__(self, payment_id: _Optional[str] = ..., request_id: _Optional[str] = ..., kind: _Optional[_Union[PaymentKind, str]] = ..., order_id: _Optional[str] = ..., merchant_id: _Optional[str] = ..., payer_member_id: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., fee: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., method: _Optional[_Union[PaymentMethod, str]] = ..., state: _Optional[_Union[PaymentState, str]] = ..., failure_reason: _Optional[str] = ..., context_id: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., ledger_transfer_ids: _Optional[_Iterable[str]] = ..., fee_plan_version: _Optional[int] = ..., original_payment_id: _Optional[str] = ..., refunded: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., to_member_id: _Optional[str] = ..., instructions: _Optional[_Iterable[_Union[Instruction, _Mapping]]] = ..., captured: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., review_reason: _Optional[str] = ..., duplicate_of: _Optional[str] = ..., late_capture: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., review_resolution: _Optional[str] = ..., resolved_by: _Optional[str] = ..., channel_refunds: _Optional[_Iterable[_Union[ChannelRefund, _Mapping]]] = ...) -> None: ...

class ChannelRefund(_message.Message):
    __slots__ = ("refund_key", "source", "inst_order_id", "channel_id", "amount", "state", "ledger_transfer_ids")
    REFUND_KEY_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    INST_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    LEDGER_TRANSFER_IDS_FIELD_NUMBER: _ClassVar[int]
    refund_key: str
    source: str
    inst_order_id: str
    channel_id: str
    amount: _money_pb2.Money
    state: str
    ledger_transfer_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, refund_key: _Optional[str] = ..., source: _Optional[str] = ..., inst_order_id: _Optional[str] = ..., channel_id: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., state: _Optional[str] = ..., ledger_transfer_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class Instruction(_message.Message):
    __slots__ = ("instruction_id", "seq", "method", "amount", "state", "tool", "ledger_transfer_ids", "failure_reason", "inst_order_id", "redirect_url", "channel_id")
    INSTRUCTION_ID_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    TOOL_FIELD_NUMBER: _ClassVar[int]
    LEDGER_TRANSFER_IDS_FIELD_NUMBER: _ClassVar[int]
    FAILURE_REASON_FIELD_NUMBER: _ClassVar[int]
    INST_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    REDIRECT_URL_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    instruction_id: str
    seq: int
    method: PaymentMethod
    amount: _money_pb2.Money
    state: InstructionState
    tool: str
    ledger_transfer_ids: _containers.RepeatedScalarFieldContainer[str]
    failure_reason: str
    inst_order_id: str
    redirect_url: str
    channel_id: str
    def __init__(self, instruction_id: _Optional[str] = ..., seq: _Optional[int] = ..., method: _Optional[_Union[PaymentMethod, str]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., state: _Optional[_Union[InstructionState, str]] = ..., tool: _Optional[str] = ..., ledger_transfer_ids: _Optional[_Iterable[str]] = ..., failure_reason: _Optional[str] = ..., inst_order_id: _Optional[str] = ..., redirect_url: _Optional[str] = ..., channel_id: _Optional[str] = ...) -> None: ...

class FeeRule(_message.Message):
    __slots__ = ("method", "currency_code", "percent_bps", "fixed_minor", "min_minor", "max_minor")
    METHOD_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    PERCENT_BPS_FIELD_NUMBER: _ClassVar[int]
    FIXED_MINOR_FIELD_NUMBER: _ClassVar[int]
    MIN_MINOR_FIELD_NUMBER: _ClassVar[int]
    MAX_MINOR_FIELD_NUMBER: _ClassVar[int]
    method: PaymentMethod
    currency_code: str
    percent_bps: int
    fixed_minor: int
    min_minor: int
    max_minor: int
    def __init__(self, method: _Optional[_Union[PaymentMethod, str]] = ..., currency_code: _Optional[str] = ..., percent_bps: _Optional[int] = ..., fixed_minor: _Optional[int] = ..., min_minor: _Optional[int] = ..., max_minor: _Optional[int] = ...) -> None: ...

class FeePlan(_message.Message):
    __slots__ = ("merchant_id", "version", "rules", "create_time")
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    RULES_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    merchant_id: str
    version: int
    rules: _containers.RepeatedCompositeFieldContainer[FeeRule]
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, merchant_id: _Optional[str] = ..., version: _Optional[int] = ..., rules: _Optional[_Iterable[_Union[FeeRule, _Mapping]]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SettlementSchedule(_message.Message):
    __slots__ = ("cutoff_local_time", "time_zone", "delay_days")
    CUTOFF_LOCAL_TIME_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    DELAY_DAYS_FIELD_NUMBER: _ClassVar[int]
    cutoff_local_time: str
    time_zone: str
    delay_days: int
    def __init__(self, cutoff_local_time: _Optional[str] = ..., time_zone: _Optional[str] = ..., delay_days: _Optional[int] = ...) -> None: ...

class Dispute(_message.Message):
    __slots__ = ("dispute_id", "payment_id", "merchant_id", "amount", "state", "reason", "ledger_transfer_ids", "create_time", "close_time")
    DISPUTE_ID_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    LEDGER_TRANSFER_IDS_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CLOSE_TIME_FIELD_NUMBER: _ClassVar[int]
    dispute_id: str
    payment_id: str
    merchant_id: str
    amount: _money_pb2.Money
    state: DisputeState
    reason: str
    ledger_transfer_ids: _containers.RepeatedScalarFieldContainer[str]
    create_time: _timestamp_pb2.Timestamp
    close_time: _timestamp_pb2.Timestamp
    def __init__(self, dispute_id: _Optional[str] = ..., payment_id: _Optional[str] = ..., merchant_id: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., state: _Optional[_Union[DisputeState, str]] = ..., reason: _Optional[str] = ..., ledger_transfer_ids: _Optional[_Iterable[str]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., close_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class SettlementConfig(_message.Message):
    __slots__ = ("merchant_id", "mode", "update_time", "schedule")
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    SCHEDULE_FIELD_NUMBER: _ClassVar[int]
    merchant_id: str
    mode: SettlementMode
    update_time: _timestamp_pb2.Timestamp
    schedule: SettlementSchedule
    def __init__(self, merchant_id: _Optional[str] = ..., mode: _Optional[_Union[SettlementMode, str]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., schedule: _Optional[_Union[SettlementSchedule, _Mapping]] = ...) -> None: ...

class SettlementBatch(_message.Message):
    __slots__ = ("batch_id", "merchant_id", "cutoff_time", "gross", "fees", "refunds", "net", "line_count", "state", "create_time", "request_id")
    BATCH_ID_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    CUTOFF_TIME_FIELD_NUMBER: _ClassVar[int]
    GROSS_FIELD_NUMBER: _ClassVar[int]
    FEES_FIELD_NUMBER: _ClassVar[int]
    REFUNDS_FIELD_NUMBER: _ClassVar[int]
    NET_FIELD_NUMBER: _ClassVar[int]
    LINE_COUNT_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    batch_id: str
    merchant_id: str
    cutoff_time: _timestamp_pb2.Timestamp
    gross: _money_pb2.Money
    fees: _money_pb2.Money
    refunds: _money_pb2.Money
    net: _money_pb2.Money
    line_count: int
    state: SettlementBatchState
    create_time: _timestamp_pb2.Timestamp
    request_id: str
    def __init__(self, batch_id: _Optional[str] = ..., merchant_id: _Optional[str] = ..., cutoff_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., gross: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., fees: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., refunds: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., net: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., line_count: _Optional[int] = ..., state: _Optional[_Union[SettlementBatchState, str]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...
