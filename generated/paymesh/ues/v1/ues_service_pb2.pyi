import datetime

from google.api import annotations_pb2 as _annotations_pb2
from google.protobuf import struct_pb2 as _struct_pb2
from google.protobuf import timestamp_pb2 as _timestamp_pb2
from google.rpc import status_pb2 as _status_pb2
from paymesh.common.v1 import options_pb2 as _options_pb2
from paymesh.ues.v1 import ues_pb2 as _ues_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class EncryptRequest(_message.Message):
    __slots__ = ("plain_data", "data_type", "summary", "request_id")
    PLAIN_DATA_FIELD_NUMBER: _ClassVar[int]
    DATA_TYPE_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    plain_data: str
    data_type: str
    summary: str
    request_id: str
    def __init__(self, plain_data: _Optional[str] = ..., data_type: _Optional[str] = ..., summary: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class EncryptResponse(_message.Message):
    __slots__ = ("success", "data", "message")
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    success: bool
    data: _struct_pb2.Value
    message: _struct_pb2.Value
    def __init__(self, success: _Optional[bool] = ..., data: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., message: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class BatchEncryptRequest(_message.Message):
    __slots__ = ("items", "request_id")
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[_ues_pb2.EncryptItem]
    request_id: str
    def __init__(self, items: _Optional[_Iterable[_Union[_ues_pb2.EncryptItem, _Mapping]]] = ..., request_id: _Optional[str] = ...) -> None: ...

class BatchEncryptResponse(_message.Message):
    __slots__ = ("success", "data", "message")
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    success: bool
    data: _struct_pb2.ListValue
    message: _struct_pb2.Value
    def __init__(self, success: _Optional[bool] = ..., data: _Optional[_Union[_struct_pb2.ListValue, _Mapping]] = ..., message: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class DecryptRequest(_message.Message):
    __slots__ = ("ticket",)
    TICKET_FIELD_NUMBER: _ClassVar[int]
    ticket: str
    def __init__(self, ticket: _Optional[str] = ...) -> None: ...

class DecryptResponse(_message.Message):
    __slots__ = ("success", "data", "message")
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    success: bool
    data: _struct_pb2.Value
    message: _struct_pb2.Value
    def __init__(self, success: _Optional[bool] = ..., data: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., message: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class BatchDecryptRequest(_message.Message):
    __slots__ = ("tickets",)
    TICKETS_FIELD_NUMBER: _ClassVar[int]
    tickets: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, tickets: _Optional[_Iterable[str]] = ...) -> None: ...

class BatchDecryptResponse(_message.Message):
    __slots__ = ("success", "data", "message")
    class DataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    success: bool
    data: _containers.ScalarMap[str, str]
    message: _struct_pb2.Value
    def __init__(self, success: _Optional[bool] = ..., data: _Optional[_Mapping[str, str]] = ..., message: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class EncryptWithCacheRequest(_message.Message):
    __slots__ = ("plain_data", "data_type", "summary", "request_id")
    PLAIN_DATA_FIELD_NUMBER: _ClassVar[int]
    DATA_TYPE_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    plain_data: str
    data_type: str
    summary: str
    request_id: str
    def __init__(self, plain_data: _Optional[str] = ..., data_type: _Optional[str] = ..., summary: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class EncryptWithCacheResponse(_message.Message):
    __slots__ = ("success", "data", "message")
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    success: bool
    data: _struct_pb2.Value
    message: _struct_pb2.Value
    def __init__(self, success: _Optional[bool] = ..., data: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., message: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class BatchEncryptWithCacheRequest(_message.Message):
    __slots__ = ("items", "request_id")
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[_ues_pb2.EncryptItem]
    request_id: str
    def __init__(self, items: _Optional[_Iterable[_Union[_ues_pb2.EncryptItem, _Mapping]]] = ..., request_id: _Optional[str] = ...) -> None: ...

class BatchEncryptWithCacheResponse(_message.Message):
    __slots__ = ("success", "data", "message")
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    success: bool
    data: _struct_pb2.ListValue
    message: _struct_pb2.Value
    def __init__(self, success: _Optional[bool] = ..., data: _Optional[_Union[_struct_pb2.ListValue, _Mapping]] = ..., message: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class DecryptWithCacheRequest(_message.Message):
    __slots__ = ("ticket",)
    TICKET_FIELD_NUMBER: _ClassVar[int]
    ticket: str
    def __init__(self, ticket: _Optional[str] = ...) -> None: ...

class DecryptWithCacheResponse(_message.Message):
    __slots__ = ("success", "data", "message")
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    success: bool
    data: _struct_pb2.Value
    message: _struct_pb2.Value
    def __init__(self, success: _Optional[bool] = ..., data: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ..., message: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class BatchDecryptWithCacheRequest(_message.Message):
    __slots__ = ("tickets",)
    TICKETS_FIELD_NUMBER: _ClassVar[int]
    tickets: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, tickets: _Optional[_Iterable[str]] = ...) -> None: ...

class BatchDecryptWithCacheResponse(_message.Message):
    __slots__ = ("success", "data", "message")
    class DataEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    SUCCESS_FIELD_NUMBER: _ClassVar[int]
    DATA_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    success: bool
    data: _containers.ScalarMap[str, str]
    message: _struct_pb2.Value
    def __init__(self, success: _Optional[bool] = ..., data: _Optional[_Mapping[str, str]] = ..., message: _Optional[_Union[_struct_pb2.Value, _Mapping]] = ...) -> None: ...

class SaveDataRequest(_message.Message):
    __slots__ = ("plain_data", "data_type", "summary", "type", "ttl_seconds", "single_use", "request_id")
    PLAIN_DATA_FIELD_NUMBER: _ClassVar[int]
    DATA_TYPE_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    TTL_SECONDS_FIELD_NUMBER: _ClassVar[int]
    SINGLE_USE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    plain_data: str
    data_type: str
    summary: str
    type: _ues_pb2.TicketType
    ttl_seconds: int
    single_use: bool
    request_id: str
    def __init__(self, plain_data: _Optional[str] = ..., data_type: _Optional[str] = ..., summary: _Optional[str] = ..., type: _Optional[_Union[_ues_pb2.TicketType, str]] = ..., ttl_seconds: _Optional[int] = ..., single_use: _Optional[bool] = ..., request_id: _Optional[str] = ...) -> None: ...

class SaveDataResponse(_message.Message):
    __slots__ = ("ticket",)
    TICKET_FIELD_NUMBER: _ClassVar[int]
    ticket: _ues_pb2.Ticket
    def __init__(self, ticket: _Optional[_Union[_ues_pb2.Ticket, _Mapping]] = ...) -> None: ...

class SaveDataItem(_message.Message):
    __slots__ = ("plain_data", "data_type", "summary", "type", "ttl_seconds", "single_use")
    PLAIN_DATA_FIELD_NUMBER: _ClassVar[int]
    DATA_TYPE_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    TTL_SECONDS_FIELD_NUMBER: _ClassVar[int]
    SINGLE_USE_FIELD_NUMBER: _ClassVar[int]
    plain_data: str
    data_type: str
    summary: str
    type: _ues_pb2.TicketType
    ttl_seconds: int
    single_use: bool
    def __init__(self, plain_data: _Optional[str] = ..., data_type: _Optional[str] = ..., summary: _Optional[str] = ..., type: _Optional[_Union[_ues_pb2.TicketType, str]] = ..., ttl_seconds: _Optional[int] = ..., single_use: _Optional[bool] = ...) -> None: ...

class SaveDatasRequest(_message.Message):
    __slots__ = ("items", "request_id")
    ITEMS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    items: _containers.RepeatedCompositeFieldContainer[SaveDataItem]
    request_id: str
    def __init__(self, items: _Optional[_Iterable[_Union[SaveDataItem, _Mapping]]] = ..., request_id: _Optional[str] = ...) -> None: ...

class SaveDataResult(_message.Message):
    __slots__ = ("ticket", "error")
    TICKET_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    ticket: _ues_pb2.Ticket
    error: _status_pb2.Status
    def __init__(self, ticket: _Optional[_Union[_ues_pb2.Ticket, _Mapping]] = ..., error: _Optional[_Union[_status_pb2.Status, _Mapping]] = ...) -> None: ...

class SaveDatasResponse(_message.Message):
    __slots__ = ("results",)
    RESULTS_FIELD_NUMBER: _ClassVar[int]
    results: _containers.RepeatedCompositeFieldContainer[SaveDataResult]
    def __init__(self, results: _Optional[_Iterable[_Union[SaveDataResult, _Mapping]]] = ...) -> None: ...

class GetDataRequest(_message.Message):
    __slots__ = ("ticket", "use_cache", "purpose")
    TICKET_FIELD_NUMBER: _ClassVar[int]
    USE_CACHE_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    ticket: str
    use_cache: bool
    purpose: str
    def __init__(self, ticket: _Optional[str] = ..., use_cache: _Optional[bool] = ..., purpose: _Optional[str] = ...) -> None: ...

class GetDataResponse(_message.Message):
    __slots__ = ("plain_data", "ticket")
    PLAIN_DATA_FIELD_NUMBER: _ClassVar[int]
    TICKET_FIELD_NUMBER: _ClassVar[int]
    plain_data: str
    ticket: _ues_pb2.Ticket
    def __init__(self, plain_data: _Optional[str] = ..., ticket: _Optional[_Union[_ues_pb2.Ticket, _Mapping]] = ...) -> None: ...

class GetDatasRequest(_message.Message):
    __slots__ = ("tickets", "use_cache", "purpose")
    TICKETS_FIELD_NUMBER: _ClassVar[int]
    USE_CACHE_FIELD_NUMBER: _ClassVar[int]
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    tickets: _containers.RepeatedScalarFieldContainer[str]
    use_cache: bool
    purpose: str
    def __init__(self, tickets: _Optional[_Iterable[str]] = ..., use_cache: _Optional[bool] = ..., purpose: _Optional[str] = ...) -> None: ...

class TicketError(_message.Message):
    __slots__ = ("ticket", "error")
    TICKET_FIELD_NUMBER: _ClassVar[int]
    ERROR_FIELD_NUMBER: _ClassVar[int]
    ticket: str
    error: _status_pb2.Status
    def __init__(self, ticket: _Optional[str] = ..., error: _Optional[_Union[_status_pb2.Status, _Mapping]] = ...) -> None: ...

class GetDatasResponse(_message.Message):
    __slots__ = ("plain_data_by_ticket", "errors")
    class PlainDataByTicketEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    PLAIN_DATA_BY_TICKET_FIELD_NUMBER: _ClassVar[int]
    ERRORS_FIELD_NUMBER: _ClassVar[int]
    plain_data_by_ticket: _containers.ScalarMap[str, str]
    errors: _containers.RepeatedCompositeFieldContainer[TicketError]
    def __init__(self, plain_data_by_ticket: _Optional[_Mapping[str, str]] = ..., errors: _Optional[_Iterable[_Union[TicketError, _Mapping]]] = ...) -> None: ...

class QueryTicketRequest(_message.Message):
    __slots__ = ("plain_data", "data_type")
    PLAIN_DATA_FIELD_NUMBER: _ClassVar[int]
    DATA_TYPE_FIELD_NUMBER: _ClassVar[int]
    plain_data: str
    data_type: str
    def __init__(self, plain_data: _Optional[str] = ..., data_type: _Optional[str] = ...) -> None: ...

class QueryTicketResponse(_message.Message):
    __slots__ = ("ticket",)
    TICKET_FIELD_NUMBER: _ClassVar[int]
    ticket: _ues_pb2.Ticket
    def __init__(self, ticket: _Optional[_Union[_ues_pb2.Ticket, _Mapping]] = ...) -> None: ...

class ConvertTicketRequest(_message.Message):
    __slots__ = ("ticket", "data_type", "type", "summary", "request_id")
    TICKET_FIELD_NUMBER: _ClassVar[int]
    DATA_TYPE_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    ticket: str
    data_type: str
    type: _ues_pb2.TicketType
    summary: str
    request_id: str
    def __init__(self, ticket: _Optional[str] = ..., data_type: _Optional[str] = ..., type: _Optional[_Union[_ues_pb2.TicketType, str]] = ..., summary: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class ConvertTicketResponse(_message.Message):
    __slots__ = ("ticket",)
    TICKET_FIELD_NUMBER: _ClassVar[int]
    ticket: _ues_pb2.Ticket
    def __init__(self, ticket: _Optional[_Union[_ues_pb2.Ticket, _Mapping]] = ...) -> None: ...

class GetMaskedDataRequest(_message.Message):
    __slots__ = ("ticket",)
    TICKET_FIELD_NUMBER: _ClassVar[int]
    ticket: str
    def __init__(self, ticket: _Optional[str] = ...) -> None: ...

class GetMaskedDataResponse(_message.Message):
    __slots__ = ("masked_data", "ticket")
    MASKED_DATA_FIELD_NUMBER: _ClassVar[int]
    TICKET_FIELD_NUMBER: _ClassVar[int]
    masked_data: str
    ticket: _ues_pb2.Ticket
    def __init__(self, masked_data: _Optional[str] = ..., ticket: _Optional[_Union[_ues_pb2.Ticket, _Mapping]] = ...) -> None: ...

class GetTicketRequest(_message.Message):
    __slots__ = ("ticket",)
    TICKET_FIELD_NUMBER: _ClassVar[int]
    ticket: str
    def __init__(self, ticket: _Optional[str] = ...) -> None: ...

class GetTicketResponse(_message.Message):
    __slots__ = ("ticket",)
    TICKET_FIELD_NUMBER: _ClassVar[int]
    ticket: _ues_pb2.Ticket
    def __init__(self, ticket: _Optional[_Union[_ues_pb2.Ticket, _Mapping]] = ...) -> None: ...

class ListDataTypesRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListDataTypesResponse(_message.Message):
    __slots__ = ("data_types", "next_page_token")
    DATA_TYPES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    data_types: _containers.RepeatedCompositeFieldContainer[_ues_pb2.DataType]
    next_page_token: str
    def __init__(self, data_types: _Optional[_Iterable[_Union[_ues_pb2.DataType, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class GetDataTypeRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class GetDataTypeResponse(_message.Message):
    __slots__ = ("data_type",)
    DATA_TYPE_FIELD_NUMBER: _ClassVar[int]
    data_type: _ues_pb2.DataType
    def __init__(self, data_type: _Optional[_Union[_ues_pb2.DataType, _Mapping]] = ...) -> None: ...

class UpsertDataTypeRequest(_message.Message):
    __slots__ = ("data_type", "request_id")
    DATA_TYPE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    data_type: _ues_pb2.DataType
    request_id: str
    def __init__(self, data_type: _Optional[_Union[_ues_pb2.DataType, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpsertDataTypeResponse(_message.Message):
    __slots__ = ("data_type",)
    DATA_TYPE_FIELD_NUMBER: _ClassVar[int]
    data_type: _ues_pb2.DataType
    def __init__(self, data_type: _Optional[_Union[_ues_pb2.DataType, _Mapping]] = ...) -> None: ...

class ListAccessPoliciesRequest(_message.Message):
    __slots__ = ("client_id", "page_size", "page_token")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    page_size: int
    page_token: str
    def __init__(self, client_id: _Optional[str] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListAccessPoliciesResponse(_message.Message):
    __slots__ = ("policies", "next_page_token")
    POLICIES_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    policies: _containers.RepeatedCompositeFieldContainer[_ues_pb2.AccessPolicy]
    next_page_token: str
    def __init__(self, policies: _Optional[_Iterable[_Union[_ues_pb2.AccessPolicy, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class UpsertAccessPolicyRequest(_message.Message):
    __slots__ = ("policy", "request_id")
    POLICY_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    policy: _ues_pb2.AccessPolicy
    request_id: str
    def __init__(self, policy: _Optional[_Union[_ues_pb2.AccessPolicy, _Mapping]] = ..., request_id: _Optional[str] = ...) -> None: ...

class UpsertAccessPolicyResponse(_message.Message):
    __slots__ = ("policy",)
    POLICY_FIELD_NUMBER: _ClassVar[int]
    policy: _ues_pb2.AccessPolicy
    def __init__(self, policy: _Optional[_Union[_ues_pb2.AccessPolicy, _Mapping]] = ...) -> None: ...

class DeleteAccessPolicyRequest(_message.Message):
    __slots__ = ("client_id", "data_type", "request_id")
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    DATA_TYPE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    client_id: str
    data_type: str
    request_id: str
    def __init__(self, client_id: _Optional[str] = ..., data_type: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class DeleteAccessPolicyResponse(_message.Message):
    __slots__ = ("deleted",)
    DELETED_FIELD_NUMBER: _ClassVar[int]
    deleted: bool
    def __init__(self, deleted: _Optional[bool] = ...) -> None: ...

class ListKeyVersionsRequest(_message.Message):
    __slots__ = ("purpose", "page_size", "page_token")
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    purpose: _ues_pb2.KeyPurpose
    page_size: int
    page_token: str
    def __init__(self, purpose: _Optional[_Union[_ues_pb2.KeyPurpose, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListKeyVersionsResponse(_message.Message):
    __slots__ = ("key_versions", "next_page_token")
    KEY_VERSIONS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    key_versions: _containers.RepeatedCompositeFieldContainer[_ues_pb2.KeyVersion]
    next_page_token: str
    def __init__(self, key_versions: _Optional[_Iterable[_Union[_ues_pb2.KeyVersion, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class RotateKeyRequest(_message.Message):
    __slots__ = ("purpose", "key_id", "request_id")
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    purpose: _ues_pb2.KeyPurpose
    key_id: str
    request_id: str
    def __init__(self, purpose: _Optional[_Union[_ues_pb2.KeyPurpose, str]] = ..., key_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class RotateKeyResponse(_message.Message):
    __slots__ = ("key_version", "previous_key_version")
    KEY_VERSION_FIELD_NUMBER: _ClassVar[int]
    PREVIOUS_KEY_VERSION_FIELD_NUMBER: _ClassVar[int]
    key_version: _ues_pb2.KeyVersion
    previous_key_version: _ues_pb2.KeyVersion
    def __init__(self, key_version: _Optional[_Union[_ues_pb2.KeyVersion, _Mapping]] = ..., previous_key_version: _Optional[_Union[_ues_pb2.KeyVersion, _Mapping]] = ...) -> None: ...

class RetireKeyVersionRequest(_message.Message):
    __slots__ = ("key_id", "reason", "request_id")
    KEY_ID_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    key_id: str
    reason: str
    request_id: str
    def __init__(self, key_id: _Optional[str] = ..., reason: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class RetireKeyVersionResponse(_message.Message):
    __slots__ = ("key_version",)
    KEY_VERSION_FIELD_NUMBER: _ClassVar[int]
    key_version: _ues_pb2.KeyVersion
    def __init__(self, key_version: _Optional[_Union[_ues_pb2.KeyVersion, _Mapping]] = ...) -> None: ...

class StartRewrapJobRequest(_message.Message):
    __slots__ = ("purpose", "from_key_ids", "batch_size", "request_id")
    PURPOSE_FIELD_NUMBER: _ClassVar[int]
    FROM_KEY_IDS_FIELD_NUMBER: _ClassVar[int]
    BATCH_SIZE_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    purpose: _ues_pb2.KeyPurpose
    from_key_ids: _containers.RepeatedScalarFieldContainer[str]
    batch_size: int
    request_id: str
    def __init__(self, purpose: _Optional[_Union[_ues_pb2.KeyPurpose, str]] = ..., from_key_ids: _Optional[_Iterable[str]] = ..., batch_size: _Optional[int] = ..., request_id: _Optional[str] = ...) -> None: ...

class StartRewrapJobResponse(_message.Message):
    __slots__ = ("job",)
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: _ues_pb2.RewrapJob
    def __init__(self, job: _Optional[_Union[_ues_pb2.RewrapJob, _Mapping]] = ...) -> None: ...

class GetRewrapJobRequest(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    def __init__(self, job_id: _Optional[str] = ...) -> None: ...

class GetRewrapJobResponse(_message.Message):
    __slots__ = ("job",)
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: _ues_pb2.RewrapJob
    def __init__(self, job: _Optional[_Union[_ues_pb2.RewrapJob, _Mapping]] = ...) -> None: ...

class ListRewrapJobsRequest(_message.Message):
    __slots__ = ("state", "page_size", "page_token")
    STATE_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    state: _ues_pb2.RewrapJobState
    page_size: int
    page_token: str
    def __init__(self, state: _Optional[_Union[_ues_pb2.RewrapJobState, str]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListRewrapJobsResponse(_message.Message):
    __slots__ = ("jobs", "next_page_token")
    JOBS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    jobs: _containers.RepeatedCompositeFieldContainer[_ues_pb2.RewrapJob]
    next_page_token: str
    def __init__(self, jobs: _Optional[_Iterable[_Union[_ues_pb2.RewrapJob, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...

class ResumeRewrapJobRequest(_message.Message):
    __slots__ = ("job_id", "request_id")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    request_id: str
    def __init__(self, job_id: _Optional[str] = ..., request_id: _Optional[str] = ...) -> None: ...

class ResumeRewrapJobResponse(_message.Message):
    __slots__ = ("job",)
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: _ues_pb2.RewrapJob
    def __init__(self, job: _Optional[_Union[_ues_pb2.RewrapJob, _Mapping]] = ...) -> None: ...

class ListAuditRecordsRequest(_message.Message):
    __slots__ = ("ticket", "client_id", "context_id", "action", "start_time", "end_time", "page_size", "page_token")
    TICKET_FIELD_NUMBER: _ClassVar[int]
    CLIENT_ID_FIELD_NUMBER: _ClassVar[int]
    CONTEXT_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    START_TIME_FIELD_NUMBER: _ClassVar[int]
    END_TIME_FIELD_NUMBER: _ClassVar[int]
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    ticket: str
    client_id: str
    context_id: str
    action: _ues_pb2.AuditAction
    start_time: _timestamp_pb2.Timestamp
    end_time: _timestamp_pb2.Timestamp
    page_size: int
    page_token: str
    def __init__(self, ticket: _Optional[str] = ..., client_id: _Optional[str] = ..., context_id: _Optional[str] = ..., action: _Optional[_Union[_ues_pb2.AuditAction, str]] = ..., start_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., end_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListAuditRecordsResponse(_message.Message):
    __slots__ = ("records", "next_page_token")
    RECORDS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    records: _containers.RepeatedCompositeFieldContainer[_ues_pb2.AuditRecord]
    next_page_token: str
    def __init__(self, records: _Optional[_Iterable[_Union[_ues_pb2.AuditRecord, _Mapping]]] = ..., next_page_token: _Optional[str] = ...) -> None: ...
