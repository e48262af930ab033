import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from paymesh.common.v1 import money_pb2 as _money_pb2
from paymesh.common.v1 import options_pb2 as _options_pb2
from paymesh.risk.v1 import risk_pb2 as _risk_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class AssessRequest(_message.Message):
    __slots__ = ("payment", "request_id")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    payment: _risk_pb2.PaymentContext
    request_id: str
    def __init__(self, payment: _Optional[_Union[_risk_pb2.PaymentContext, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class AssessResponse(_message.Message):
    __slots__ = ("decision", "risk_ticket")
    DECISION_FIELD_NUMBER: _ClassVar[int]
    RISK_TICKET_FIELD_NUMBER: _ClassVar[int]
    decision: _risk_pb2.RiskDecision
    risk_ticket: _risk_pb2.RiskTicket
    def __init__(self, decision: _Optional[_Union[_risk_pb2.RiskDecision, _Mapping]] = ..., risk_ticket: _Optional[_Union[_risk_pb2.RiskTicket, _Mapping]] = ...) -> None: ...

class GetVerificationRequirementsRequest(_message.Message):
    __slots__ = ("payment", "payment_methods")
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_METHODS_FIELD_NUMBER: _ClassVar[int]
    payment: _risk_pb2.PaymentContext
    payment_methods: _containers.RepeatedScalarFieldContainer[_risk_pb2.PaymentMethod]
    def __init__(self, payment: _Optional[_Union[_risk_pb2.PaymentContext, _Mapping]] = ..., payment_methods: _Optional[_Iterable[_Union[_risk_pb2.PaymentMethod, str]]] = ...) -> None: ...

class GetVerificationRequirementsResponse(_message.Message):
    __slots__ = ("requirements",)
    REQUIREMENTS_FIELD_NUMBER: _ClassVar[int]
    requirements: _containers.RepeatedCompositeFieldContainer[_risk_pb2.VerificationRequirement]
    def __init__(self, requirements: _Optional[_Iterable[_Union[_risk_pb2.VerificationRequirement, _Mapping]]] = ...) -> None: ...

class ThreeDsAcknowledgement(_message.Message):
    __slots__ = ("redirect_supported",)
    REDIRECT_SUPPORTED_FIELD_NUMBER: _ClassVar[int]
    redirect_supported: bool
    def __init__(self, redirect_supported: _Optional[bool] = ...) -> None: ...

class SendOtpRequest(_message.Message):
    __slots__ = ("challenge_id", "request_id")
    CHALLENGE_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    challenge_id: str
    request_id: str
    def __init__(self, challenge_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class SendOtpResponse(_message.Message):
    __slots__ = ("challenge_id", "expire_time", "sends_remaining")
    CHALLENGE_ID_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    SENDS_REMAINING_FIELD_NUMBER: _ClassVar[int]
    challenge_id: str
    expire_time: _timestamp_pb2.Timestamp
    sends_remaining: int
    def __init__(self, challenge_id: _Optional[str] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., sends_remaining: _Optional[int] = ...) -> None: ...

class VerifyRequest(_message.Message):
    __slots__ = ("challenge_id", "password", "otp_code", "three_ds", "request_id")
    CHALLENGE_ID_FIELD_NUMBER: _ClassVar[int]
    PASSWORD_FIELD_NUMBER: _ClassVar[int]
    OTP_CODE_FIELD_NUMBER: _ClassVar[int]
    THREE_DS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    challenge_id: str
    password: str
    otp_code: str
    three_ds: ThreeDsAcknowledgement
    request_id: str
    def __init__(self, challenge_id: _Optional[str] = ..., password: _Optional[str] = ..., otp_code: _Optional[str] = ..., three_ds: _Optional[_Union[ThreeDsAcknowledgement, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class VerifyResponse(_message.Message):
    __slots__ = ("risk_ticket",)
    RISK_TICKET_FIELD_NUMBER: _ClassVar[int]
    risk_ticket: _risk_pb2.RiskTicket
    def __init__(self, risk_ticket: _Optional[_Union[_risk_pb2.RiskTicket, _Mapping]] = ...) -> None: ...

class RedeemRiskTicketRequest(_message.Message):
    __slots__ = ("ticket", "order_id", "amount", "member_id", "payment_id", "request_id")
    TICKET_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ticket: str
    order_id: str
    amount: _money_pb2.Money
    member_id: str
    payment_id: str
    request_id: str
    def __init__(self, ticket: _Optional[str] = ..., order_id: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., member_id: _Optional[str] = ..., payment_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class RedeemRiskTicketResponse(_message.Message):
    __slots__ = ("risk_ticket",)
    RISK_TICKET_FIELD_NUMBER: _ClassVar[int]
    risk_ticket: _risk_pb2.RiskTicket
    def __init__(self, risk_ticket: _Optional[_Union[_risk_pb2.RiskTicket, _Mapping]] = ...) -> None: ...

class GetDecisionRequest(_message.Message):
    __slots__ = ("decision_id",)
    DECISION_ID_FIELD_NUMBER: _ClassVar[int]
    decision_id: str
    def __init__(self, decision_id: _Optional[str] = ...) -> None: ...

class GetDecisionResponse(_message.Message):
    __slots__ = ("decision",)
    DECISION_FIELD_NUMBER: _ClassVar[int]
    decision: _risk_pb2.RiskDecision
    def __init__(self, decision: _Optional[_Union[_risk_pb2.RiskDecision, _Mapping]] = ...) -> None: ...

class ListDecisionsRequest(_message.Message):
    __slots__ = ("order_id", "member_id", "merchant_id", "decision", "rule_id", "start_time", "end_time", "page_size", "page_token")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    member_id: str
    merchant_id: str
    decision: _risk_pb2.Decision
    rule_id: str
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    page_size: int
    page_token: str
    def __init__(self, order_id: _Optional[str] = ..., member_id: _Optional[str] = ..., merchant_id: _Optional[str] = ..., decision: _Optional[_Union[_risk_pb2.Decision, str]] = ..., rule_id: _Optional[str] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListDecisionsResponse(_message.Message):
    __slots__ = ("decisions", "next_page_token")
    DECISIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    decisions: _containers.RepeatedCompositeFieldContainer[_risk_pb2.RiskDecision]
    next_page_token: str
    def __init__(self, decisions: _Optional[_Iterable[_Union[_risk_pb2.RiskDecision, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ResolveReviewRequest(_message.Message):
    __slots__ = ("decision_id", "resolution", "note", "request_id")
    DECISION_ID_FIELD_NUMBER: _ClassVar[int]
    RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    decision_id: str
    resolution: _risk_pb2.ReviewResolution
    note: str
    request_id: str
    def __init__(self, decision_id: _Optional[str] = ..., resolution: _Optional[_Union[_risk_pb2.ReviewResolution, str]] = ..., note: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class ResolveReviewResponse(_message.Message):
    __slots__ = ("decision", "risk_ticket")
    DECISION_FIELD_NUMBER: _ClassVar[int]
    RISK_TICKET_FIELD_NUMBER: _ClassVar[int]
    decision: _risk_pb2.RiskDecision
    risk_ticket: _risk_pb2.RiskTicket
    def __init__(self, decision: _Optional[_Union[_risk_pb2.RiskDecision, _Mapping]] = ..., risk_ticket: _Optional[_Union[_risk_pb2.RiskTicket, _Mapping]] = ...) -> None: ...

class RecordOutcomeRequest(_message.Message):
    __slots__ = ("order_id", "decision_id", "outcome", "detail", "request_id")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    DECISION_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    decision_id: str
    outcome: _risk_pb2.Outcome
    detail: str
    request_id: str
    def __init__(self, order_id: _Optional[str] = ..., decision_id: _Optional[str] = ..., outcome: _Optional[_Union[_risk_pb2.Outcome, str]] = ..., detail: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class RecordOutcomeResponse(_message.Message):
    __slots__ = ("outcome", "member_rating", "merchant_rating")
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    MEMBER_RATING_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_RATING_FIELD_NUMBER: _ClassVar[int]
    outcome: _risk_pb2.RiskOutcome
    member_rating: _risk_pb2.RiskRating
    merchant_rating: _risk_pb2.RiskRating
    def __init__(self, outcome: _Optional[_Union[_risk_pb2.RiskOutcome, _Mapping]] = ..., member_rating: _Optional[_Union[_risk_pb2.RiskRating, _Mapping]] = ..., merchant_rating: _Optional[_Union[_risk_pb2.RiskRating, _Mapping]] = ...) -> None: ...

class GetRiskRatingRequest(_message.Message):
    __slots__ = ("subject_id", "subject_type")
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_TYPE_FIELD_NUMBER: _ClassVar[int]
    subject_id: str
    subject_type: _risk_pb2.SubjectType
    def __init__(self, subject_id: _Optional[str] = ..., subject_type: _Optional[_Union[_risk_pb2.SubjectType, str]] = ...) -> None: ...

class GetRiskRatingResponse(_message.Message):
    __slots__ = ("rating",)
    RATING_FIELD_NUMBER: _ClassVar[int]
    rating: _risk_pb2.RiskRating
    def __init__(self, rating: _Optional[_Union[_risk_pb2.RiskRating, _Mapping]] = ...) -> None: ...

class SetRiskRatingRequest(_message.Message):
    __slots__ = ("subject_id", "subject_type", "level", "reason", "request_id")
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_TYPE_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    subject_id: str
    subject_type: _risk_pb2.SubjectType
    level: _risk_pb2.RatingLevel
    reason: str
    request_id: str
    def __init__(self, subject_id: _Optional[str] = ..., subject_type: _Optional[_Union[_risk_pb2.SubjectType, str]] = ..., level: _Optional[_Union[_risk_pb2.RatingLevel, str]] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class SetRiskRatingResponse(_message.Message):
    __slots__ = ("rating",)
    RATING_FIELD_NUMBER: _ClassVar[int]
    rating: _risk_pb2.RiskRating
    def __init__(self, rating: _Optional[_Union[_risk_pb2.RiskRating, _Mapping]] = ...) -> None: ...

class CreateRuleRequest(_message.Message):
    __slots__ = ("spec", "request_id")
    SPEC_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    spec: _risk_pb2.RuleSpec
    request_id: str
    def __init__(self, spec: _Optional[_Union[_risk_pb2.RuleSpec, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateRuleResponse(_message.Message):
    __slots__ = ("rule",)
    RULE_FIELD_NUMBER: _ClassVar[int]
    rule: _risk_pb2.Rule
    def __init__(self, rule: _Optional[_Union[_risk_pb2.Rule, _Mapping]] = ...) -> None: ...

class UpdateRuleRequest(_message.Message):
    __slots__ = ("rule_id", "expected_version", "spec", "request_id")
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_VERSION_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    rule_id: str
    expected_version: int
    spec: _risk_pb2.RuleSpec
    request_id: str
    def __init__(self, rule_id: _Optional[str] = ..., expected_version: _Optional[int] = ..., spec: _Optional[_Union[_risk_pb2.RuleSpec, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpdateRuleResponse(_message.Message):
    __slots__ = ("rule",)
    RULE_FIELD_NUMBER: _ClassVar[int]
    rule: _risk_pb2.Rule
    def __init__(self, rule: _Optional[_Union[_risk_pb2.Rule, _Mapping]] = ...) -> None: ...

class GetRuleRequest(_message.Message):
    __slots__ = ("rule_id", "version")
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    rule_id: str
    version: int
    def __init__(self, rule_id: _Optional[str] = ..., version: _Optional[int] = ...) -> None: ...

class GetRuleResponse(_message.Message):
    __slots__ = ("rule",)
    RULE_FIELD_NUMBER: _ClassVar[int]
    rule: _risk_pb2.Rule
    def __init__(self, rule: _Optional[_Union[_risk_pb2.Rule, _Mapping]] = ...) -> None: ...

class ListRulesRequest(_message.Message):
    __slots__ = ("state", "type", "page_size", "page_token")
    STATE_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    state: _risk_pb2.RuleState
    type: _risk_pb2.RuleType
    page_size: int
    page_token: str
    def __init__(self, state: _Optional[_Union[_risk_pb2.RuleState, str]] = ..., type: _Optional[_Union[_risk_pb2.RuleType, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListRulesResponse(_message.Message):
    __slots__ = ("rules", "next_page_token")
    RULES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    rules: _containers.RepeatedCompositeFieldContainer[_risk_pb2.Rule]
    next_page_token: str
    def __init__(self, rules: _Optional[_Iterable[_Union[_risk_pb2.Rule, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ListRuleVersionsRequest(_message.Message):
    __slots__ = ("rule_id", "page_size", "page_token")
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    rule_id: str
    page_size: int
    page_token: str
    def __init__(self, rule_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListRuleVersionsResponse(_message.Message):
    __slots__ = ("rules", "next_page_token")
    RULES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    rules: _containers.RepeatedCompositeFieldContainer[_risk_pb2.Rule]
    next_page_token: str
    def __init__(self, rules: _Optional[_Iterable[_Union[_risk_pb2.Rule, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class DisableRuleRequest(_message.Message):
    __slots__ = ("rule_id", "reason", "request_id")
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    rule_id: str
    reason: str
    request_id: str
    def __init__(self, rule_id: _Optional[str] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class DisableRuleResponse(_message.Message):
    __slots__ = ("rule",)
    RULE_FIELD_NUMBER: _ClassVar[int]
    rule: _risk_pb2.Rule
    def __init__(self, rule: _Optional[_Union[_risk_pb2.Rule, _Mapping]] = ...) -> None: ...

class EnableRuleRequest(_message.Message):
    __slots__ = ("rule_id", "request_id")
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    rule_id: str
    request_id: str
    def __init__(self, rule_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class EnableRuleResponse(_message.Message):
    __slots__ = ("rule",)
    RULE_FIELD_NUMBER: _ClassVar[int]
    rule: _risk_pb2.Rule
    def __init__(self, rule: _Optional[_Union[_risk_pb2.Rule, _Mapping]] = ...) -> None: ...

class BacktestRuleRequest(_message.Message):
    __slots__ = ("rule_id", "candidate", "start_time", "end_time", "max_decisions")
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    CANDIDATE_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    MAX_DECISIONS_FIELD_NUMBER: _ClassVar[int]
    rule_id: str
    candidate: _risk_pb2.RuleSpec
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    max_decisions: int
    def __init__(self, rule_id: _Optional[str] = ..., candidate: _Optional[_Union[_risk_pb2.RuleSpec, _Mapping]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., max_decisions: _Optional[int] = ...) -> None: ...

class DecisionChange(_message.Message):
    __slots__ = ("from_decision", "to_decision", "count", "fraud_count")
    FROM_DECISION_FIELD_NUMBER: _ClassVar[int]
    TO_DECISION_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    FRAUD_COUNT_FIELD_NUMBER: _ClassVar[int]
    from_decision: _risk_pb2.Decision
    to_decision: _risk_pb2.Decision
    count: int
    fraud_count: int
    def __init__(self, from_decision: _Optional[_Union[_risk_pb2.Decision, str]] = ..., to_decision: _Optional[_Union[_risk_pb2.Decision, str]] = ..., count: _Optional[int] = ..., fraud_count: _Optional[int] = ...) -> None: ...

class BacktestRuleResponse(_message.Message):
    __slots__ = ("replayed_count", "changed_count", "changes", "sample_decision_ids")
    REPLAYED_COUNT_FIELD_NUMBER: _ClassVar[int]
    CHANGED_COUNT_FIELD_NUMBER: _ClassVar[int]
    CHANGES_FIELD_NUMBER: _ClassVar[int]
    SAMPLE_DECISION_IDS_FIELD_NUMBER: _ClassVar[int]
    replayed_count: int
    changed_count: int
    changes: _containers.RepeatedCompositeFieldContainer[DecisionChange]
    sample_decision_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, replayed_count: _Optional[int] = ..., changed_count: _Optional[int] = ..., changes: _Optional[_Iterable[_Union[DecisionChange, _Mapping]]] = ..., sample_decision_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class GetRuleHitReportRequest(_message.Message):
    __slots__ = ("start_time", "end_time")
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    def __init__(self, start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class GetRuleHitReportResponse(_message.Message):
    __slots__ = ("decision_count", "rules", "assessed_amounts")
    DECISION_COUNT_FIELD_NUMBER: _ClassVar[int]
    RULES_FIELD_NUMBER: _ClassVar[int]
    ASSESSED_AMOUNTS_FIELD_NUMBER: _ClassVar[int]
    decision_count: int
    rules: _containers.RepeatedCompositeFieldContainer[_risk_pb2.RuleHitStat]
    assessed_amounts: _containers.RepeatedCompositeFieldContainer[_money_pb2.Money]
    def __init__(self, decision_count: _Optional[int] = ..., rules: _Optional[_Iterable[_Union[_risk_pb2.RuleHitStat, _Mapping]]] = ..., assessed_amounts: _Optional[_Iterable[_Union[_money_pb2.Money, _Mapping]]] = ...) -> None: ...

class CreateRiskListRequest(_message.Message):
    __slots__ = ("name", "type", "dimension", "description", "request_id")
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    DIMENSION_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    name: str
    type: _risk_pb2.ListType
    dimension: _risk_pb2.Dimension
    description: str
    request_id: str
    def __init__(self, name: _Optional[str] = ..., type: _Optional[_Union[_risk_pb2.ListType, str]] = ..., dimension: _Optional[_Union[_risk_pb2.Dimension, str]] = ..., description: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class CreateRiskListResponse(_message.Message):
    __slots__ = ("list",)
    LIST_FIELD_NUMBER: _ClassVar[int]
    list: _risk_pb2.RiskList
    def __init__(self, list: _Optional[_Union[_risk_pb2.RiskList, _Mapping]] = ...) -> None: ...

class GetRiskListRequest(_message.Message):
    __slots__ = ("list_id",)
    LIST_ID_FIELD_NUMBER: _ClassVar[int]
    list_id: str
    def __init__(self, list_id: _Optional[str] = ...) -> None: ...

class GetRiskListResponse(_message.Message):
    __slots__ = ("list",)
    LIST_FIELD_NUMBER: _ClassVar[int]
    list: _risk_pb2.RiskList
    def __init__(self, list: _Optional[_Union[_risk_pb2.RiskList, _Mapping]] = ...) -> None: ...

class ListRiskListsRequest(_message.Message):
    __slots__ = ("type", "page_size", "page_token")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    type: _risk_pb2.ListType
    page_size: int
    page_token: str
    def __init__(self, type: _Optional[_Union[_risk_pb2.ListType, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListRiskListsResponse(_message.Message):
    __slots__ = ("lists", "next_page_token")
    LISTS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    lists: _containers.RepeatedCompositeFieldContainer[_risk_pb2.RiskList]
    next_page_token: str
    def __init__(self, lists: _Optional[_Iterable[_Union[_risk_pb2.RiskList, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class AddRiskListEntriesRequest(_message.Message):
    __slots__ = ("list_id", "entries", "request_id")
    LIST_ID_FIELD_NUMBER: _ClassVar[int]
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    list_id: str
    entries: _containers.RepeatedCompositeFieldContainer[_risk_pb2.RiskListEntry]
    request_id: str
    def __init__(self, list_id: _Optional[str] = ..., entries: _Optional[_Iterable[_Union[_risk_pb2.RiskListEntry, _Mapping]]] = ..., request_id: _Optional[str] = ...) -> None: ...

class AddRiskListEntriesResponse(_message.Message):
    __slots__ = ("list",)
    LIST_FIELD_NUMBER: _ClassVar[int]
    list: _risk_pb2.RiskList
    def __init__(self, list: _Optional[_Union[_risk_pb2.RiskList, _Mapping]] = ...) -> None: ...

class RemoveRiskListEntriesRequest(_message.Message):
    __slots__ = ("list_id", "values", "request_id")
    LIST_ID_FIELD_NUMBER: _ClassVar[int]
    VALUES_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    list_id: str
    values: _containers.RepeatedScalarFieldContainer[str]
    request_id: str
    def __init__(self, list_id: _Optional[str] = ..., values: _Optional[_Iterable[str]] = ..., request_id: _Optional[str] = ...) -> None: ...

class RemoveRiskListEntriesResponse(_message.Message):
    __slots__ = ("list", "removed_count")
    LIST_FIELD_NUMBER: _ClassVar[int]
    REMOVED_COUNT_FIELD_NUMBER: _ClassVar[int]
    list: _risk_pb2.RiskList
    removed_count: int
    def __init__(self, list: _Optional[_Union[_risk_pb2.RiskList, _Mapping]] = ..., removed_count: _Optional[int] = ...) -> None: ...

class ListRiskListEntriesRequest(_message.Message):
    __slots__ = ("list_id", "value_prefix", "page_size", "page_token")
    LIST_ID_FIELD_NUMBER: _ClassVar[int]
    VALUE_PREFIX_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    list_id: str
    value_prefix: str
    page_size: int
    page_token: str
    def __init__(self, list_id: _Optional[str] = ..., value_prefix: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListRiskListEntriesResponse(_message.Message):
    __slots__ = ("entries", "next_page_token")
    ENTRIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    entries: _containers.RepeatedCompositeFieldContainer[_risk_pb2.RiskListEntry]
    next_page_token: str
    def __init__(self, entries: _Optional[_Iterable[_Union[_risk_pb2.RiskListEntry, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
