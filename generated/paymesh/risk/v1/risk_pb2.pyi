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

class Decision(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DECISION_UNSPECIFIED: _ClassVar[Decision]
    DECISION_ACCEPT: _ClassVar[Decision]
    DECISION_CHALLENGE: _ClassVar[Decision]
    DECISION_REJECT: _ClassVar[Decision]
    DECISION_REVIEW: _ClassVar[Decision]

class ChallengeType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CHALLENGE_TYPE_UNSPECIFIED: _ClassVar[ChallengeType]
    CHALLENGE_TYPE_PASSWORD: _ClassVar[ChallengeType]
    CHALLENGE_TYPE_OTP: _ClassVar[ChallengeType]
    CHALLENGE_TYPE_THREE_DS: _ClassVar[ChallengeType]

class PaymentMethod(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PAYMENT_METHOD_UNSPECIFIED: _ClassVar[PaymentMethod]
    PAYMENT_METHOD_BALANCE: _ClassVar[PaymentMethod]
    PAYMENT_METHOD_CARD: _ClassVar[PaymentMethod]
    PAYMENT_METHOD_BANK_TRANSFER: _ClassVar[PaymentMethod]

class RuleType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RULE_TYPE_UNSPECIFIED: _ClassVar[RuleType]
    RULE_TYPE_SINGLE_TRANSACTION_LIMIT: _ClassVar[RuleType]
    RULE_TYPE_DAILY_CUMULATIVE_LIMIT: _ClassVar[RuleType]
    RULE_TYPE_VELOCITY: _ClassVar[RuleType]
    RULE_TYPE_LIST_MATCH: _ClassVar[RuleType]
    RULE_TYPE_THREE_DS_THRESHOLD: _ClassVar[RuleType]
    RULE_TYPE_NEW_MEMBER: _ClassVar[RuleType]
    RULE_TYPE_NEW_CARD: _ClassVar[RuleType]

class RuleAction(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RULE_ACTION_UNSPECIFIED: _ClassVar[RuleAction]
    RULE_ACTION_ALLOW: _ClassVar[RuleAction]
    RULE_ACTION_SCORE: _ClassVar[RuleAction]
    RULE_ACTION_CHALLENGE: _ClassVar[RuleAction]
    RULE_ACTION_REVIEW: _ClassVar[RuleAction]
    RULE_ACTION_REJECT: _ClassVar[RuleAction]

class RuleState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RULE_STATE_UNSPECIFIED: _ClassVar[RuleState]
    RULE_STATE_ACTIVE: _ClassVar[RuleState]
    RULE_STATE_DISABLED: _ClassVar[RuleState]

class Dimension(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    DIMENSION_UNSPECIFIED: _ClassVar[Dimension]
    DIMENSION_MEMBER: _ClassVar[Dimension]
    DIMENSION_CARD_DIGEST: _ClassVar[Dimension]
    DIMENSION_DEVICE: _ClassVar[Dimension]
    DIMENSION_IP: _ClassVar[Dimension]
    DIMENSION_MERCHANT: _ClassVar[Dimension]
    DIMENSION_CARD_BIN: _ClassVar[Dimension]

class ListType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    LIST_TYPE_UNSPECIFIED: _ClassVar[ListType]
    LIST_TYPE_BLOCK: _ClassVar[ListType]
    LIST_TYPE_ALLOW: _ClassVar[ListType]

class ChallengeState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    CHALLENGE_STATE_UNSPECIFIED: _ClassVar[ChallengeState]
    CHALLENGE_STATE_PENDING: _ClassVar[ChallengeState]
    CHALLENGE_STATE_PASSED: _ClassVar[ChallengeState]
    CHALLENGE_STATE_FAILED: _ClassVar[ChallengeState]
    CHALLENGE_STATE_EXPIRED: _ClassVar[ChallengeState]

class RiskTicketState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RISK_TICKET_STATE_UNSPECIFIED: _ClassVar[RiskTicketState]
    RISK_TICKET_STATE_ISSUED: _ClassVar[RiskTicketState]
    RISK_TICKET_STATE_REDEEMED: _ClassVar[RiskTicketState]
    RISK_TICKET_STATE_EXPIRED: _ClassVar[RiskTicketState]

class Outcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    OUTCOME_UNSPECIFIED: _ClassVar[Outcome]
    OUTCOME_SUCCESS: _ClassVar[Outcome]
    OUTCOME_FRAUD: _ClassVar[Outcome]
    OUTCOME_CHARGEBACK: _ClassVar[Outcome]
    OUTCOME_FALSE_POSITIVE: _ClassVar[Outcome]

class SubjectType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    SUBJECT_TYPE_UNSPECIFIED: _ClassVar[SubjectType]
    SUBJECT_TYPE_MEMBER: _ClassVar[SubjectType]
    SUBJECT_TYPE_MERCHANT: _ClassVar[SubjectType]

class RatingLevel(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RATING_LEVEL_UNSPECIFIED: _ClassVar[RatingLevel]
    RATING_LEVEL_LOW: _ClassVar[RatingLevel]
    RATING_LEVEL_MEDIUM: _ClassVar[RatingLevel]
    RATING_LEVEL_HIGH: _ClassVar[RatingLevel]
    RATING_LEVEL_BLOCKED: _ClassVar[RatingLevel]

class ReviewResolution(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REVIEW_RESOLUTION_UNSPECIFIED: _ClassVar[ReviewResolution]
    REVIEW_RESOLUTION_APPROVE: _ClassVar[ReviewResolution]
    REVIEW_RESOLUTION_REJECT: _ClassVar[ReviewResolution]
DECISION_UNSPECIFIED: Decision
DECISION_ACCEPT: Decision
DECISION_CHALLENGE: Decision
DECISION_REJECT: Decision
DECISION_REVIEW: Decision
CHALLENGE_TYPE_UNSPECIFIED: ChallengeType
CHALLENGE_TYPE_PASSWORD: ChallengeType
CHALLENGE_TYPE_OTP: ChallengeType
CHALLENGE_TYPE_THREE_DS: ChallengeType
PAYMENT_METHOD_UNSPECIFIED: PaymentMethod
PAYMENT_METHOD_BALANCE: PaymentMethod
PAYMENT_METHOD_CARD: PaymentMethod
PAYMENT_METHOD_BANK_TRANSFER: PaymentMethod
RULE_TYPE_UNSPECIFIED: RuleType
RULE_TYPE_SINGLE_TRANSACTION_LIMIT: RuleType
RULE_TYPE_DAILY_CUMULATIVE_LIMIT: RuleType
RULE_TYPE_VELOCITY: RuleType
RULE_TYPE_LIST_MATCH: RuleType
RULE_TYPE_THREE_DS_THRESHOLD: RuleType
RULE_TYPE_NEW_MEMBER: RuleType
RULE_TYPE_NEW_CARD: RuleType
RULE_ACTION_UNSPECIFIED: RuleAction
RULE_ACTION_ALLOW: RuleAction
RULE_ACTION_SCORE: RuleAction
RULE_ACTION_CHALLENGE: RuleAction
RULE_ACTION_REVIEW: RuleAction
RULE_ACTION_REJECT: RuleAction
RULE_STATE_UNSPECIFIED: RuleState
RULE_STATE_ACTIVE: RuleState
RULE_STATE_DISABLED: RuleState
DIMENSION_UNSPECIFIED: Dimension
DIMENSION_MEMBER: Dimension
DIMENSION_CARD_DIGEST: Dimension
DIMENSION_DEVICE: Dimension
DIMENSION_IP: Dimension
DIMENSION_MERCHANT: Dimension
DIMENSION_CARD_BIN: Dimension
LIST_TYPE_UNSPECIFIED: ListType
LIST_TYPE_BLOCK: ListType
LIST_TYPE_ALLOW: ListType
CHALLENGE_STATE_UNSPECIFIED: ChallengeState
CHALLENGE_STATE_PENDING: ChallengeState
CHALLENGE_STATE_PASSED: ChallengeState
CHALLENGE_STATE_FAILED: ChallengeState
CHALLENGE_STATE_EXPIRED: ChallengeState
RISK_TICKET_STATE_UNSPECIFIED: RiskTicketState
RISK_TICKET_STATE_ISSUED: RiskTicketState
RISK_TICKET_STATE_REDEEMED: RiskTicketState
RISK_TICKET_STATE_EXPIRED: RiskTicketState
OUTCOME_UNSPECIFIED: Outcome
OUTCOME_SUCCESS: Outcome
OUTCOME_FRAUD: Outcome
OUTCOME_CHARGEBACK: Outcome
OUTCOME_FALSE_POSITIVE: Outcome
SUBJECT_TYPE_UNSPECIFIED: SubjectType
SUBJECT_TYPE_MEMBER: SubjectType
SUBJECT_TYPE_MERCHANT: SubjectType
RATING_LEVEL_UNSPECIFIED: RatingLevel
RATING_LEVEL_LOW: RatingLevel
RATING_LEVEL_MEDIUM: RatingLevel
RATING_LEVEL_HIGH: RatingLevel
RATING_LEVEL_BLOCKED: RatingLevel
REVIEW_RESOLUTION_UNSPECIFIED: ReviewResolution
REVIEW_RESOLUTION_APPROVE: ReviewResolution
REVIEW_RESOLUTION_REJECT: ReviewResolution

class PaymentContext(_message.Message):
    __slots__ = ("order_id", "merchant_id", "member_id", "amount", "product_code", "payment_method", "card_digest", "card_bin", "device_id", "ip_address", "member_create_time", "card_bind_time")
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_CODE_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_METHOD_FIELD_NUMBER: _ClassVar[int]
    CARD_DIGEST_FIELD_NUMBER: _ClassVar[int]
    CARD_BIN_FIELD_NUMBER: _ClassVar[int]
    DEVICE_ID_FIELD_NUMBER: _ClassVar[int]
    IP_ADDRESS_FIELD_NUMBER: _ClassVar[int]
    MEMBER_CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    CARD_BIND_TIME_FIELD_NUMBER: _ClassVar[int]
    order_id: str
    merchant_id: str
    member_id: str
    amount: _money_pb2.Money
    product_code: str
    payment_method: PaymentMethod
    card_digest: str
    card_bin: str
    device_id: str
    ip_address: str
    member_create_time: _timestamp_pb2.Timestamp
    card_bind_time: _timestamp_pb2.Timestamp
    def __init__(self, order_id: _Optional[str] = ..., merchant_id: _Optional[str] = ..., member_id: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., product_code: _Optional[str] = ..., payment_method: _Optional[_Union[PaymentMethod, str]] = ..., card_digest: _Optional[str] = ..., card_bin: _Optional[str] = ..., device_id: _Optional[str] = ..., ip_address: _Optional[str] = ..., member_create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., card_bind_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class MatchedRule(_message.Message):
    __slots__ = ("rule_id", "rule_version", "name", "action", "challenge_type", "score", "detail")
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_VERSION_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    CHALLENGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    rule_id: str
    rule_version: int
    name: str
    action: RuleAction
    challenge_type: ChallengeType
    score: int
    detail: str
    def __init__(self, rule_id: _Optional[str] = ..., rule_version: _Optional[int] = ..., name: _Optional[str] = ..., action: _Optional[_Union[RuleAction, str]] = ..., challenge_type: _Optional[_Union[ChallengeType, str]] = ..., score: _Optional[int] = ..., detail: _Optional[str] = ...) -> None: ...

class Challenge(_message.Message):
    __slots__ = ("challenge_id", "allowed_types", "state", "attempts_remaining", "expire_time")
    CHALLENGE_ID_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_TYPES_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ATTEMPTS_REMAINING_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    challenge_id: str
    allowed_types: _containers.RepeatedScalarFieldContainer[ChallengeType]
    state: ChallengeState
    attempts_remaining: int
    expire_time: _timestamp_pb2.Timestamp
    def __init__(self, challenge_id: _Optional[str] = ..., allowed_types: _Optional[_Iterable[_Union[ChallengeType, str]]] = ..., state: _Optional[_Union[ChallengeState, str]] = ..., attempts_remaining: _Optional[int] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RiskTicket(_message.Message):
    __slots__ = ("ticket", "order_id", "member_id", "merchant_id", "amount", "verification", "decision_id", "state", "issue_time", "expire_time", "redeem_time")
    TICKET_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    MEMBER_ID_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_ID_FIELD_NUMBER: _ClassVar[int]
    AMOUNT_FIELD_NUMBER: _ClassVar[int]
    VERIFICATION_FIELD_NUMBER: _ClassVar[int]
    DECISION_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ISSUE_TIME_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    REDEEM_TIME_FIELD_NUMBER: _ClassVar[int]
    ticket: str
    order_id: str
    member_id: str
    merchant_id: str
    amount: _money_pb2.Money
    verification: ChallengeType
    decision_id: str
    state: RiskTicketState
    issue_time: _timestamp_pb2.Timestamp
    expire_time: _timestamp_pb2.Timestamp
    redeem_time: _timestamp_pb2.Timestamp
    def __init__(self, ticket: _Optional[str] = ..., order_id: _Optional[str] = ..., member_id: _Optional[str] = ..., merchant_id: _Optional[str] = ..., amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., verification: _Optional[_Union[ChallengeType, str]] = ..., decision_id: _Optional[str] = ..., state: _Optional[_Union[RiskTicketState, str]] = ..., issue_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., redeem_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RiskDecision(_message.Message):
    __slots__ = ("decision_id", "payment", "decision", "score", "matched_rules", "challenge", "rule_set_version", "member_rating", "merchant_rating", "review_resolution", "outcome", "context_id", "create_time")
    DECISION_ID_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    MATCHED_RULES_FIELD_NUMBER: _ClassVar[int]
    CHALLENGE_FIELD_NUMBER: _ClassVar[int]
    RULE_SET_VERSION_FIELD_NUMBER: _ClassVar[int]
    MEMBER_RATING_FIELD_NUMBER: _ClassVar[int]
    MERCHANT_RATING_FIELD_NUMBER: _ClassVar[int]
    REVIEW_RESOLUTION_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_ID_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    decision_id: str
    payment: PaymentContext
    decision: Decision
    score: int
    matched_rules: _containers.RepeatedCompositeFieldContainer[MatchedRule]
    challenge: Challenge
    rule_set_version: int
    member_rating: RatingLevel
    merchant_rating: RatingLevel
    review_resolution: ReviewResolution
    outcome: Outcome
    context_id: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, decision_id: _Optional[str] = ..., payment: _Optional[_Union[PaymentContext, _Mapping]] = ..., decision: _Optional[_Union[Decision, str]] = ..., score: _Optional[int] = ..., matched_rules: _Optional[_Iterable[_Union[MatchedRule, _Mapping]]] = ..., challenge: _Optional[_Union[Challenge, _Mapping]] = ..., rule_set_version: _Optional[int] = ..., member_rating: _Optional[_Union[RatingLevel, str]] = ..., merchant_rating: _Optional[_Union[RatingLevel, str]] = ..., review_resolution: _Optional[_Union[ReviewResolution, str]] = ..., outcome: _Optional[_Union[Outcome, str]] = ..., context_id: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class VerificationRequirement(_message.Message):
    __slots__ = ("payment_method", "decision", "challenge_types")
    PAYMENT_METHOD_FIELD_NUMBER: _ClassVar[int]
    DECISION_FIELD_NUMBER: _ClassVar[int]
    CHALLENGE_TYPES_FIELD_NUMBER: _ClassVar[int]
    payment_method: PaymentMethod
    decision: Decision
    challenge_types: _containers.RepeatedScalarFieldContainer[ChallengeType]
    def __init__(self, payment_method: _Optional[_Union[PaymentMethod, str]] = ..., decision: _Optional[_Union[Decision, str]] = ..., challenge_types: _Optional[_Iterable[_Union[ChallengeType, str]]] = ...) -> None: ...

class RuleScope(_message.Message):
    __slots__ = ("merchant_ids", "product_codes", "payment_methods", "currency_codes")
    MERCHANT_IDS_FIELD_NUMBER: _ClassVar[int]
    PRODUCT_CODES_FIELD_NUMBER: _ClassVar[int]
    PAYMENT_METHODS_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_CODES_FIELD_NUMBER: _ClassVar[int]
    merchant_ids: _containers.RepeatedScalarFieldContainer[str]
    product_codes: _containers.RepeatedScalarFieldContainer[str]
    payment_methods: _containers.RepeatedScalarFieldContainer[PaymentMethod]
    currency_codes: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, merchant_ids: _Optional[_Iterable[str]] = ..., product_codes: _Optional[_Iterable[str]] = ..., payment_methods: _Optional[_Iterable[_Union[PaymentMethod, str]]] = ..., currency_codes: _Optional[_Iterable[str]] = ...) -> None: ...

class SingleTransactionLimitParams(_message.Message):
    __slots__ = ("max_amount",)
    MAX_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    max_amount: _money_pb2.Money
    def __init__(self, max_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class DailyCumulativeLimitParams(_message.Message):
    __slots__ = ("dimension", "max_amount", "time_zone")
    DIMENSION_FIELD_NUMBER: _ClassVar[int]
    MAX_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    TIME_ZONE_FIELD_NUMBER: _ClassVar[int]
    dimension: Dimension
    max_amount: _money_pb2.Money
    time_zone: str
    def __init__(self, dimension: _Optional[_Union[Dimension, str]] = ..., max_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ..., time_zone: _Optional[str] = ...) -> None: ...

class VelocityParams(_message.Message):
    __slots__ = ("dimension", "window_seconds", "max_count", "max_amount")
    DIMENSION_FIELD_NUMBER: _ClassVar[int]
    WINDOW_SECONDS_FIELD_NUMBER: _ClassVar[int]
    MAX_COUNT_FIELD_NUMBER: _ClassVar[int]
    MAX_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    dimension: Dimension
    window_seconds: int
    max_count: int
    max_amount: _money_pb2.Money
    def __init__(self, dimension: _Optional[_Union[Dimension, str]] = ..., window_seconds: _Optional[int] = ..., max_count: _Optional[int] = ..., max_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class ListMatchParams(_message.Message):
    __slots__ = ("list_id",)
    LIST_ID_FIELD_NUMBER: _ClassVar[int]
    list_id: str
    def __init__(self, list_id: _Optional[str] = ...) -> None: ...

class ThreeDsThresholdParams(_message.Message):
    __slots__ = ("threshold",)
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    threshold: _money_pb2.Money
    def __init__(self, threshold: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class NewSubjectParams(_message.Message):
    __slots__ = ("max_age_seconds", "min_amount")
    MAX_AGE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    MIN_AMOUNT_FIELD_NUMBER: _ClassVar[int]
    max_age_seconds: int
    min_amount: _money_pb2.Money
    def __init__(self, max_age_seconds: _Optional[int] = ..., min_amount: _Optional[_Union[_money_pb2.Money, _Mapping]] = ...) -> None: ...

class RuleSpec(_message.Message):
    __slots__ = ("name", "description", "priority", "action", "challenge_type", "score", "scope", "single_transaction_limit", "daily_cumulative_limit", "velocity", "list_match", "three_ds_threshold", "new_member", "new_card")
    NAME_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    PRIORITY_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    CHALLENGE_TYPE_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    SCOPE_FIELD_NUMBER: _ClassVar[int]
    SINGLE_TRANSACTION_LIMIT_FIELD_NUMBER: _ClassVar[int]
    DAILY_CUMULATIVE_LIMIT_FIELD_NUMBER: _ClassVar[int]
    VELOCITY_FIELD_NUMBER: _ClassVar[int]
    LIST_MATCH_FIELD_NUMBER: _ClassVar[int]
    THREE_DS_THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    NEW_MEMBER_FIELD_NUMBER: _ClassVar[int]
    NEW_CARD_FIELD_NUMBER: _ClassVar[int]
    name: str
    description: str
    priority: int
    action: RuleAction
    challenge_type: ChallengeType
    score: int
    scope: RuleScope
    single_transaction_limit: SingleTransactionLimitParams
    daily_cumulative_limit: DailyCumulativeLimitParams
    velocity: VelocityParams
    list_match: ListMatchParams
    three_ds_threshold: ThreeDsThresholdParams
    new_member: NewSubjectParams
    new_card: NewSubjectParams
    def __init__(self, name: _Optional[str] = ..., description: _Optional[str] = ..., priority: _Optional[int] = ..., action: _Optional[_Union[RuleAction, str]] = ..., challenge_type: _Optional[_Union[ChallengeType, str]] = ..., score: _Optional[int] = ..., scope: _Optional[_Union[RuleScope, _Mapping]] = ..., single_transaction_limit: _Optional[_Union[SingleTransactionLimitParams, _Mapping]] = ..., daily_cumulative_limit: _Optional[_Union[DailyCumulativeLimitParams, _Mapping]] = ..., velocity: _Optional[_Union[VelocityParams, _Mapping]] = ..., list_match: _Optional[_Union[ListMatchParams, _Mapping]] = ..., three_ds_threshold: _Optional[_Union[ThreeDsThresholdParams, _Mapping]] = ..., new_member: _Optional[_Union[NewSubjectParams, _Mapping]] = ..., new_card: _Optional[_Union[NewSubjectParams, _Mapping]] = ...) -> None: ...

class Rule(_message.Message):
    __slots__ = ("rule_id", "version", "type", "state", "spec", "updated_by", "create_time", "update_time")
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    SPEC_FIELD_NUMBER: _ClassVar[int]
    UPDATED_BY_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    rule_id: str
    version: int
    type: RuleType
    state: RuleState
    spec: RuleSpec
    updated_by: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, rule_id: _Optional[str] = ..., version: _Optional[int] = ..., type: _Optional[_Union[RuleType, str]] = ..., state: _Optional[_Union[RuleState, str]] = ..., spec: _Optional[_Union[RuleSpec, _Mapping]] = ..., updated_by: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RiskList(_message.Message):
    __slots__ = ("list_id", "name", "type", "dimension", "description", "entry_count", "create_time", "update_time")
    LIST_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    DIMENSION_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ENTRY_COUNT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    list_id: str
    name: str
    type: ListType
    dimension: Dimension
    description: str
    entry_count: int
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, list_id: _Optional[str] = ..., name: _Optional[str] = ..., type: _Optional[_Union[ListType, str]] = ..., dimension: _Optional[_Union[Dimension, str]] = ..., description: _Optional[str] = ..., entry_count: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RiskListEntry(_message.Message):
    __slots__ = ("value", "reason", "expire_time", "create_time")
    VALUE_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    value: str
    reason: str
    expire_time: _timestamp_pb2.Timestamp
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, value: _Optional[str] = ..., reason: _Optional[str] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RiskOutcome(_message.Message):
    __slots__ = ("outcome_id", "order_id", "decision_id", "outcome", "detail", "create_time")
    OUTCOME_ID_FIELD_NUMBER: _ClassVar[int]
    ORDER_ID_FIELD_NUMBER: _ClassVar[int]
    DECISION_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    outcome_id: str
    order_id: str
    decision_id: str
    outcome: Outcome
    detail: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, outcome_id: _Optional[str] = ..., order_id: _Optional[str] = ..., decision_id: _Optional[str] = ..., outcome: _Optional[_Union[Outcome, str]] = ..., detail: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RiskRating(_message.Message):
    __slots__ = ("subject_type", "subject_id", "level", "score", "success_count", "fraud_count", "chargeback_count", "manual_override", "update_time")
    SUBJECT_TYPE_FIELD_NUMBER: _ClassVar[int]
    SUBJECT_ID_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    SCORE_FIELD_NUMBER: _ClassVar[int]
    SUCCESS_COUNT_FIELD_NUMBER: _ClassVar[int]
    FRAUD_COUNT_FIELD_NUMBER: _ClassVar[int]
    CHARGEBACK_COUNT_FIELD_NUMBER: _ClassVar[int]
    MANUAL_OVERRIDE_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    subject_type: SubjectType
    subject_id: str
    level: RatingLevel
    score: int
    success_count: int
    fraud_count: int
    chargeback_count: int
    manual_override: bool
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, subject_type: _Optional[_Union[SubjectType, str]] = ..., subject_id: _Optional[str] = ..., level: _Optional[_Union[RatingLevel, str]] = ..., score: _Optional[int] = ..., success_count: _Optional[int] = ..., fraud_count: _Optional[int] = ..., chargeback_count: _Optional[int] = ..., manual_override: _Optional[bool] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RuleHitStat(_message.Message):
    __slots__ = ("rule_id", "name", "hit_count", "reject_count", "challenge_count", "review_count", "fraud_count")
    RULE_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    HIT_COUNT_FIELD_NUMBER: _ClassVar[int]
    REJECT_COUNT_FIELD_NUMBER: _ClassVar[int]
    CHALLENGE_COUNT_FIELD_NUMBER: _ClassVar[int]
    REVIEW_COUNT_FIELD_NUMBER: _ClassVar[int]
    FRAUD_COUNT_FIELD_NUMBER: _ClassVar[int]
    rule_id: str
    name: str
    hit_count: int
    reject_count: int
    challenge_count: int
    review_count: int
    fraud_count: int
    def __init__(self, rule_id: _Optional[str] = ..., name: _Optional[str] = ..., hit_count: _Optional[int] = ..., reject_count: _Optional[int] = ..., challenge_count: _Optional[int] = ..., review_count: _Optional[int] = ..., fraud_count: _Optional[int] = ...) -> None: ...
