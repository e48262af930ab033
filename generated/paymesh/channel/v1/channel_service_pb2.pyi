import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.api import httpbody_pb2 as _httpbody_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from paymesh.channel.v1 import channel_pb2 as _channel_pb2
from paymesh.common.v1 import money_pb2 as _money_pb2
from paymesh.common.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class SubmitPaymentRequest(_message.Message):
    __slots__ = ("request_id", "instruction_id", "ref", "merchant_id", "member_id", "amount", "verification_method", "card", "bank_account", "channel_id", "return_url", "description", "max_attempts")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    INSTRUCTION_ID_FIELD_NUMBER: _ClassVar[int]
    REF_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    VERIFICATION_METHOD_FIELD_NUMBER: _ClassVar[int]
    CARD_FIELD_NUMBER: _ClassVar[int]
    BANK_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    RETURN_URL_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    MAX_ATTEMPTS_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    instruction_id: str
    ref: _money_pb2.BusinessRef
    merchant_id: str
    member_id: str
    amount: _money_pb2.Money
    verification_method: _channel_pb2.VerificationMethod
    card: _channel_pb2.CardInstrument
    bank_account: _channel_pb2.BankAccountInstrument
    channel_id: str
    return_url: str
    description: str
    max_attempts: int
    def __init__(self, request_id: _Optional[str] = ..., instruction_id: _Optional[str] = ..., ref: _Optional[_Union[_money_pb2.BusinessRef, _Mapping]] = ..., merchant_id: _Optional[str] = ..., member_id: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., verification_method: _Optional[_Union[_channel_pb2.VerificationMethod, str]] = ..., card: _Optional[_Union[_channel_pb2.CardInstrument, _Mapping]] = ..., bank_account: _Optional[_Union[_channel_pb2.BankAccountInstrument, _Mapping]] = ..., channel_id: _Optional[str] = ..., return_url: _Optional[str] = ..., description: _Optional[str] = ..., max_attempts: _Optional[int] = ...) -> None: ...

class SubmitPaymentResponse(_message.Message):
    __slots__ = ("inst_order",)
    INST_ORDER_FIELD_NUMBER: _ClassVar[int]
    inst_order: _channel_pb2.InstOrder
    def __init__(self, inst_order: _Optional[_Union[_channel_pb2.InstOrder, _Mapping]] = ...) -> None: ...

class SubmitRefundRequest(_message.Message):
    __slots__ = ("request_id", "instruction_id", "ref", "original_inst_order_id", "amount", "reason")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    INSTRUCTION_ID_FIELD_NUMBER: _ClassVar[int]
    REF_FIELD_NUMBER: _ClassVar[int]
    ORIGINAL_INST_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    instruction_id: str
    ref: _money_pb2.BusinessRef
    original_inst_order_id: str
    amount: _money_pb2.Money
    reason: str
    def __init__(self, request_id: _Optional[str] = ..., instruction_id: _Optional[str] = ..., ref: _Optional[_Union[_money_pb2.BusinessRef, _Mapping]] = ..., original_inst_order_id: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., reason: _Optional[str] = ...) -> None: ...

class SubmitRefundResponse(_message.Message):
    __slots__ = ("inst_order",)
    INST_ORDER_FIELD_NUMBER: _ClassVar[int]
    inst_order: _channel_pb2.InstOrder
    def __init__(self, inst_order: _Optional[_Union[_channel_pb2.InstOrder, _Mapping]] = ...) -> None: ...

class SubmitPayoutRequest(_message.Message):
    __slots__ = ("request_id", "instruction_id", "ref", "member_id", "amount", "bank_account", "channel_id", "description")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    INSTRUCTION_ID_FIELD_NUMBER: _ClassVar[int]
    REF_FIELD_NUMBER: _ClassVar[int]
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    BANK_ACCOUNT_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    instruction_id: str
    ref: _money_pb2.BusinessRef
    member_id: str
    amount: _money_pb2.Money
    bank_account: _channel_pb2.BankAccountInstrument
    channel_id: str
    description: str
    def __init__(self, request_id: _Optional[str] = ..., instruction_id: _Optional[str] = ..., ref: _Optional[_Union[_money_pb2.BusinessRef, _Mapping]] = ..., member_id: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., bank_account: _Optional[_Union[_channel_pb2.BankAccountInstrument, _Mapping]] = ..., channel_id: _Optional[str] = ..., description: _Optional[str] = ...) -> None: ...

