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

class ChannelState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CHANNEL_STATE_UNSPECIFIED: _ClassVar[ChannelState]
    CHANNEL_STATE_ACTIVE: _ClassVar[ChannelState]
    CHANNEL_STATE_PAUSED: _ClassVar[ChannelState]
    CHANNEL_STATE_DISABLED: _ClassVar[ChannelState]

class PaymentMethod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PAYMENT_METHOD_UNSPECIFIED: _ClassVar[PaymentMethod]
    PAYMENT_METHOD_CARD: _ClassVar[PaymentMethod]
    PAYMENT_METHOD_BANK_TRANSFER: _ClassVar[PaymentMethod]
    PAYMENT_METHOD_DIRECT_DEBIT: _ClassVar[PaymentMethod]
    PAYMENT_METHOD_E_WALLET: _ClassVar[PaymentMethod]

class CardOrganization(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CARD_ORGANIZATION_UNSPECIFIED: _ClassVar[CardOrganization]
    CARD_ORGANIZATION_VISA: _ClassVar[CardOrganization]
    CARD_ORGANIZATION_MASTERCARD: _ClassVar[CardOrganization]
    CARD_ORGANIZATION_AMEX: _ClassVar[CardOrganization]
    CARD_ORGANIZATION_UNIONPAY: _ClassVar[CardOrganization]
    CARD_ORGANIZATION_JCB: _ClassVar[CardOrganization]
    CARD_ORGANIZATION_DISCOVER: _ClassVar[CardOrganization]
    CARD_ORGANIZATION_DINERS: _ClassVar[CardOrganization]
    CARD_ORGANIZATION_MAESTRO: _ClassVar[CardOrganization]

class VerificationMethod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    VERIFICATION_METHOD_UNSPECIFIED: _ClassVar[VerificationMethod]
    VERIFICATION_METHOD_NONE: _ClassVar[VerificationMethod]
    VERIFICATION_METHOD_PASSWORD: _ClassVar[VerificationMethod]
    VERIFICATION_METHOD_OTP: _ClassVar[VerificationMethod]
    VERIFICATION_METHOD_THREE_DS: _ClassVar[VerificationMethod]

class ThreeDsCapability(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    THREE_DS_CAPABILITY_UNSPECIFIED: _ClassVar[ThreeDsCapability]
    THREE_DS_CAPABILITY_NONE: _ClassVar[ThreeDsCapability]
    THREE_DS_CAPABILITY_SUPPORTED: _ClassVar[ThreeDsCapability]
    THREE_DS_CAPABILITY_ALWAYS: _ClassVar[ThreeDsCapability]

class InstOrderType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INST_ORDER_TYPE_UNSPECIFIED: _ClassVar[InstOrderType]
    INST_ORDER_TYPE_PAY: _ClassVar[InstOrderType]
    INST_ORDER_TYPE_REFUND: _ClassVar[InstOrderType]
    INST_ORDER_TYPE_PAYOUT: _ClassVar[InstOrderType]

class InstOrderState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    INST_ORDER_STATE_UNSPECIFIED: _ClassVar[InstOrderState]
    INST_ORDER_STATE_INIT: _ClassVar[InstOrderState]
    INST_ORDER_STATE_SENT: _ClassVar[InstOrderState]
    INST_ORDER_STATE_PROCESSING: _ClassVar[InstOrderState]
    INST_ORDER_STATE_REQUIRES_ACTION: _ClassVar[InstOrderState]
    INST_ORDER_STATE_SUCCESS: _ClassVar[InstOrderState]
    INST_ORDER_STATE_FAIL: _ClassVar[InstOrderState]
    INST_ORDER_STATE_UNKNOWN: _ClassVar[InstOrderState]

class ResultCode(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RESULT_CODE_UNSPECIFIED: _ClassVar[ResultCode]
    RESULT_CODE_SUCCESS: _ClassVar[ResultCode]
    RESULT_CODE_PROCESSING: _ClassVar[ResultCode]
    RESULT_CODE_REQUIRES_ACTION: _ClassVar[ResultCode]
    RESULT_CODE_DECLINED: _ClassVar[ResultCode]
    RESULT_CODE_INSUFFICIENT_FUNDS: _ClassVar[ResultCode]
    RESULT_CODE_CARD_EXPIRED: _ClassVar[ResultCode]
    RESULT_CODE_INVALID_CARD: _ClassVar[ResultCode]
    RESULT_CODE_AUTHENTICATION_FAILED: _ClassVar[ResultCode]
    RESULT_CODE_SUSPECTED_FRAUD: _ClassVar[ResultCode]
    RESULT_CODE_LIMIT_EXCEEDED: _ClassVar[ResultCode]
    RESULT_CODE_INVALID_REQUEST: _ClassVar[ResultCode]
    RESULT_CODE_DUPLICATE: _ClassVar[ResultCode]
    RESULT_CODE_CHANNEL_UNAVAILABLE: _ClassVar[ResultCode]
    RESULT_CODE_TIMEOUT: _ClassVar[ResultCode]
    RESULT_CODE_UNMAPPED: _ClassVar[ResultCode]
    RESULT_CODE_SYSTEM_ERROR: _ClassVar[ResultCode]

class RoutingStrategy(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ROUTING_STRATEGY_UNSPECIFIED: _ClassVar[RoutingStrategy]
    ROUTING_STRATEGY_PRIORITY: _ClassVar[RoutingStrategy]
    ROUTING_STRATEGY_LOWEST_FEE: _ClassVar[RoutingStrategy]
    ROUTING_STRATEGY_BEST_SUCCESS_RATE: _ClassVar[RoutingStrategy]
    ROUTING_STRATEGY_LOWEST_LATENCY: _ClassVar[RoutingStrategy]

class RoutingRuleState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ROUTING_RULE_STATE_UNSPECIFIED: _ClassVar[RoutingRuleState]
    ROUTING_RULE_STATE_ACTIVE: _ClassVar[RoutingRuleState]
    ROUTING_RULE_STATE_DISABLED: _ClassVar[RoutingRuleState]

class CircuitState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CIRCUIT_STATE_UNSPECIFIED: _ClassVar[CircuitState]
    CIRCUIT_STATE_CLOSED: _ClassVar[CircuitState]
    CIRCUIT_STATE_OPEN: _ClassVar[CircuitState]
    CIRCUIT_STATE_HALF_OPEN: _ClassVar[CircuitState]

class CandidateStatus(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CANDIDATE_STATUS_UNSPECIFIED: _ClassVar[CandidateStatus]
    CANDIDATE_STATUS_SELECTED: _ClassVar[CandidateStatus]
    CANDIDATE_STATUS_FALLBACK: _ClassVar[CandidateStatus]
    CANDIDATE_STATUS_SKIPPED: _ClassVar[CandidateStatus]

class SkipReason(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SKIP_REASON_UNSPECIFIED: _ClassVar[SkipReason]
    SKIP_REASON_NO_MATCHING_RULE: _ClassVar[SkipReason]
    SKIP_REASON_CHANNEL_INACTIVE: _ClassVar[SkipReason]
    SKIP_REASON_CIRCUIT_OPEN: _ClassVar[SkipReason]
    SKIP_REASON_QUOTA_EXHAUSTED: _ClassVar[SkipReason]
    SKIP_REASON_METHOD_UNSUPPORTED: _ClassVar[SkipReason]
    SKIP_REASON_CARD_ORG_UNSUPPORTED: _ClassVar[SkipReason]
    SKIP_REASON_CURRENCY_UNSUPPORTED: _ClassVar[SkipReason]
    SKIP_REASON_AMOUNT_OUT_OF_RANGE: _ClassVar[SkipReason]
    SKIP_REASON_THREE_DS_MISMATCH: _ClassVar[SkipReason]
    SKIP_REASON_EXCLUDED_BY_CALLER: _ClassVar[SkipReason]
    SKIP_REASON_OTHER_CHANNEL_NAMED: _ClassVar[SkipReason]

class StatementState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STATEMENT_STATE_UNSPECIFIED: _ClassVar[StatementState]
    STATEMENT_STATE_IMPORTING: _ClassVar[StatementState]
    STATEMENT_STATE_IMPORTED: _ClassVar[StatementState]
    STATEMENT_STATE_FAILED: _ClassVar[StatementState]

class StatementSource(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STATEMENT_SOURCE_UNSPECIFIED: _ClassVar[StatementSource]
    STATEMENT_SOURCE_CHANNEL_FETCH: _ClassVar[StatementSource]
    STATEMENT_SOURCE_UFS_FILE: _ClassVar[StatementSource]

class NotificationResult(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    NOTIFICATION_RESULT_UNSPECIFIED: _ClassVar[NotificationResult]
    NOTIFICATION_RESULT_APPLIED: _ClassVar[NotificationResult]
    NOTIFICATION_RESULT_DUPLICATE: _ClassVar[NotificationResult]
    NOTIFICATION_RESULT_STALE: _ClassVar[NotificationResult]
CHANNEL_STATE_UNSPECIFIED: ChannelState
CHANNEL_STATE_ACTIVE: ChannelState
CHANNEL_STATE_PAUSED: ChannelState
CHANNEL_STATE_DISABLED: ChannelState
PAYMENT_METHOD_UNSPECIFIED: PaymentMethod
PAYMENT_METHOD_CARD: PaymentMethod
PAYMENT_METHOD_BANK_TRANSFER: PaymentMethod
PAYMENT_METHOD_DIRECT_DEBIT: PaymentMethod
PAYMENT_METHOD_E_WALLET: PaymentMethod
CARD_ORGANIZATION_UNSPECIFIED: CardOrganization
CARD_ORGANIZATION_VISA: CardOrganization
CARD_ORGANIZATION_MASTERCARD: CardOrganization
CARD_ORGANIZATION_AMEX: CardOrganization
CARD_ORGANIZATION_UNIONPAY: CardOrganization
CARD_ORGANIZATION_JCB: CardOrganization
CARD_ORGANIZATION_DISCOVER: CardOrganization
CARD_ORGANIZATION_DINERS: CardOrganization
CARD_ORGANIZATION_MAESTRO: CardOrganization
VERIFICATION_METHOD_UNSPECIFIED: VerificationMethod
VERIFICATION_METHOD_NONE: VerificationMethod
VERIFICATION_METHOD_PASSWORD: VerificationMethod
VERIFICATION_METHOD_OTP: VerificationMethod
VERIFICATION_METHOD_THREE_DS: VerificationMethod
THREE_DS_CAPABILITY_UNSPECIFIED: ThreeDsCapability
THREE_DS_CAPABILITY_NONE: ThreeDsCapability
THREE_DS_CAPABILITY_SUPPORTED: ThreeDsCapability
THREE_DS_CAPABILITY_ALWAYS: ThreeDsCapability
INST_ORDER_TYPE_UNSPECIFIED: InstOrderType
INST_ORDER_TYPE_PAY: InstOrderType
INST_ORDER_TYPE_REFUND: InstOrderType
INST_ORDER_TYPE_PAYOUT: InstOrderType
INST_ORDER_STATE_UNSPECIFIED: InstOrderState
INST_ORDER_STATE_INIT: InstOrderState
INST_ORDER_STATE_SENT: InstOrderState
INST_ORDER_STATE_PROCESSING: InstOrderState
INST_ORDER_STATE_REQUIRES_ACTION: InstOrderState
INST_ORDER_STATE_SUCCESS: InstOrderState
INST_ORDER_STATE_FAIL: InstOrderState
INST_ORDER_STATE_UNKNOWN: InstOrderState
RESULT_CODE_UNSPECIFIED: ResultCode
RESULT_CODE_SUCCESS: ResultCode
RESULT_CODE_PROCESSING: ResultCode
RESULT_CODE_REQUIRES_ACTION: ResultCode
RESULT_CODE_DECLINED: ResultCode
RESULT_CODE_INSUFFICIENT_FUNDS: ResultCode
RESULT_CODE_CARD_EXPIRED: ResultCode
RESULT_CODE_INVALID_CARD: ResultCode
RESULT_CODE_AUTHENTICATION_FAILED: ResultCode
RESULT_CODE_SUSPECTED_FRAUD: ResultCode
RESULT_CODE_LIMIT_EXCEEDED: ResultCode
RESULT_CODE_INVALID_REQUEST: ResultCode
RESULT_CODE_DUPLICATE: ResultCode
RESULT_CODE_CHANNEL_UNAVAILABLE: ResultCode
RESULT_CODE_TIMEOUT: ResultCode
RESULT_CODE_UNMAPPED: ResultCode
RESULT_CODE_SYSTEM_ERROR: ResultCode
ROUTING_STRATEGY_UNSPECIFIED: RoutingStrategy
ROUTING_STRATEGY_PRIORITY: RoutingStrategy
ROUTING_STRATEGY_LOWEST_FEE: RoutingStrategy
ROUTING_STRATEGY_BEST_SUCCESS_RATE: RoutingStrategy
ROUTING_STRATEGY_LOWEST_LATENCY: RoutingStrategy
ROUTING_RULE_STATE_UNSPECIFIED: RoutingRuleState
ROUTING_RULE_STATE_ACTIVE: RoutingRuleState
ROUTING_RULE_STATE_DISABLED: RoutingRuleState
CIRCUIT_STATE_UNSPECIFIED: CircuitState
CIRCUIT_STATE_CLOSED: CircuitState
CIRCUIT_STATE_OPEN: CircuitState
CIRCUIT_STATE_HALF_OPEN: CircuitState
CANDIDATE_STATUS_UNSPECIFIED: CandidateStatus
CANDIDATE_STATUS_SELECTED: CandidateStatus
CANDIDATE_STATUS_FALLBACK: CandidateStatus
CANDIDATE_STATUS_SKIPPED: CandidateStatus
SKIP_REASON_UNSPECIFIED: SkipReason
SKIP_REASON_NO_MATCHING_RULE: SkipReason
SKIP_REASON_CHANNEL_INACTIVE: SkipReason
SKIP_REASON_CIRCUIT_OPEN: SkipReason
SKIP_REASON_QUOTA_EXHAUSTED: SkipReason
SKIP_REASON_METHOD_UNSUPPORTED: SkipReason
SKIP_REASON_CARD_ORG_UNSUPPORTED: SkipReason
SKIP_REASON_CURRENCY_UNSUPPORTED: SkipReason
SKIP_REASON_AMOUNT_OUT_OF_RANGE: SkipReason
SKIP_REASON_THREE_DS_MISMATCH: SkipReason
SKIP_REASON_EXCLUDED_BY_CALLER: SkipReason
SKIP_REASON_OTHER_CHANNEL_NAMED: SkipReason
STATEMENT_STATE_UNSPECIFIED: StatementState
STATEMENT_STATE_IMPORTING: StatementState
STATEMENT_STATE_IMPORTED: StatementState
STATEMENT_STATE_FAILED: StatementState
STATEMENT_SOURCE_UNSPECIFIED: StatementSource
STATEMENT_SOURCE_CHANNEL_FETCH: StatementSource
STATEMENT_SOURCE_UFS_FILE: StatementSource
NOTIFICATION_RESULT_UNSPECIFIED: NotificationResult
NOTIFICATION_RESULT_APPLIED: NotificationResult
NOTIFICATION_RESULT_DUPLICATE: NotificationResult
NOTIFICATION_RESULT_STALE: NotificationResult

class ChannelCurrency(_message.Message):
    __slots__ = ("currency_code", "fixed_fee", "daily_quota", "min_amount", "max_amount")
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    FIXED_FEE_FIELD_NUMBER: _ClassVar[int]
    DAILY_QUOTA_FIELD_NUMBER: _ClassVar[int]
    MIN_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    MAX_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    currency_code: str
    fixed_fee: _money_pb2.Money
    daily_quota: _money_pb2.Money
    min_amount: _money_pb2.Money
    max_amount: _money_pb2.Money
    def __init__(self, currency_code: _Optional[str] = ..., fixed_fee: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., daily_quota: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., min_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., max_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class ChannelConnector(_message.Message):
    __slots__ = ("adapter", "endpoint", "signing_key_ref", "request_timeout_millis", "query_backoff_seconds")
    ADAPTER_FIELD_NUMBER: _ClassVar[int]
    ENDPOINT_FIELD_NUMBER: _ClassVar[int]
    SIGNING_KEY_REF_FIELD_NUMBER: _ClassVar[int]
    REQUEST_TIMEOUT_MILLIS_FIELD_NUMBER: _ClassVar[int]
    QUERY_BACKOFF_SECONDS_FIELD_NUMBER: _ClassVar[int]
    adapter: str
    endpoint: str
    signing_key_ref: str
    request_timeout_millis: int
    query_backoff_seconds: _containers.RepeatedScalarFieldContainer[int]
    def __init__(self, adapter: _Optional[str] = ..., endpoint: _Optional[str] = ..., signing_key_ref: _Optional[str] = ..., request_timeout_millis: _Optional[int] = ..., query_backoff_seconds: _Optional[_Iterable[int]] = ...) -> None: ...

class ChannelSpec(_message.Message):
    __slots__ = ("display_name", "methods", "card_orgs", "operations", "currencies", "fee_rate_bps", "three_ds", "connector")
    DISPLAY_NAME_FIELD_NUMBER: _ClassVar[int]
    METHODS_FIELD_NUMBER: _ClassVar[int]
    CARD_ORGS_FIELD_NUMBER: _ClassVar[int]
    OPERATIONS_FIELD_NUMBER: _ClassVar[int]
    CURRENCIES_FIELD_NUMBER: _ClassVar[int]
    FEE_RATE_BPS_FIELD_NUMBER: _ClassVar[int]
    THREE_DS_FIELD_NUMBER: _ClassVar[int]
    CONNECTOR_FIELD_NUMBER: _ClassVar[int]
    display_name: str
    methods: _containers.RepeatedScalarFieldContainer[PaymentMethod]
    card_orgs: _containers.RepeatedScalarFieldContainer[CardOrganization]
    operations: _containers.RepeatedScalarFieldContainer[InstOrderType]
    currencies: _containers.RepeatedCompositeFieldContainer[ChannelCurrency]
    fee_rate_bps: int
    three_ds: ThreeDsCapability
    connector: ChannelConnector
    def __init__(self, display_name: _Optional[str] = ..., methods: _Optional[_Iterable[_Union[PaymentMethod, str]]] = ..., card_orgs: _Optional[_Iterable[_Union[CardOrganization, str]]] = ..., operations: _Optional[_Iterable[_Union[InstOrderType, str]]] = ..., currencies: _Optional[_Iterable[_Union[ChannelCurrency, _Mapping]]] = ..., fee_rate_bps: _Optional[int] = ..., three_ds: _Optional[_Union[ThreeDsCapability, str]] = ..., connector: _Optional[_Union[ChannelConnector, _Mapping]] = ...) -> None: ...

class Channel(_message.Message):
    __slots__ = ("channel_id", "state", "spec", "version", "create_time", "update_time")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    state: ChannelState
    spec: ChannelSpec
    version: int
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, channel_id: _Optional[str] = ..., state: _Optional[_Union[ChannelState, str]] = ..., spec: _Optional[_Union[ChannelSpec, _Mapping]] = ..., version: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class QuotaUsage(_message.Message):
    __slots__ = ("daily_quota", "used", "remaining")
    DAILY_QUOTA_FIELD_NUMBER: _ClassVar[int]
    USED_FIELD_NUMBER: _ClassVar[int]
    REMAINING_FIELD_NUMBER: _ClassVar[int]
    daily_quota: _money_pb2.Money
    used: _money_pb2.Money
    remaining: _money_pb2.Money
    def __init__(self, daily_quota: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., used: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., remaining: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class ChannelHealth(_message.Message):
    __slots__ = ("channel_id", "circuit_state", "circuit_retry_time", "window_seconds", "call_count", "success_rate_bps", "latency_ms_p50", "latency_ms_p99", "quota_usage", "update_time")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    CIRCUIT_STATE_FIELD_NUMBER: _ClassVar[int]
    CIRCUIT_RETRY_TIME_FIELD_NUMBER: _ClassVar[int]
    WINDOW_SECONDS_FIELD_NUMBER: _ClassVar[int]
    CALL_COUNT_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_RATE_BPS_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_P50_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_P99_FIELD_NUMBER: _ClassVar[int]
    QUOTA_USAGE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    circuit_state: CircuitState
    circuit_retry_time: _timestamp_pb2.Timestamp
    window_seconds: int
    call_count: int
    success_rate_bps: int
    latency_ms_p50: int
    latency_ms_p99: int
    quota_usage: _containers.RepeatedCompositeFieldContainer[QuotaUsage]
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, channel_id: _Optional[str] = ..., circuit_state: _Optional[_Union[CircuitState, str]] = ..., circuit_retry_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., window_seconds: _Optional[int] = ..., call_count: _Optional[int] = ..., success_rate_bps: _Optional[int] = ..., latency_ms_p50: _Optional[int] = ..., latency_ms_p99: _Optional[int] = ..., quota_usage: _Optional[_Iterable[_Union[QuotaUsage, _Mapping]]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class BinRange(_message.Message):
    __slots__ = ("start_bin", "end_bin")
    START_BIN_FIELD_NUMBER: _ClassVar[int]
    END_BIN_FIELD_NUMBER: _ClassVar[int]
    start_bin: str
    end_bin: str
    def __init__(self, start_bin: _Optional[str] = ..., end_bin: _Optional[str] = ...) -> None: ...

class AmountRange(_message.Message):
    __slots__ = ("min_amount", "max_amount")
    MIN_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    MAX_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    min_amount: _money_pb2.Money
    max_amount: _money_pb2.Money
    def __init__(self, min_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., max_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class RoutingConditions(_message.Message):
    __slots__ = ("operations", "methods", "verification_methods", "card_orgs", "bin_ranges", "currency_codes", "amount_ranges", "merchant_ids", "member_ids")
    OPERATIONS_FIELD_NUMBER: _ClassVar[int]
    METHODS_FIELD_NUMBER: _ClassVar[int]
    VERIFICATION_METHODS_FIELD_NUMBER: _ClassVar[int]
    CARD_ORGS_FIELD_NUMBER: _ClassVar[int]
    BIN_RANGES_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_CODES_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_RANGES_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_IDS_FIELD_NUMBER: _ClassVar[int]
    MEMBER_IDS_FIELD_NUMBER: _ClassVar[int]
    operations: _containers.RepeatedScalarFieldContainer[InstOrderType]
    methods: _containers.RepeatedScalarFieldContainer[PaymentMethod]
    verification_methods: _containers.RepeatedScalarFieldContainer[VerificationMethod]
    card_orgs: _containers.RepeatedScalarFieldContainer[CardOrganization]
    bin_ranges: _containers.RepeatedCompositeFieldContainer[BinRange]
    currency_codes: _containers.RepeatedScalarFieldContainer[str]
    amount_ranges: _containers.RepeatedCompositeFieldContainer[AmountRange]
    merchant_ids: _containers.RepeatedScalarFieldContainer[str]
    member_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, operations: _Optional[_Iterable[_Union[InstOrderType, str]]] = ..., methods: _Optional[_Iterable[_Union[PaymentMethod, str]]] = ..., verification_methods: _Optional[_Iterable[_Union[VerificationMethod, str]]] = ..., card_orgs: _Optional[_Iterable[_Union[CardOrganization, str]]] = ..., bin_ranges: _Optional[_Iterable[_Union[BinRange, _Mapping]]] = ..., currency_codes: _Optional[_Iterable[str]] = ..., amount_ranges: _Optional[_Iterable[_Union[AmountRange, _Mapping]]] = ..., merchant_ids: _Optional[_Iterable[str]] = ..., member_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class RoutingRuleSpec(_message.Message):
    __slots__ = ("name", "description", "priority", "conditions", "channel_ids", "strategy")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    CONDITIONS_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_IDS_FIELD_NUMBER: _ClassVar[int]
    STRATEGY_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    priority: int
    conditions: RoutingConditions
    channel_ids: _containers.RepeatedScalarFieldContainer[str]
    strategy: RoutingStrategy
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., priority: _Optional[int] = ..., conditions: _Optional[_Union[RoutingConditions, _Mapping]] = ..., channel_ids: _Optional[_Iterable[str]] = ..., strategy: _Optional[_Union[RoutingStrategy, str]] = ...) -> None: ...

class RoutingRule(_message.Message):
    __slots__ = ("rule_id", "state", "spec", "version", "create_time", "update_time")
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    rule_id: str
    state: RoutingRuleState
    spec: RoutingRuleSpec
    version: int
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, rule_id: _Optional[str] = ..., state: _Optional[_Union[RoutingRuleState, str]] = ..., spec: _Optional[_Union[RoutingRuleSpec, _Mapping]] = ..., version: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RoutingContext(_message.Message):
    __slots__ = ("operation", "method", "verification_method", "card_org", "card_bin", "amount", "merchant_id", "member_id", "channel_id", "exclude_channel_ids")
    OPERATION_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    VERIFICATION_METHOD_FIELD_NUMBER: _ClassVar[int]
    CARD_ORG_FIELD_NUMBER: _ClassVar[int]
    CARD_BIN_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    EXCLUDE_CHANNEL_IDS_FIELD_NUMBER: _ClassVar[int]
    operation: InstOrderType
    method: PaymentMethod
    verification_method: VerificationMethod
    card_org: CardOrganization
    card_bin: str
    amount: _money_pb2.Money
    merchant_id: str
    member_id: str
    channel_id: str
    exclude_channel_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, operation: _Optional[_Union[InstOrderType, str]] = ..., method: _Optional[_Union[PaymentMethod, str]] = ..., verification_method: _Optional[_Union[VerificationMethod, str]] = ..., card_org: _Optional[_Union[CardOrganization, str]] = ..., card_bin: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., merchant_id: _Optional[str] = ..., member_id: _Optional[str] = ..., channel_id: _Optional[str] = ..., exclude_channel_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class RouteDecision(_message.Message):
    __slots__ = ("channel_id", "fallback_channel_ids", "rule_id", "rule_version", "estimated_fee")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    FALLBACK_CHANNEL_IDS_FIELD_NUMBER: _ClassVar[int]
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_VERSION_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_FEE_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    fallback_channel_ids: _containers.RepeatedScalarFieldContainer[str]
    rule_id: str
    rule_version: int
    estimated_fee: _money_pb2.Money
    def __init__(self, channel_id: _Optional[str] = ..., fallback_channel_ids: _Optional[_Iterable[str]] = ..., rule_id: _Optional[str] = ..., rule_version: _Optional[int] = ..., estimated_fee: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class RouteCandidate(_message.Message):
    __slots__ = ("channel_id", "status", "rank", "skip_reasons", "detail", "estimated_fee", "success_rate_bps", "latency_ms_p99", "remaining_quota", "circuit_state")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    RANK_FIELD_NUMBER: _ClassVar[int]
    SKIP_REASONS_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    ESTIMATED_FEE_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_RATE_BPS_FIELD_NUMBER: _ClassVar[int]
    LATENCY_MS_P99_FIELD_NUMBER: _ClassVar[int]
    REMAINING_QUOTA_FIELD_NUMBER: _ClassVar[int]
    CIRCUIT_STATE_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    status: CandidateStatus
    rank: int
    skip_reasons: _containers.RepeatedScalarFieldContainer[SkipReason]
    detail: str
    estimated_fee: _money_pb2.Money
    success_rate_bps: int
    latency_ms_p99: int
    remaining_quota: _money_pb2.Money
    circuit_state: CircuitState
    def __init__(self, channel_id: _Optional[str] = ..., status: _Optional[_Union[CandidateStatus, str]] = ..., rank: _Optional[int] = ..., skip_reasons: _Optional[_Iterable[_Union[SkipReason, str]]] = ..., detail: _Optional[str] = ..., estimated_fee: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., success_rate_bps: _Optional[int] = ..., latency_ms_p99: _Optional[int] = ..., remaining_quota: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., circuit_state: _Optional[_Union[CircuitState, str]] = ...) -> None: ...

class CardInstrument(_message.Message):
    __slots__ = ("card_no_ticket", "cvv2_ticket", "holder_name_ticket", "expiry_month", "expiry_year", "card_org", "card_bin", "card_last4")
    CARD_NO_TICKET_FIELD_NUMBER: _ClassVar[int]
    CVV2_TICKET_FIELD_NUMBER: _ClassVar[int]
    HOLDER_NAME_TICKET_FIELD_NUMBER: _ClassVar[int]
    EXPIRY_MONTH_FIELD_NUMBER: _ClassVar[int]
    EXPIRY_YEAR_FIELD_NUMBER: _ClassVar[int]
    CARD_ORG_FIELD_NUMBER: _ClassVar[int]
    CARD_BIN_FIELD_NUMBER: _ClassVar[int]
    CARD_LAST4_FIELD_NUMBER: _ClassVar[int]
    card_no_ticket: str
    cvv2_ticket: str
    holder_name_ticket: str
    expiry_month: int
    expiry_year: int
    card_org: CardOrganization
    card_bin: str
    card_last4: str
    def __init__(self, card_no_ticket: _Optional[str] = ..., cvv2_ticket: _Optional[str] = ..., holder_name_ticket: _Optional[str] = ..., expiry_month: _Optional[int] = ..., expiry_year: _Optional[int] = ..., card_org: _Optional[_Union[CardOrganization, str]] = ..., card_bin: _Optional[str] = ..., card_last4: _Optional[str] = ...) -> None: ...

class BankAccountInstrument(_message.Message):
    __slots__ = ("iban_ticket", "holder_name_ticket", "bank_code", "country_code")
    IBAN_TICKET_FIELD_NUMBER: _ClassVar[int]
    HOLDER_NAME_TICKET_FIELD_NUMBER: _ClassVar[int]
    BANK_CODE_FIELD_NUMBER: _ClassVar[int]
    COUNTRY_CODE_FIELD_NUMBER: _ClassVar[int]
    iban_ticket: str
    holder_name_ticket: str
    bank_code: str
    country_code: str
    def __init__(self, iban_ticket: _Optional[str] = ..., holder_name_ticket: _Optional[str] = ..., bank_code: _Optional[str] = ..., country_code: _Optional[str] = ...) -> None: ...

class RequiredAction(_message.Message):
    __slots__ = ("redirect_url", "http_method", "form_fields", "expire_time")
    class FormFieldsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    REDIRECT_URL_FIELD_NUMBER: _ClassVar[int]
    HTTP_METHOD_FIELD_NUMBER: _ClassVar[int]
    FORM_FIELDS_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    redirect_url: str
    http_method: str
    form_fields: _containers.ScalarMap[str, str]
    expire_time: _timestamp_pb2.Timestamp
    def __init__(self, redirect_url: _Optional[str] = ..., http_method: _Optional[str] = ..., form_fields: _Optional[_Mapping[str, str]] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class InstOrder(_message.Message):
    __slots__ = ("inst_order_id", "instruction_id", "attempt", "type", "state", "channel_id", "ref", "merchant_id", "member_id", "method", "verification_method", "amount", "settled_amount", "fee", "original_inst_order_id", "channel_reference", "channel_result_code", "channel_result_message", "result_code", "retryable", "required_action", "routing_rule_id", "superseded_by_inst_order_id", "query_count", "next_query_time", "context_id", "create_time", "send_time", "finish_time", "update_time")
    INST_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    INSTRUCTION_ID_FIELD_NUMBER: _ClassVar[int]
    ATTEMPT_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    REF_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    VERIFICATION_METHOD_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    SETTLED_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    FEE_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_INST_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_RESULT_CODE_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_RESULT_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    RESULT_CODE_FIELD_NUMBER: _ClassVar[int]
    RETRYABLE_FIELD_NUMBER: _ClassVar[int]
    REQUIRED_ACTION_FIELD_NUMBER: _ClassVar[int]
    ROUTING_RULE_ID_FIELD_NUMBER: _ClassVar[int]
    SUPERSEDED_BY_INST_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    QUERY_COUNT_FIELD_NUMBER: _ClassVar[int]
    NEXT_QUERY_TIME_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_ID_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    SEND_TIME_FIELD_NUMBER: _ClassVar[int]
    FINISH_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    inst_order_id: str
    instruction_id: str
    attempt: int
    type: InstOrderType
    state: InstOrderState
    channel_id: str
    ref: _money_pb2.BusinessRef
    merchant_id: str
    member_id: str
    method: PaymentMethod
    verification_method: VerificationMethod
    amount: _money_pb2.Money
    settled_amount: _money_pb2.Money
    fee: _money_pb2.Money
    original_inst_order_id: str
    channel_reference: str
    channel_result_code: str
    channel_result_message: str
    result_code: ResultCode
    retryable: bool
    required_action: RequiredAction
    routing_rule_id: str
    superseded_by_inst_order_id: str
    query_count: int
    next_query_time: _timestamp_pb2.Timestamp
    context_id: str
    create_time: _timestamp_pb2.Timestamp
    send_time: _timestamp_pb2.Timestamp
    finish_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, inst_order_id: _Optional[str] = ..., instruction_id: _Optional[str] = ..., attempt: _Optional[int] = ..., type: _Optional[_Union[InstOrderType, str]] = ..., state: _Optional[_Union[InstOrderState, str]] = ..., channel_id: _Optional[str] = ..., ref: _Optional[_Union[_money_pb2.BusinessRef, _Mapping]] = ..., merchant_id: _Optional[str] = ..., member_id: _Optional[str] = ..., method: _Optional[_Union[PaymentMethod, str]] = ..., verification_method: _Optional[_Union[VerificationMethod, str]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., settled_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., fee: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., original_inst_order_id: _Optional[str] = ..., channel_reference: _Optional[str] = ..., channel_result_code: _Optional[str] = ..., channel_result_message: _Optional[str] = ..., result_code: _Optional[_Union[ResultCode, str]] = ..., retryable: _Optional[bool] = ..., required_action: _Optional[_Union[RequiredAction, _Mapping]] = ..., routing_rule_id: _Optional[str] = ..., superseded_by_inst_order_id: _Optional[str] = ..., query_count: _Optional[int] = ..., next_query_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., context_id: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., send_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., finish_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class InstOrderEvent(_message.Message):
    __slots__ = ("event_id", "inst_order", "previous_state", "cause", "event_time")
    EVENT_ID_FIELD_NUMBER: _ClassVar[int]
    INST_ORDER_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_STATE_FIELD_NUMBER: _ClassVar[int]
    CAUSE_FIELD_NUMBER: _ClassVar[int]
    EVENT_TIME_FIELD_NUMBER: _ClassVar[int]
    event_id: str
    inst_order: InstOrder
    previous_state: InstOrderState
    cause: str
    event_time: _timestamp_pb2.Timestamp
    def __init__(self, event_id: _Optional[str] = ..., inst_order: _Optional[_Union[InstOrder, _Mapping]] = ..., previous_state: _Optional[_Union[InstOrderState, str]] = ..., cause: _Optional[str] = ..., event_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class ErrorCodeMapping(_message.Message):
    __slots__ = ("channel_id", "channel_code", "result_code", "retryable", "description", "update_time")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_CODE_FIELD_NUMBER: _ClassVar[int]
    RESULT_CODE_FIELD_NUMBER: _ClassVar[int]
    RETRYABLE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    channel_code: str
    result_code: ResultCode
    retryable: bool
    description: str
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, channel_id: _Optional[str] = ..., channel_code: _Optional[str] = ..., result_code: _Optional[_Union[ResultCode, str]] = ..., retryable: _Optional[bool] = ..., description: _Optional[str] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class Statement(_message.Message):
    __slots__ = ("statement_id", "channel_id", "statement_date", "state", "source", "ufs_file_tag", "file_sha256", "line_count", "total_amounts", "total_fees", "error_message", "create_time", "import_time")
    STATEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    STATEMENT_DATE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    UFS_FILE_TAG_FIELD_NUMBER: _ClassVar[int]
    FILE_SHA256_FIELD_NUMBER: _ClassVar[int]
    LINE_COUNT_FIELD_NUMBER: _ClassVar[int]
    TOTAL_AMOUNTS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FEES_FIELD_NUMBER: _ClassVar[int]
    ERROR_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    IMPORT_TIME_FIELD_NUMBER: _ClassVar[int]
    statement_id: str
    channel_id: str
    statement_date: str
    state: StatementState
    source: StatementSource
    ufs_file_tag: str
    file_sha256: str
    line_count: int
    total_amounts: _containers.RepeatedCompositeFieldContainer[_money_pb2.Money]
    total_fees: _containers.RepeatedCompositeFieldContainer[_money_pb2.Money]
    error_message: str
    create_time: _timestamp_pb2.Timestamp
    import_time: _timestamp_pb2.Timestamp
    def __init__(self, statement_id: _Optional[str] = ..., channel_id: _Optional[str] = ..., statement_date: _Optional[str] = ..., state: _Optional[_Union[StatementState, str]] = ..., source: _Optional[_Union[StatementSource, str]] = ..., ufs_file_tag: _Optional[str] = ..., file_sha256: _Optional[str] = ..., line_count: _Optional[int] = ..., total_amounts: _Optional[_Iterable[_Union[_money_pb2.Money, _Mapping]]] = ..., total_fees: _Optional[_Iterable[_Union[_money_pb2.Money, _Mapping]]] = ..., error_message: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., import_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class StatementLine(_message.Message):
    __slots__ = ("statement_id", "line_number", "channel_reference", "inst_order_id", "type", "state", "amount", "fee", "transaction_time", "raw_status")
    STATEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    LINE_NUMBER_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_REFERENCE_FIELD_NUMBER: _ClassVar[int]
    INST_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    FEE_FIELD_NUMBER: _ClassVar[int]
    TRANSACTION_TIME_FIELD_NUMBER: _ClassVar[int]
    RAW_STATUS_FIELD_NUMBER: _ClassVar[int]
    statement_id: str
    line_number: int
    channel_reference: str
    inst_order_id: str
    type: InstOrderType
    state: InstOrderState
    amount: _money_pb2.Money
    fee: _money_pb2.Money
    transaction_time: _timestamp_pb2.Timestamp
    raw_status: str
    def __init__(self, statement_id: _Optional[str] = ..., line_number: _Optional[int] = ..., channel_reference: _Optional[str] = ..., inst_order_id: _Optional[str] = ..., type: _Optional[_Union[InstOrderType, str]] = ..., state: _Optional[_Union[InstOrderState, str]] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., fee: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., transaction_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., raw_status: _Optional[str] = ...) -> None: ...
