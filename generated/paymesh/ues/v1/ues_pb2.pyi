import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from paymesh.common.v1 import options_pb2 as _options_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class TicketType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    TICKET_TYPE_UNSPECIFIED: _ClassVar[TicketType]
    TICKET_TYPE_TEMPORARY: _ClassVar[TicketType]
    TICKET_TYPE_PERSISTENT: _ClassVar[TicketType]
    TICKET_TYPE_PERSISTENT_WITH_DIGEST: _ClassVar[TicketType]
    TICKET_TYPE_LARGE: _ClassVar[TicketType]

class KeyPurpose(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    KEY_PURPOSE_UNSPECIFIED: _ClassVar[KeyPurpose]
    KEY_PURPOSE_RECORD_WRAPPING: _ClassVar[KeyPurpose]
    KEY_PURPOSE_DIGEST: _ClassVar[KeyPurpose]
    KEY_PURPOSE_RSA: _ClassVar[KeyPurpose]

class KeyState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    KEY_STATE_UNSPECIFIED: _ClassVar[KeyState]
    KEY_STATE_ACTIVE: _ClassVar[KeyState]
    KEY_STATE_DECRYPT_ONLY: _ClassVar[KeyState]
    KEY_STATE_RETIRED: _ClassVar[KeyState]

class RewrapJobState(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    REWRAP_JOB_STATE_UNSPECIFIED: _ClassVar[RewrapJobState]
    REWRAP_JOB_STATE_PENDING: _ClassVar[RewrapJobState]
    REWRAP_JOB_STATE_RUNNING: _ClassVar[RewrapJobState]
    REWRAP_JOB_STATE_PAUSED: _ClassVar[RewrapJobState]
    REWRAP_JOB_STATE_SUCCEEDED: _ClassVar[RewrapJobState]
    REWRAP_JOB_STATE_FAILED: _ClassVar[RewrapJobState]

class Normalization(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    NORMALIZATION_UNSPECIFIED: _ClassVar[Normalization]
    NORMALIZATION_NONE: _ClassVar[Normalization]
    NORMALIZATION_PAN_DIGITS: _ClassVar[Normalization]
    NORMALIZATION_E164_PHONE: _ClassVar[Normalization]
    NORMALIZATION_LOWER_EMAIL: _ClassVar[Normalization]
    NORMALIZATION_IBAN_COMPACT: _ClassVar[Normalization]

class MaskStyle(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    MASK_STYLE_UNSPECIFIED: _ClassVar[MaskStyle]
    MASK_STYLE_FULL: _ClassVar[MaskStyle]
    MASK_STYLE_CARD_FIRST6_LAST4: _ClassVar[MaskStyle]
    MASK_STYLE_LAST4: _ClassVar[MaskStyle]
    MASK_STYLE_EMAIL: _ClassVar[MaskStyle]
    MASK_STYLE_FIRST_CHAR: _ClassVar[MaskStyle]

class Permission(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PERMISSION_UNSPECIFIED: _ClassVar[Permission]
    PERMISSION_ENCRYPT: _ClassVar[Permission]
    PERMISSION_DECRYPT: _ClassVar[Permission]
    PERMISSION_MASKED_READ: _ClassVar[Permission]
    PERMISSION_QUERY_TICKET: _ClassVar[Permission]
    PERMISSION_CONVERT: _ClassVar[Permission]

class AuditAction(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    AUDIT_ACTION_UNSPECIFIED: _ClassVar[AuditAction]
    AUDIT_ACTION_DECRYPT: _ClassVar[AuditAction]
    AUDIT_ACTION_MASKED_READ: _ClassVar[AuditAction]
    AUDIT_ACTION_QUERY_TICKET: _ClassVar[AuditAction]
    AUDIT_ACTION_CONVERT: _ClassVar[AuditAction]
    AUDIT_ACTION_KEY_CHANGE: _ClassVar[AuditAction]
    AUDIT_ACTION_POLICY_CHANGE: _ClassVar[AuditAction]
TICKET_TYPE_UNSPECIFIED: TicketType
TICKET_TYPE_TEMPORARY: TicketType
TICKET_TYPE_PERSISTENT: TicketType
TICKET_TYPE_PERSISTENT_WITH_DIGEST: TicketType
TICKET_TYPE_LARGE: TicketType
KEY_PURPOSE_UNSPECIFIED: KeyPurpose
KEY_PURPOSE_RECORD_WRAPPING: KeyPurpose
KEY_PURPOSE_DIGEST: KeyPurpose
KEY_PURPOSE_RSA: KeyPurpose
KEY_STATE_UNSPECIFIED: KeyState
KEY_STATE_ACTIVE: KeyState
KEY_STATE_DECRYPT_ONLY: KeyState
KEY_STATE_RETIRED: KeyState
REWRAP_JOB_STATE_UNSPECIFIED: RewrapJobState
REWRAP_JOB_STATE_PENDING: RewrapJobState
REWRAP_JOB_STATE_RUNNING: RewrapJobState
REWRAP_JOB_STATE_PAUSED: RewrapJobState
REWRAP_JOB_STATE_SUCCEEDED: RewrapJobState
REWRAP_JOB_STATE_FAILED: RewrapJobState
NORMALIZATION_UNSPECIFIED: Normalization
NORMALIZATION_NONE: Normalization
NORMALIZATION_PAN_DIGITS: Normalization
NORMALIZATION_E164_PHONE: Normalization
NORMALIZATION_LOWER_EMAIL: Normalization
NORMALIZATION_IBAN_COMPACT: Normalization
MASK_STYLE_UNSPECIFIED: MaskStyle
MASK_STYLE_FULL: MaskStyle
MASK_STYLE_CARD_FIRST6_LAST4: MaskStyle
MASK_STYLE_LAST4: MaskStyle
MASK_STYLE_EMAIL: MaskStyle
MASK_STYLE_FIRST_CHAR: MaskStyle
PERMISSION_UNSPECIFIED: Permission
PERMISSION_ENCRYPT: Permission
PERMISSION_DECRYPT: Permission
PERMISSION_MASKED_READ: Permission
PERMISSION_QUERY_TICKET: Permission
PERMISSION_CONVERT: Permission
AUDIT_ACTION_UNSPECIFIED: AuditAction
AUDIT_ACTION_DECRYPT: AuditAction
AUDIT_ACTION_MASKED_READ: AuditAction
AUDIT_ACTION_QUERY_TICKET: AuditAction
AUDIT_ACTION_CONVERT: AuditAction
AUDIT_ACTION_KEY_CHANGE: AuditAction
AUDIT_ACTION_POLICY_CHANGE: AuditAction

class EncryptItem(_message.Message):
    __slots__ = ("plain_data", "data_type", "summary")
    PLAIN_DATA_FIELD_NUMBER: _ClassVar[int]
    DATA_TYPE_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    plain_data: str
    data_type: str
    summary: str
    def __init__(self, plain_data: _Optional[str] = ..., data_type: _Optional[str] = ..., summary: _Optional[str] = ...) -> None: ...

class Ticket(_message.Message):
    __slots__ = ("ticket", "type", "data_type", "summary", "digest", "digest_key_id", "key_id", "single_use", "compressed", "plain_length", "owner_client_id", "create_time", "expire_time")
    TICKET_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    DATA_TYPE_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    DIGEST_FIELD_NUMBER: _ClassVar[int]
    DIGEST_KEY_ID_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    SINGLE_USE_FIELD_NUMBER: _ClassVar[int]
    COMPRESSED_FIELD_NUMBER: _ClassVar[int]
    PLAIN_LENGTH_FIELD_NUMBER: _ClassVar[int]
    OWNER_CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    EXPIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    ticket: str
    type: TicketType
    data_type: str
    summary: str
    digest: str
    digest_key_id: str
    key_id: str
    single_use: bool
    compressed: bool
    plain_length: int
    owner_client_id: str
    create_time: _timestamp_pb2.Timestamp
    expire_time: _timestamp_pb2.Timestamp
    def __init__(self, ticket: _Optional[str] = ..., type: _Optional[_Union[TicketType, str]] = ..., data_type: _Optional[str] = ..., summary: _Optional[str] = ..., digest: _Optional[str] = ..., digest_key_id: _Optional[str] = ..., key_id: _Optional[str] = ..., single_use: _Optional[bool] = ..., compressed: _Optional[bool] = ..., plain_length: _Optional[int] = ..., owner_client_id: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., expire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class DataType(_message.Message):
    __slots__ = ("name", "pattern", "description", "normalization", "mask_style", "temporary_only", "always_single_use", "digest_allowed", "max_length_chars", "default_ttl_seconds", "max_ttl_seconds", "builtin", "update_time")
    NAME_FIELD_NUMBER: _ClassVar[int]
    PATTERN_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    NORMALIZATION_FIELD_NUMBER: _ClassVar[int]
    MASK_STYLE_FIELD_NUMBER: _ClassVar[int]
    TEMPORARY_ONLY_FIELD_NUMBER: _ClassVar[int]
    ALWAYS_SINGLE_USE_FIELD_NUMBER: _ClassVar[int]
    DIGEST_ALLOWED_FIELD_NUMBER: _ClassVar[int]
    MAX_LENGTH_CHARS_FIELD_NUMBER: _ClassVar[int]
    DEFAULT_TTL_SECONDS_FIELD_NUMBER: _ClassVar[int]
    MAX_TTL_SECONDS_FIELD_NUMBER: _ClassVar[int]
    BUILTIN_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    name: str
    pattern: str
    description: str
    normalization: Normalization
    mask_style: MaskStyle
    temporary_only: bool
    always_single_use: bool
    digest_allowed: bool
    max_length_chars: int
    default_ttl_seconds: int
    max_ttl_seconds: int
    builtin: bool
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, name: _Optional[str] = ..., pattern: _Optional[str] = ..., description: _Optional[str] = ..., normalization: _Optional[_Union[Normalization, str]] = ..., mask_style: _Optional[_Union[MaskStyle, str]] = ..., temporary_only: _Optional[bool] = ..., always_single_use: _Optional[bool] = ..., digest_allowed: _Optional[bool] = ..., max_length_chars: _Optional[int] = ..., default_ttl_seconds: _Optional[int] = ..., max_ttl_seconds: _Optional[int] = ..., builtin: _Optional[bool] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class KeyVersion(_message.Message):
    __slots__ = ("key_id", "purpose", "version", "state", "algorithm", "source", "public_key_pem", "record_count", "create_time", "activate_time", "retire_time")
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    ALGORITHM_FIELD_NUMBER: _ClassVar[int]
    SOURCE_FIELD_NUMBER: _ClassVar[int]
    PUBLIC_KEY_PEM_FIELD_NUMBER: _ClassVar[int]
    RECORD_COUNT_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    ACTIVATE_TIME_FIELD_NUMBER: _ClassVar[int]
    RETIRE_TIME_FIELD_NUMBER: _ClassVar[int]
    key_id: str
    purpose: KeyPurpose
    version: int
    state: KeyState
    algorithm: str
    source: str
    public_key_pem: str
    record_count: int
    create_time: _timestamp_pb2.Timestamp
    activate_time: _timestamp_pb2.Timestamp
    retire_time: _timestamp_pb2.Timestamp
    def __init__(self, key_id: _Optional[str] = ..., purpose: _Optional[_Union[KeyPurpose, str]] = ..., version: _Optional[int] = ..., state: _Optional[_Union[KeyState, str]] = ..., algorithm: _Optional[str] = ..., source: _Optional[str] = ..., public_key_pem: _Optional[str] = ..., record_count: _Optional[int] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., activate_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., retire_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class RewrapJob(_message.Message):
    __slots__ = ("job_id", "state", "purpose", "from_key_ids", "target_key_id", "total_records", "done_records", "failed_records", "checkpoint", "error_message", "create_time", "update_time", "finish_time")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    FROM_KEY_IDS_FIELD_NUMBER: _ClassVar[int]
    TARGET_KEY_ID_FIELD_NUMBER: _ClassVar[int]
    TOTAL_RECORDS_FIELD_NUMBER: _ClassVar[int]
    DONE_RECORDS_FIELD_NUMBER: _ClassVar[int]
    FAILED_RECORDS_FIELD_NUMBER: _ClassVar[int]
    CHECKPOINT_FIELD_NUMBER: _ClassVar[int]
    ERROR_MESSAGE_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    FINISH_TIME_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    state: RewrapJobState
    purpose: KeyPurpose
    from_key_ids: _containers.RepeatedScalarFieldContainer[str]
    target_key_id: str
    total_records: int
    done_records: int
    failed_records: int
    checkpoint: str
    error_message: str
    create_time: _timestamp_pb2.Timestamp
    update_time: _timestamp_pb2.Timestamp
    finish_time: _timestamp_pb2.Timestamp
    def __init__(self, job_id: _Optional[str] = ..., state: _Optional[_Union[RewrapJobState, str]] = ..., purpose: _Optional[_Union[KeyPurpose, str]] = ..., from_key_ids: _Optional[_Iterable[str]] = ..., target_key_id: _Optional[str] = ..., total_records: _Optional[int] = ..., done_records: _Optional[int] = ..., failed_records: _Optional[int] = ..., checkpoint: _Optional[str] = ..., error_message: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., finish_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AccessPolicy(_message.Message):
    __slots__ = ("client_id", "data_type", "permissions", "update_time")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    DATA_TYPE_FIELD_NUMBER: _ClassVar[int]
    PERMISSIONS_FIELD_NUMBER: _ClassVar[int]
    UPDATE_TIME_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    data_type: str
    permissions: _containers.RepeatedScalarFieldContainer[Permission]
    update_time: _timestamp_pb2.Timestamp
    def __init__(self, client_id: _Optional[str] = ..., data_type: _Optional[str] = ..., permissions: _Optional[_Iterable[_Union[Permission, str]]] = ..., update_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...

class AuditRecord(_message.Message):
    __slots__ = ("audit_id", "action", "client_id", "ticket", "data_type", "context_id", "allowed", "reason", "method", "create_time")
    AUDIT_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    TICKET_FIELD_NUMBER: _ClassVar[int]
    DATA_TYPE_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_ID_FIELD_NUMBER: _ClassVar[int]
    ALLOWED_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    METHOD_FIELD_NUMBER: _ClassVar[int]
    CREATE_TIME_FIELD_NUMBER: _ClassVar[int]
    audit_id: str
    action: AuditAction
    client_id: str
    ticket: str
    data_type: str
    context_id: str
    allowed: bool
    reason: str
    method: str
    create_time: _timestamp_pb2.Timestamp
    def __init__(self, audit_id: _Optional[str] = ..., action: _Optional[_Union[AuditAction, str]] = ..., client_id: _Optional[str] = ..., ticket: _Optional[str] = ..., data_type: _Optional[str] = ..., context_id: _Optional[str] = ..., allowed: _Optional[bool] = ..., reason: _Optional[str] = ..., method: _Optional[str] = ..., create_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ...) -> None: ...