class SubmitPayoutResponse(_message.Message):
    __slots__ = ("inst_order",)
    INST_ORDER_FIELD_NUMBER: _ClassVar[int]
    inst_order: _channel_pb2.InstOrder
    def __init__(self, inst_order: _Optional[_Union[_channel_pb2.InstOrder, _Mapping]] = ...) -> None: ...

class GetInstOrderRequest(_message.Message):
    __slots__ = ("inst_order_id",)
    INST_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    inst_order_id: str
    def __init__(self, inst_order_id: _Optional[str] = ...) -> None: ...

class GetInstOrderResponse(_message.Message):
    __slots__ = ("inst_order",)
    INST_ORDER_FIELD_NUMBER: _ClassVar[int]
    inst_order: _channel_pb2.InstOrder
    def __init__(self, inst_order: _Optional[_Union[_channel_pb2.InstOrder, _Mapping]] = ...) -> None: ...

class ListInstOrdersRequest(_message.Message):
    __slots__ = ("instruction_id", "payment_id", "order_id", "channel_id", "state", "context_id", "start_time", "end_time", "page_size", "page_token")
    INSTRUCTION_ID_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_ID_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    instruction_id: str
    payment_id: str
    order_id: str
    channel_id: str
    state: _channel_pb2.InstOrderState
    context_id: str
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    page_size: int
    page_token: str
    def __init__(self, instruction_id: _Optional[str] = ..., payment_id: _Optional[str] = ..., order_id: _Optional[str] = ..., channel_id: _Optional[str] = ..., state: _Optional[_Union[_channel_pb2.InstOrderState, str]] = ..., context_id: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListInstOrdersResponse(_message.Message):
    __slots__ = ("inst_orders", "next_page_token")
    INST_ORDERS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    inst_orders: _containers.RepeatedCompositeFieldContainer[_channel_pb2.InstOrder]
    next_page_token: str
    def __init__(self, inst_orders: _Optional[_Iterable[_Union[_channel_pb2.InstOrder, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class QueryInstOrderRequest(_message.Message):
    __slots__ = ("inst_order_id", "request_id")
    INST_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    inst_order_id: str
    request_id: str
    def __init__(self, inst_order_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class QueryInstOrderResponse(_message.Message):
    __slots__ = ("inst_order",)
    INST_ORDER_FIELD_NUMBER: _ClassVar[int]
    inst_order: _channel_pb2.InstOrder
    def __init__(self, inst_order: _Optional[_Union[_channel_pb2.InstOrder, _Mapping]] = ...) -> None: ...

class HandleNotificationRequest(_message.Message):
    __slots__ = ("channel_id", "body")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    BODY_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    body: _httpbody_pb2.HttpBody
    def __init__(self, channel_id: _Optional[str] = ..., body: _Optional[_Union[_httpbody_pb2.HttpBody, _Mapping]] = ...) -> None: ...

class HandleNotificationResponse(_message.Message):
    __slots__ = ("result", "inst_order_id", "state")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    INST_ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    result: _channel_pb2.NotificationResult
    inst_order_id: str
    state: _channel_pb2.InstOrderState
    def __init__(self, result: _Optional[_Union[_channel_pb2.NotificationResult, str]] = ..., inst_order_id: _Optional[str] = ..., state: _Optional[_Union[_channel_pb2.InstOrderState, str]] = ...) -> None: ...

class RouteRequest(_message.Message):
    __slots__ = ("context",)
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    context: _channel_pb2.RoutingContext
    def __init__(self, context: _Optional[_Union[_channel_pb2.RoutingContext, _Mapping]] = ...) -> None: ...

class RouteResponse(_message.Message):
    __slots__ = ("decision",)
    DECISION_FIELD_NUMBER: _ClassVar[int]
    decision: _channel_pb2.RouteDecision
    def __init__(self, decision: _Optional[_Union[_channel_pb2.RouteDecision, _Mapping]] = ...) -> None: ...

class ExplainRouteRequest(_message.Message):
    __slots__ = ("context",)
    CONTEXT_FIELD_NUMBER: _ClassVar[int]
    context: _channel_pb2.RoutingContext
    def __init__(self, context: _Optional[_Union[_channel_pb2.RoutingContext, _Mapping]] = ...) -> None: ...

class ExplainRouteResponse(_message.Message):
    __slots__ = ("decision", "matched_rule_ids", "candidates")
    DECISION_FIELD_NUMBER: _ClassVar[int]
    MATCHED_RULE_IDS_FIELD_NUMBER: _ClassVar[int]
    CANDIDATES_FIELD_NUMBER: _ClassVar[int]
    decision: _channel_pb2.RouteDecision
    matched_rule_ids: _containers.RepeatedScalarFieldContainer[str]
    candidates: _containers.RepeatedCompositeFieldContainer[_channel_pb2.RouteCandidate]
    def __init__(self, decision: _Optional[_Union[_channel_pb2.RouteDecision, _Mapping]] = ..., matched_rule_ids: _Optional[_Iterable[str]] = ..., candidates: _Optional[_Iterable[_Union[_channel_pb2.RouteCandidate, _Mapping]]] = ...) -> None: ...

class CreateRoutingRuleRequest(_message.Message):
    __slots__ = ("spec", "request_id")
    SPEC_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    spec: _channel_pb2.RoutingRuleSpec
    request_id: str
    def __init__(self, spec: _Optional[_Union[_channel_pb2.RoutingRuleSpec, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateRoutingRuleResponse(_message.Message):
    __slots__ = ("rule",)
    RULE_FIELD_NUMBER: _ClassVar[int]
    rule: _channel_pb2.RoutingRule
    def __init__(self, rule: _Optional[_Union[_channel_pb2.RoutingRule, _Mapping]] = ...) -> None: ...

class UpdateRoutingRuleRequest(_message.Message):
    __slots__ = ("rule_id", "expected_version", "spec", "state", "request_id")
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    rule_id: str
    expected_version: int
    spec: _channel_pb2.RoutingRuleSpec
    state: _channel_pb2.RoutingRuleState
    request_id: str
    def __init__(self, rule_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., spec: _Optional[_Union[_channel_pb2.RoutingRuleSpec, _Mapping]] = ..., state: _Optional[_Union[_channel_pb2.RoutingRuleState, str]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateRoutingRuleResponse(_message.Message):
    __slots__ = ("rule",)
    RULE_FIELD_NUMBER: _ClassVar[int]
    rule: _channel_pb2.RoutingRule
    def __init__(self, rule: _Optional[_Union[_channel_pb2.RoutingRule, _Mapping]] = ...) -> None: ...

class GetRoutingRuleRequest(_message.Message):
    __slots__ = ("rule_id",)
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    rule_id: str
    def __init__(self, rule_id: _Optional[str] = ...) -> None: ...

class GetRoutingRuleResponse(_message.Message):
    __slots__ = ("rule",)
    RULE_FIELD_NUMBER: _ClassVar[int]
    rule: _channel_pb2.RoutingRule
    def __init__(self, rule: _Optional[_Union[_channel_pb2.RoutingRule, _Mapping]] = ...) -> None: ...

class ListRoutingRulesRequest(_message.Message):
    __slots__ = ("channel_id", "state", "page_size", "page_token")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    state: _channel_pb2.RoutingRuleState
    page_size: int
    page_token: str
    def __init__(self, channel_id: _Optional[str] = ..., state: _Optional[_Union[_channel_pb2.RoutingRuleState, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListRoutingRulesResponse(_message.Message):
    __slots__ = ("rules", "next_page_token")
    RULES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    rules: _containers.RepeatedCompositeFieldContainer[_channel_pb2.RoutingRule]
    next_page_token: str
    def __init__(self, rules: _Optional[_Iterable[_Union[_channel_pb2.RoutingRule, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DeleteRoutingRuleRequest(_message.Message):
    __slots__ = ("rule_id", "request_id")
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    rule_id: str
    request_id: str
    def __init__(self, rule_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class DeleteRoutingRuleResponse(_message.Message):
    __slots__ = ("deleted",)
    DELETED_FIELD_NUMBER: _ClassVar[int]
    deleted: bool
    def __init__(self, deleted: _Optional[bool] = ...) -> None: ...

class CreateChannelRequest(_message.Message):
    __slots__ = ("channel_id", "spec", "request_id")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    spec: _channel_pb2.ChannelSpec
    request_id: str
    def __init__(self, channel_id: _Optional[str] = ..., spec: _Optional[_Union[_channel_pb2.ChannelSpec, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateChannelResponse(_message.Message):
    __slots__ = ("channel",)
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: _channel_pb2.Channel
    def __init__(self, channel: _Optional[_Union[_channel_pb2.Channel, _Mapping]] = ...) -> None: ...

class UpdateChannelRequest(_message.Message):
    __slots__ = ("channel_id", "expected_version", "spec", "request_id")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    expected_version: int
    spec: _channel_pb2.ChannelSpec
    request_id: str
    def __init__(self, channel_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., spec: _Optional[_Union[_channel_pb2.ChannelSpec, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateChannelResponse(_message.Message):
    __slots__ = ("channel",)
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: _channel_pb2.Channel
    def __init__(self, channel: _Optional[_Union[_channel_pb2.Channel, _Mapping]] = ...) -> None: ...

class GetChannelRequest(_message.Message):
    __slots__ = ("channel_id",)
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    def __init__(self, channel_id: _Optional[str] = ...) -> None: ...

class GetChannelResponse(_message.Message):
    __slots__ = ("channel",)
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: _channel_pb2.Channel
    def __init__(self, channel: _Optional[_Union[_channel_pb2.Channel, _Mapping]] = ...) -> None: ...

class ListChannelsRequest(_message.Message):
    __slots__ = ("state", "method", "currency_code", "page_size", "page_token")
    STATE_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_CODE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    state: _channel_pb2.ChannelState
    method: _channel_pb2.PaymentMethod
    currency_code: str
    page_size: int
    page_token: str
    def __init__(self, state: _Optional[_Union[_channel_pb2.ChannelState, str]] = ..., method: _Optional[_Union[_channel_pb2.PaymentMethod, str]] = ..., currency_code: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListChannelsResponse(_message.Message):
    __slots__ = ("channels", "next_page_token")
    CHANNELS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    channels: _containers.RepeatedCompositeFieldContainer[_channel_pb2.Channel]
    next_page_token: str
    def __init__(self, channels: _Optional[_Iterable[_Union[_channel_pb2.Channel, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class SetChannelStateRequest(_message.Message):
    __slots__ = ("channel_id", "state", "reason", "request_id")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    state: _channel_pb2.ChannelState
    reason: str
    request_id: str
    def __init__(self, channel_id: _Optional[str] = ..., state: _Optional[_Union[_channel_pb2.ChannelState, str]] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class SetChannelStateResponse(_message.Message):
    __slots__ = ("channel",)
    CHANNEL_FIELD_NUMBER: _ClassVar[int]
    channel: _channel_pb2.Channel
    def __init__(self, channel: _Optional[_Union[_channel_pb2.Channel, _Mapping]] = ...) -> None: ...

class GetChannelHealthRequest(_message.Message):
    __slots__ = ("channel_id",)
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    def __init__(self, channel_id: _Optional[str] = ...) -> None: ...

class GetChannelHealthResponse(_message.Message):
    __slots__ = ("health",)
    HEALTH_FIELD_NUMBER: _ClassVar[int]
    health: _channel_pb2.ChannelHealth
    def __init__(self, health: _Optional[_Union[_channel_pb2.ChannelHealth, _Mapping]] = ...) -> None: ...

class UpsertErrorCodeMappingRequest(_message.Message):
    __slots__ = ("mapping", "request_id")
    MAPPING_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    mapping: _channel_pb2.ErrorCodeMapping
    request_id: str
    def __init__(self, mapping: _Optional[_Union[_channel_pb2.ErrorCodeMapping, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpsertErrorCodeMappingResponse(_message.Message):
    __slots__ = ("mapping",)
    MAPPING_FIELD_NUMBER: _ClassVar[int]
    mapping: _channel_pb2.ErrorCodeMapping
    def __init__(self, mapping: _Optional[_Union[_channel_pb2.ErrorCodeMapping, _Mapping]] = ...) -> None: ...

class ListErrorCodeMappingsRequest(_message.Message):
    __slots__ = ("channel_id", "page_size", "page_token")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    page_size: int
    page_token: str
    def __init__(self, channel_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListErrorCodeMappingsResponse(_message.Message):
    __slots__ = ("mappings", "next_page_token")
    MAPPINGS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    mappings: _containers.RepeatedCompositeFieldContainer[_channel_pb2.ErrorCodeMapping]
    next_page_token: str
    def __init__(self, mappings: _Optional[_Iterable[_Union[_channel_pb2.ErrorCodeMapping, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DeleteErrorCodeMappingRequest(_message.Message):
    __slots__ = ("channel_id", "channel_code", "request_id")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    CHANNEL_CODE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    channel_code: str
    request_id: str
    def __init__(self, channel_id: _Optional[str] = ..., channel_code: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class DeleteErrorCodeMappingResponse(_message.Message):
    __slots__ = ("deleted",)
    DELETED_FIELD_NUMBER: _ClassVar[int]
    deleted: bool
    def __init__(self, deleted: _Optional[bool] = ...) -> None: ...

class ImportStatementRequest(_message.Message):
    __slots__ = ("channel_id", "statement_date", "source", "ufs_file_tag", "replace", "request_id")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    STATEMENT_DATE_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    UFS_FILE_TAG_FIELD_NUMBER: _ClassVar[int]
    REPLACE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    statement_date: str
    source: _channel_pb2.StatementSource
    ufs_file_tag: str
    replace: bool
    request_id: str
    def __init__(self, channel_id: _Optional[str] = ..., statement_date: _Optional[str] = ..., source: _Optional[_Union[_channel_pb2.StatementSource, str]] = ..., ufs_file_tag: _Optional[str] = ..., replace: _Optional[bool] = ..., request_id: _Optional[str] = ...) -> None: ...

class ImportStatementResponse(_message.Message):
    __slots__ = ("statement",)
    STATEMENT_FIELD_NUMBER: _ClassVar[int]
    statement: _channel_pb2.Statement
    def __init__(self, statement: _Optional[_Union[_channel_pb2.Statement, _Mapping]] = ...) -> None: ...

class GetStatementRequest(_message.Message):
    __slots__ = ("channel_id", "statement_id")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    STATEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    statement_id: str
    def __init__(self, channel_id: _Optional[str] = ..., statement_id: _Optional[str] = ...) -> None: ...

class GetStatementResponse(_message.Message):
    __slots__ = ("statement",)
    STATEMENT_FIELD_NUMBER: _ClassVar[int]
    statement: _channel_pb2.Statement
    def __init__(self, statement: _Optional[_Union[_channel_pb2.Statement, _Mapping]] = ...) -> None: ...

class ListStatementsRequest(_message.Message):
    __slots__ = ("channel_id", "start_date", "end_date", "page_size", "page_token")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    START_DATE_FIELD_NUMBER: _ClassVar[int]
    END_DATE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    start_date: str
    end_date: str
    page_size: int
    page_token: str
    def __init__(self, channel_id: _Optional[str] = ..., start_date: _Optional[str] = ..., end_date: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListStatementsResponse(_message.Message):
    __slots__ = ("statements", "next_page_token")
    STATEMENTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    statements: _containers.RepeatedCompositeFieldContainer[_channel_pb2.Statement]
    next_page_token: str
    def __init__(self, statements: _Optional[_Iterable[_Union[_channel_pb2.Statement, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListStatementLinesRequest(_message.Message):
    __slots__ = ("channel_id", "statement_id", "page_size", "page_token")
    CHANNEL_ID_FIELD_NUMBER: _ClassVar[int]
    STATEMENT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    channel_id: str
    statement_id: str
    page_size: int
    page_token: str
    def __init__(self, channel_id: _Optional[str] = ..., statement_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListStatementLinesResponse(_message.Message):
    __slots__ = ("lines", "next_page_token")
    LINES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    lines: _containers.RepeatedCompositeFieldContainer[_channel_pb2.StatementLine]
    next_page_token: str
    def __init__(self, lines: _Optional[_Iterable[_Union[_channel_pb2.StatementLine, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
